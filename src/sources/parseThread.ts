/**
 * Parses tailed lines on a second thread. A burst (a tail started on a busy log, a reconnect
 * catching up) used to be parsed on the extension host's own thread, which every extension
 * shares: 100 000 lines held it for over two seconds. Here the lines go in batches to a worker
 * (parseThreadWorker.ts) that keeps each source's parser state and sends back the events; the
 * engine only correlates them (DiagnosisEngine.pushParsed). Results are the same as parsing in
 * place: the worker runs the engine's own line half (LineParseStage), and answers in order.
 *
 * Lines are never lost: a batch stays here until its answer arrives, and when the worker cannot
 * start or dies, those lines and every later one go straight to the target (parsed on this thread).
 */
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import type { LineSink, SourceLine } from '../core/lines';
import type { ParsedLines } from '../core/engine/parsedLines';
import type { OAuthEvent } from '../core/model';

/** Where parsed lines go: the session (or an engine), which can also parse lines itself. */
export interface ParsedLinesTarget extends LineSink {
  pushParsed(batch: ParsedLines): void;
  end(source: string): void;
}

/**
 * Consecutive lines of one source, packed so that copying them to the worker costs little: one
 * string of the texts joined by `\n` (or the texts themselves when one holds a newline) and the
 * line numbers in a typed array, instead of an object per line.
 */
export interface LineChunk {
  source: string;
  lines: Float64Array;
  text?: string;
  texts?: string[];
  /** Indexes of the lines with `truncated` / `candidate` set. */
  truncated?: number[];
  candidate?: number[];
}

/** A message to the worker: lines to parse and/or a source that ended. */
export interface ToParseThread {
  seq: number;
  chunks?: LineChunk[];
  end?: string;
  /** A source read again from its start: its parser state is dropped first. */
  forget?: string;
}

/**
 * The worker's answer to message `seq`: the parsed lines per source (ParsedLines[]) as JSON,
 * which is several times cheaper to copy and read back than the objects themselves (events are
 * plain data), and the source that ended.
 */
export interface FromParseThread {
  seq: number;
  json: string;
  end?: string;
}

/**
 * Parsed lines as the worker sends them: events without `ref.file` (it is the batch's source),
 * and events without `message` where `fromLine` lists pairs (item index, index of the line in
 * the message whose text the message is).
 */
export type ElidedParsedLines = ParsedLines & { fromLine?: number[] };

/** Line number → index in `lines` (of one source; the first when repeated), or -1. */
export function lineIndexes(lines: readonly SourceLine[]): (line: number) => number {
  if (lines.length === 0) return () => -1;
  const first = lines[0]!.line;
  let consecutive = true;
  for (let i = 1; i < lines.length && consecutive; i++) if (lines[i]!.line !== first + i) consecutive = false;
  if (consecutive) return (line) => (line >= first && line - first < lines.length ? line - first : -1);
  const map = new Map<number, number>();
  lines.forEach((l, i) => {
    if (!map.has(l.line)) map.set(l.line, i);
  });
  return (line) => map.get(line) ?? -1;
}

/** Puts back what {@link ElidedParsedLines} left out, from the lines of the message as sent. */
export function restoreElided(batch: ElidedParsedLines, sent: readonly SourceLine[] | undefined): ParsedLines {
  for (const item of batch.items) {
    const ref = (item as Partial<OAuthEvent>).ref;
    if (ref !== undefined && ref.file === undefined) ref.file = batch.source;
  }
  const from = batch.fromLine;
  if (from !== undefined) {
    for (let k = 0; k < from.length; k += 2) (batch.items[from[k]!] as OAuthEvent).message = sent?.[from[k + 1]!]?.text ?? '';
    delete batch.fromLine;
  }
  return batch;
}

