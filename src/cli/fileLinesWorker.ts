/**
 * The reader thread of `oauth-diagnose scan` (see readInWorker in fileLines.ts): reads and gates
 * one file with readLinesSync and posts, in batches, either its candidate lines or – when the
 * consumer asked for parsed lines – the events the engine's line half (LineParseStage) makes of
 * them, while the consumer diagnoses the previous batches. Waits when the consumer is
 * BATCHES_AHEAD behind.
 */
import type { MessagePort } from 'node:worker_threads';
import { parentPort, workerData } from 'node:worker_threads';
import type { FileLineOptions, FileLineStats, LineBatch } from './fileLines';
import { BATCHES_AHEAD, readLinesSync } from './fileLines';
import { LineParseStage } from '../core/engine/parsedLines';

interface Job {
  path: string;
  credits: Int32Array;
  /** Where to start: a line start; the caller reads the bytes before it and numbers our lines on. */
  from: number;
  opts: Pick<FileLineOptions, 'candidatesOnly' | 'sampleLines' | 'chunkBytes' | 'growthAllowance' | 'gate'> & { boundaries: boolean };
  /** Parse here and post events (the whole file is read here: from is 0). */
  parse: boolean;
  /** Where to post (a reader started ahead for another thread, see startParsingReader), else the parent. */
  port?: MessagePort;
}

/** Lines per batch, and characters: large enough to amortise a message, small enough to start early. */
const BATCH_LINES = 4096;
const BATCH_CHARS = 1024 * 1024;

/**
 * Parsed lines per batch, and items (events or entries): a batch costs the parser tens of
 * milliseconds, so the consumer starts early and the last batch leaves it little to do after the
 * read ends. BATCH_CHARS caps a batch of long lines too (entries carry their text).
 */
const PARSED_BATCH_LINES = 512;
const PARSED_BATCH_ITEMS = 256;
/** Entries are left to the consumer while it has fewer batches than this to go. */
const SHARE_BELOW = 2;

/** Waits while the consumer is too far behind (it adds to credits[1] after each batch). */
function waitForCredit(credits: Int32Array, sent: number): void {
  for (let done = Atomics.load(credits, 1); sent - done > BATCHES_AHEAD; done = Atomics.load(credits, 1)) Atomics.wait(credits, 1, done, 1000);
}

/**
 * Parse mode: the events of the file's lines, in batches of ParsedLines. The consumer (the
 * engine) is the other half of the work: while it has at most SHARE_BELOW batches to go it would
 * soon wait, so entries are left to it to parse (DeferredEntry) – the split between the two
 * threads follows whichever is behind, on a quiet machine as on a busy one.
 */
function runParsed(job: Job, port: MessagePort): void {
  const { credits } = job;
  let sent = 0;
  const stage = new LineParseStage(job.path, () => sent - Atomics.load(credits, 1) < SHARE_BELOW);
  let lines = 0;
  let chars = 0;
  const flush = (): void => {
    if (lines === 0 && stage.pendingItems === 0) return;
    port.postMessage({ parsed: stage.take() });
    sent++;
    lines = 0;
    chars = 0;
    waitForCredit(job.credits, sent);
  };
  // Entry boundaries always reach the stage, as scanFiles hands them to DiagnosisEngine.boundary.
  const { boundaries: _, ...opts } = job.opts;
  const stats: FileLineStats = readLinesSync(job.path, (line) => {
    stage.push(line);
    chars += line.text.length;
    if (++lines >= PARSED_BATCH_LINES || stage.pendingItems >= PARSED_BATCH_ITEMS || chars >= BATCH_CHARS) flush();
  }, { ...opts, thread: false, onBoundary: () => stage.boundary() });
  stage.end();
  flush();
  port.postMessage({ done: stats });
}

function run(job: Job, port: MessagePort): void {
  if (job.parse) {
    runParsed(job, port);
    return;
  }
  const { credits } = job;
  let texts: string[] = [];
  let meta: number[] = [];
  let chars = 0;
  let boundary = false;
  let sent = 0;
  const flush = (): void => {
    if (texts.length === 0) return;
    const batch: LineBatch = { texts, meta: Int32Array.from(meta) };
    port.postMessage({ batch }, [batch.meta.buffer as ArrayBuffer]);
    sent++;
    texts = [];
    meta = [];
    chars = 0;
    waitForCredit(credits, sent);
  };
  const { boundaries, ...opts } = job.opts;
  const stats: FileLineStats = readLinesSync(job.path, (line) => {
    texts.push(line.text);
    meta.push(line.line, (line.truncated ? 1 : 0) | (boundary ? 2 : 0) | (line.candidate ? 4 : 0));
    boundary = false;
    chars += line.text.length;
    if (texts.length >= BATCH_LINES || chars >= BATCH_CHARS) flush();
  }, { ...opts, thread: false, onBoundary: boundaries ? () => (boundary = true) : undefined }, { from: job.from });
  flush();
  port.postMessage({ done: stats });
}

if (parentPort) {
  const job = workerData as Job;
  const port = job.port ?? parentPort;
  try {
    run(job, port);
  } catch (e) {
    port.postMessage({ error: e instanceof Error ? e.message : String(e) });
  }
  job.port?.close();
}
