/**
 * The reader thread of `oauth-diagnose scan` (see readInWorker in fileLines.ts): reads and gates
 * one file with readLinesSync and posts its candidate lines in batches, while the main thread
 * parses and diagnoses the previous ones. Waits when the main thread is BATCHES_AHEAD behind.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { FileLineOptions, FileLineStats, LineBatch } from './fileLines';
import { BATCHES_AHEAD, readLinesSync } from './fileLines';

interface Job {
  path: string;
  credits: Int32Array;
  /** Where to start: a line start; the caller reads the bytes before it and numbers our lines on. */
  from: number;
  opts: Pick<FileLineOptions, 'candidatesOnly' | 'sampleLines' | 'chunkBytes' | 'growthAllowance' | 'gate'> & { boundaries: boolean };
}

/** Lines per batch, and characters: large enough to amortise a message, small enough to start early. */
const BATCH_LINES = 4096;
const BATCH_CHARS = 1024 * 1024;

function run(job: Job, port: NonNullable<typeof parentPort>): void {
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
    // Wait while the consumer is too far behind (it adds to credits[1] after each batch).
    for (let done = Atomics.load(credits, 1); sent - done > BATCHES_AHEAD; done = Atomics.load(credits, 1)) Atomics.wait(credits, 1, done, 1000);
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
  const port = parentPort;
  try {
    run(workerData as Job, port);
  } catch (e) {
    port.postMessage({ error: e instanceof Error ? e.message : String(e) });
  }
}