/** Packs lines into chunks of one source each (see {@link LineChunk}). */
export function packLines(lines: readonly SourceLine[]): LineChunk[] {
  const chunks: LineChunk[] = [];
  for (let i = 0; i < lines.length; ) {
    const source = lines[i]!.source;
    let j = i + 1;
    while (j < lines.length && lines[j]!.source === source) j++;
    const numbers = new Float64Array(j - i);
    const texts: string[] = [];
    let newline = false;
    const chunk: LineChunk = { source, lines: numbers };
    for (let k = i; k < j; k++) {
      const l = lines[k]!;
      numbers[k - i] = l.line;
      texts.push(l.text);
      if (!newline && l.text.includes('\n')) newline = true;
      if (l.truncated) (chunk.truncated ??= []).push(k - i);
      if (l.candidate) (chunk.candidate ??= []).push(k - i);
    }
    if (newline) chunk.texts = texts;
    else chunk.text = texts.join('\n');
    chunks.push(chunk);
    i = j;
  }
  return chunks;
}

/** The lines of a chunk, as they were pushed. */
export function unpackChunk(c: LineChunk): SourceLine[] {
  const texts = c.texts ?? (c.text ?? '').split('\n');
  const out: SourceLine[] = new Array(c.lines.length);
  for (let k = 0; k < c.lines.length; k++) out[k] = { source: c.source, line: c.lines[k]!, text: texts[k]! };
  if (c.truncated) for (const k of c.truncated) out[k]!.truncated = true;
  if (c.candidate) for (const k of c.candidate) out[k]!.candidate = true;
  return out;
}

export interface ParseThreadOptions {
  /** The bundled worker (dist/parseThreadWorker.js). Missing: lines are parsed on this thread. */
  workerScript: string;
  /** Lines per message (a batch is also sent at the end of the current turn). Default 2 000. */
  batchLines?: number;
  /** Told once when the worker cannot run and parsing falls back to this thread. */
  onFallback?: (reason: string) => void;
}

export class ParseThread implements LineSink {
  private worker: Worker | undefined;
  private readonly batchLines: number;
  private batch: SourceLine[] = [];
  private flushScheduled = false;
  private seq = 0;
  /** Sent and not answered yet, by seq: replayed here if the worker dies. */
  private readonly inFlight = new Map<number, Unanswered>();
  /** whenIdle callers: each waits for the answer to message `upTo` (answers come in order). */
  private idleWaiters: { upTo: number; resolve: () => void }[] = [];
  private fellBack = false;

  constructor(
    private readonly target: ParsedLinesTarget,
    private readonly options: ParseThreadOptions,
  ) {
    this.batchLines = Math.max(1, options.batchLines ?? 2_000);
  }

  /** Takes one line; it reaches the target in order with the lines of the same source. */
  push(line: SourceLine): void {
    if (this.fellBack) return this.target.push(line);
    this.batch.push(line);
    if (this.batch.length >= this.batchLines) this.flush();
    else this.scheduleFlush();
  }

  /** A source ended: the target hears it after the source's last events. */
  end(source: string): void {
    if (this.fellBack) return this.target.end(source);
    this.send(this.takeBatch(), source);
  }

  /**
   * Starts the worker now (a tail about to start), so the first lines do not wait for it to
   * boot (~0.1 s). An idle worker does not keep the process alive.
   */
  warm(): void {
    if (this.fellBack || this.worker !== undefined) return;
    this.startWorker()?.unref();
  }

  /**
   * The source will be read again from its start (Diagnose on a file read before): the next
   * lines meet a fresh parser, as they would in a fresh engine.
   */
  forget(source: string): void {
    if (this.fellBack) return;
    this.flush();
    if (this.worker !== undefined) this.send(undefined, undefined, source);
  }

  /**
   * Resolves when every line pushed so far has reached the target – lines pushed later (another
   * tail still streaming) are not waited for.
   */
  whenIdle(): Promise<void> {
    this.flush();
    if (this.inFlight.size === 0) return Promise.resolve();
    const upTo = this.seq;
    return new Promise((resolve) => this.idleWaiters.push({ upTo, resolve }));
  }

  /**
   * Stops the worker; lines still on their way are parsed here first, so none is lost, and lines
   * pushed later (a source stopping after this) go straight to the target.
   */
  dispose(): void {
    this.flush();
    this.fallBack(undefined);
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.batch.length === 0 || this.fellBack) return;
    this.send(this.takeBatch(), undefined);
  }

  private takeBatch(): SourceLine[] | undefined {
    if (this.batch.length === 0) return undefined;
    const b = this.batch;
    this.batch = [];
    return b;
  }

  private send(lines: SourceLine[] | undefined, end: string | undefined, forget?: string): void {
    const w = this.worker ?? this.startWorker();
    const m: Unanswered = { seq: ++this.seq, lines, end };
    if (w === undefined) return this.replay(m);
    // Referenced only while answers are due: an idle worker keeps no process alive.
    if (this.inFlight.size === 0) w.ref();
    this.inFlight.set(m.seq, m);
    const message: ToParseThread = { seq: m.seq };
    if (lines !== undefined) message.chunks = packLines(lines);
    if (end !== undefined) message.end = end;
    if (forget !== undefined) message.forget = forget;
    w.postMessage(message);
  }

  private startWorker(): Worker | undefined {
    if (this.fellBack) return undefined;
    if (!existsSync(this.options.workerScript)) {
      this.fallBack(`the parse thread is not installed (${this.options.workerScript})`);
      return undefined;
    }
    let w: Worker;
    try {
      // Its heap holds one batch and the parser state of each source: small limits are plenty.
      w = new Worker(this.options.workerScript, { resourceLimits: { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 16 } });
    } catch (e) {
      this.fallBack(`the parse thread did not start: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
    w.on('message', (m: FromParseThread) => this.answered(m));
    w.on('error', (e: Error) => this.fallBack(`the parse thread failed: ${e.message}`));
    w.on('exit', (code) => {
      if (this.worker === w) this.fallBack(`the parse thread stopped (exit code ${code})`);
    });
    this.worker = w;
    return w;
  }

  private answered(m: FromParseThread): void {
    const sent = this.inFlight.get(m.seq);
    if (!sent) return;
    this.inFlight.delete(m.seq);
    for (const b of JSON.parse(m.json) as ElidedParsedLines[]) this.target.pushParsed(restoreElided(b, sent.lines));
    if (m.end !== undefined) this.target.end(m.end);
    if (this.inFlight.size === 0) this.worker?.unref();
    this.wakeIdle(m.seq);
  }

  /**
   * From now on lines are parsed on this thread: unanswered messages are replayed in order
   * (their lines start a fresh parser state for their source, as after a reload), then the
   * worker is stopped. `reason` undefined: a normal stop (dispose), nothing to report.
   */
  private fallBack(reason: string | undefined): void {
    if (this.fellBack) return;
    this.fellBack = true;
    const w = this.worker;
    this.worker = undefined;
    const pending = [...this.inFlight.values()].sort((a, b) => a.seq - b.seq);
    this.inFlight.clear();
    for (const m of pending) this.replay(m);
    const rest = this.takeBatch();
    if (rest) for (const l of rest) this.target.push(l);
    if (w) void w.terminate();
    if (reason !== undefined) this.options.onFallback?.(reason);
    this.wakeIdle(Number.POSITIVE_INFINITY);
  }

  private replay(m: Unanswered): void {
    if (m.lines) for (const l of m.lines) this.target.push(l);
    if (m.end !== undefined) this.target.end(m.end);
  }

  /** Resolves the waiters whose last message is answered (`answered` = the newest answered seq). */
  private wakeIdle(answered: number): void {
    if (this.idleWaiters.length === 0) return;
    const ready = this.idleWaiters.filter((w) => w.upTo <= answered);
    if (ready.length === 0) return;
    this.idleWaiters = this.idleWaiters.filter((w) => w.upTo > answered);
    for (const w of ready) w.resolve();
  }
}

/** A message sent to the worker, kept as it was pushed until answered. */
interface Unanswered {
  seq: number;
  lines: SourceLine[] | undefined;
  end: string | undefined;
}
