/**
 * Reads a log file as lines, fast and in bounded memory, for `oauth-diagnose scan`.
 *
 * Most lines of a real log have nothing to do with OAuth, so the hot path never turns them into
 * strings: each chunk is read into one buffer and gated in place – by the SIMD module
 * (candidateScan.wasm, built from candidateScan.wat) when it is there, else by the parser's
 * candidate regex over the chunk as one Latin-1 string (a byte-for-byte view, so indices are
 * byte offsets) – and only the lines around a hit are decoded as UTF-8, checked with the exact
 * regex and handed on. Line numbers are counted on the way. Memory is one reusable read buffer
 * plus one capped carry-over line, whatever the file size. Big files are read and gated in a
 * worker thread (fileLinesWorker.ts) while this thread consumes the lines; very big ones are
 * parsed there too (`onParsed`), the consumer only correlating and parsing its share.
 *
 * Also: lines over MAX_LINE_CHARS are cut (and flagged `truncated`), lines with NUL bytes or
 * invalid UTF-8 are skipped and counted as "not text", and a file that grows while it is read is
 * read to its end as found (with a bounded allowance, so a busy log cannot keep the scan alive).
 */
import { closeSync, existsSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { join } from 'node:path';
import { MessageChannel, MessagePort, Worker } from 'node:worker_threads';
import type { SourceLine } from '../core/lines';
import type { ParsedLines } from '../core/engine/parsedLines';
import { MAX_LINE_CHARS } from '../core/lines';
import { candidateScanner, isCandidateLine } from '../core/logs/candidateFilter';
import type { CandidateScanner } from './candidateScan';
import { loadCandidateScanner } from './candidateScan';

export interface FileLineStats {
  /** Lines in the file (all of them, including the ones not handed on). */
  lines: number;
  /** Lines handed to the sink. */
  emitted: number;
  /** Lines skipped because they were not text (NUL bytes, invalid UTF-8). */
  notText: number;
  /** Lines cut at MAX_LINE_CHARS. */
  truncated: number;
  /** Of them, the ones handed on (to the sink, or parsed in the reader thread). */
  cutEmitted: number;
  bytes: number;
}

export interface FileLineOptions {
  /** Hand on only lines that may be OAuth-relevant (the parser's candidate filter). Default true. */
  candidatesOnly?: boolean;
  /**
   * The first lines handed on whatever they hold (default 64), so a parser that detects the
   * file's format from its opening lines sees the file as it is, not only its OAuth lines.
   */
  sampleLines?: number;
  /**
   * Bytes read per call. Default 512 KiB: chunk strings stay below V8's external-string size, so
   * they die young in the new space instead of piling up as external memory (measured: 1–4 MiB
   * chunks peak at ~140 MB RSS on a 100 MB file, 512 KiB at ~75 MB).
   */
  chunkBytes?: number;
  /** Extra bytes read past the size found at open, for a file that grows meanwhile. Default 64 MiB. */
  growthAllowance?: number;
  /**
   * The SIMD line gate (candidateScan.wasm): 'auto' (default) uses dist/candidateScan.wasm when
   * it is there, 'regex' never does, a compiled module is used as given (tests).
   */
  gate?: 'auto' | 'regex' | WebAssembly.Module;
  /**
   * Read and gate the file in a worker thread while this thread consumes the lines: 'auto'
   * (default) does for files of 16 MiB or more when the worker script is there (dist/
   * fileLinesWorker.js next to the CLI), true whenever it is there, false never.
   */
  thread?: boolean | 'auto';
  /** The worker script (default: fileLinesWorker.js next to this module); tests pass the source. */
  workerScript?: string;
  /**
   * Called before the next handed-on line when lines skipped since the previous one included the
   * start of a new Laravel-style entry (`[2026-…`), so a parser folding multi-line entries does
   * not glue the next line onto an entry that already ended.
   */
  onBoundary?: () => void;
  /** A reader thread started ahead for this file ({@link startParsingReader}); used with `onParsed`. */
  started?: StartedReader;
  /**
   * Parse in the reader thread: when the file is read there and is big enough to pay for it
   * (128 MiB, or `thread` true), that thread also runs the engine's line half (LineParseStage,
   * from a fresh parser state, with every entry boundary) and this gets the parsed batches
   * instead of lines – `onLine` and `onBoundary` are not called. Otherwise lines go to `onLine`
   * as usual.
   */
  onParsed?: (batch: ParsedLines) => void;
}

const NL = 10;
const CR = 13;

/** Files at least this big are read in a worker thread when `thread` is 'auto'. */
const THREAD_MIN_BYTES = 16 * 1024 * 1024;

/**
 * Files at least this big are also parsed in the reader thread (with `onParsed`, `thread`
 * 'auto'). The split costs CPU – a second isolate compiles the parser, events cross threads, the
 * consumer waits for the thread to start instead of reading the head – that only a long read
 * pays back (measured, idle 2-core machine, wall: 20 MB 0.63 -> 0.73 s, 100 MB 1.50 -> 1.51 s,
 * 300 MB 2.94 -> 2.72 s, 1 GB 8.7 -> 6.6 s).
 */
const PARSE_MIN_BYTES = 128 * 1024 * 1024;

/**
 * Reads `path` and calls `onLine` for each (candidate) line, in order. Rejects with a plain
 * message for input errors (missing, a directory, unreadable).
 *
 * @example await readFileLines('storage/logs/laravel.log', (l) => engine.push(l))
 */
export async function readFileLines(path: string, onLine: (line: SourceLine) => void, opts: FileLineOptions = {}): Promise<FileLineStats> {
  const { started } = opts;
  if (started !== undefined) {
    if (started.path === path && opts.onParsed !== undefined) return readInWorker({ started }, path, onLine, opts);
    started.port.close(); // not wanted after all: its creator ends it
  }
  const reader = readerScript(path, opts);
  if (reader !== undefined) return readInWorker({ script: reader.script }, path, onLine, reader.parse ? opts : { ...opts, onParsed: undefined });
  return readLinesSync(path, onLine, opts);
}

/**
 * The reader thread's script when `path` is to be read in that thread (see `thread`), else
 * undefined; `parse`: whether it parses too (see `onParsed`).
 */
function readerScript(path: string, opts: FileLineOptions): { script: string; parse: boolean } | undefined {
  const thread = opts.thread ?? 'auto';
  if (thread === false || !(opts.candidatesOnly ?? true)) return undefined;
  const script = opts.workerScript ?? join(__dirname, 'fileLinesWorker.js');
  const st = statSync(path);
  if (st.isDirectory() || (thread !== true && st.size < THREAD_MIN_BYTES) || !existsSync(script)) return undefined;
  return { script, parse: opts.onParsed !== undefined && (thread === true || st.size >= PARSE_MIN_BYTES) };
}

/**
 * A reader thread started ahead by another thread ({@link startParsingReader}): the consumer
 * passes it to readFileLines as `started` and gets its parsed batches on `port`.
 */
export interface StartedReader {
  path: string;
  port: MessagePort;
  credits: Int32Array;
}

/**
 * Starts the reader thread that readFileLines(path, …, { ...opts, onParsed }) would start, now,
 * in parse mode, talking to whoever gets the returned `reader` (transfer its port): the CLI's
 * main thread starts it while the scan thread starts, instead of one after the other. Undefined
 * when readFileLines would read the file in its own thread. The caller ends `worker` when the
 * consumer is done (it stops by itself once the file is read and consumed).
 */
export function startParsingReader(path: string, opts: Pick<FileLineOptions, 'thread' | 'workerScript'>): { worker: Worker; reader: StartedReader } | undefined {
  const script = readerScript(path, { ...opts, onParsed: () => {} });
  if (script === undefined || !script.parse) return undefined;
  const { port1, port2 } = new MessageChannel();
  const credits = new Int32Array(new SharedArrayBuffer(8));
  const worker = new Worker(script.script, { resourceLimits: PARSING_HEAP, workerData: { ...readerJob(path, credits, 0, { onParsed: () => {}, onBoundary: () => {} }), port: port1 }, transferList: [port1] });
  // Its failures reach the consumer as the port closing; nothing to report here.
  worker.on('error', () => {});
  return { worker, reader: { path, port: port2, credits } };
}

/** What the reader thread is to do (fileLinesWorker.ts Job). */
function readerJob(path: string, credits: Int32Array, from: number, opts: FileLineOptions): Record<string, unknown> {
  return {
    path,
    credits,
    from,
    parse: opts.onParsed !== undefined,
    opts: { candidatesOnly: true, sampleLines: from > 0 ? 0 : opts.sampleLines, chunkBytes: opts.chunkBytes, growthAllowance: opts.growthAllowance, gate: opts.gate, boundaries: opts.onBoundary !== undefined },
  };
}

/** One batch of lines from the worker: texts, and per line its number and flags. */
export interface LineBatch {
  texts: string[];
  /** Per line: number, then flags (1: truncated, 2: an entry boundary comes before it, 4: a tested candidate). */
  meta: Int32Array;
}

/** Batches the worker may have sent ahead of the consumer: bounds memory when the engine is slower. */
export const BATCHES_AHEAD = 4;

/**
 * The worker mode: fileLinesWorker.ts reads and gates the file (readLinesSync there) and
 * sends lines in batches, or parses them too and sends events (`onParsed`); this thread hands
 * them on in order. Credits in a SharedArrayBuffer keep the worker at most
 * {@link BATCHES_AHEAD} batches ahead.
 */
function readInWorker(how: { script: string } | { started: StartedReader }, path: string, onLine: (line: SourceLine) => void, opts: FileLineOptions): Promise<FileLineStats> {
  const { onBoundary, onParsed } = opts;
  // While the thread starts (tens of milliseconds), this one reads the head of the file itself –
  // unless the thread parses: a parser's state (format, a pending entry) cannot move across.
  const split = onParsed ? 0 : headEnd(path);
  return new Promise((resolve, reject) => {
    let credits: Int32Array; // [batches sent, batches consumed]
    let channel: Worker | MessagePort;
    let stop: () => void;
    if ('started' in how) {
      ({ credits, port: channel } = how.started);
      const port = channel;
      stop = () => port.close();
    } else {
      credits = new Int32Array(new SharedArrayBuffer(8));
      const worker = new Worker(how.script, {
        // The thread holds a read buffer, at most BATCHES_AHEAD batches and, when it parses, the
        // parser's per-source state and bounded memos: a small heap will do.
        resourceLimits: onParsed ? PARSING_HEAP : READING_HEAP,
        workerData: readerJob(path, credits, split, opts),
      });
      channel = worker;
      stop = () => void worker.terminate();
    }
    const tail = { boundary: false };
    let head: FileLineStats = { lines: 0, emitted: 0, notText: 0, truncated: 0, cutEmitted: 0, bytes: 0 };
    try {
      if (split > 0) head = readLinesSync(path, onLine, { ...opts, thread: false }, { until: split, tail });
    } catch (e) {
      stop();
      reject(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    let owed = tail.boundary;
    let settled = false;
    const fail = (e: unknown): void => {
      if (settled) return;
      settled = true;
      stop();
      reject(e instanceof Error ? e : new Error(String(e)));
    };
    const stopped = (how: string): void => fail(new Error(`the reader thread stopped (${how}) before the end of ${path}`));
    channel.on('message', (m: { batch?: LineBatch; parsed?: ParsedLines; done?: FileLineStats; error?: string }) => {
      if (settled) return;
      try {
        if (m.parsed) {
          onParsed?.(m.parsed);
          Atomics.add(credits, 1, 1);
          Atomics.notify(credits, 1);
        } else if (m.batch) {
          const { texts, meta } = m.batch;
          for (let i = 0; i < texts.length; i++) {
            const flags = meta[2 * i + 1]!;
            if (flags & 2 || owed) onBoundary?.();
            owed = false;
            const line = head.lines + meta[2 * i]!;
            const l: SourceLine = flags & 1 ? { source: path, line, text: texts[i]!, truncated: true } : { source: path, line, text: texts[i]! };
            if (flags & 4) l.candidate = true;
            onLine(l);
          }
          Atomics.add(credits, 1, 1);
          Atomics.notify(credits, 1);
        } else if (m.done) {
          settled = true;
          // A started reader's port would keep this thread alive; a worker ends by itself.
          if (channel instanceof MessagePort) channel.close();
          const d = m.done;
          resolve({ lines: head.lines + d.lines, emitted: head.emitted + d.emitted, notText: head.notText + d.notText, truncated: head.truncated + d.truncated, cutEmitted: head.cutEmitted + d.cutEmitted, bytes: head.bytes + d.bytes });
        } else if (m.error !== undefined) {
          fail(new Error(m.error));
        }
      } catch (e) {
        fail(e);
      }
    });
    if (channel instanceof MessagePort) {
      // A started reader that fails (out of memory, a crash) closes its end of the channel.
      channel.on('close', () => stopped('its channel closed'));
    } else {
      channel.on('error', fail);
      channel.on('exit', (code) => stopped(`exit code ${code}`));
    }
  });
}

/** The reader thread's heap when it only reads and gates, and when it parses too. */
const READING_HEAP = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 32 };
const PARSING_HEAP = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 48 };

/** Bytes of a big file read by the calling thread while the reader thread starts. */
const HEAD_BYTES = 4 * 1024 * 1024;

/** Where the head ends: the first line start at or after HEAD_BYTES (0: no head, the thread reads all). */
function headEnd(path: string): number {
  const fd = openSync(path, 'r');
  try {
    const probe = Buffer.allocUnsafe(MAX_LINE_CHARS + 1);
    const n = readSync(fd, probe, 0, probe.length, HEAD_BYTES - 1);
    const nl = probe.subarray(0, n).indexOf(NL);
    return nl < 0 ? 0 : HEAD_BYTES + nl;
  } finally {
    closeSync(fd);
  }
}

/** Part of a file, for splitting the work between this thread and the reader thread. */
export interface ByteRange {
  /** First byte to read: a line start (default 0). Line numbers then count from there. */
  from?: number;
  /** Stop before this byte: a line start (default: the end, plus the growth allowance). */
  until?: number;
  /** Set when lines skipped after the last handed-on one opened an entry (a boundary still owed). */
  tail?: { boundary: boolean };
}

/** Reads and gates the file in this thread (the reader thread runs this too). */
export function readLinesSync(path: string, onLine: (line: SourceLine) => void, opts: FileLineOptions, range: ByteRange = {}): FileLineStats {
  const candidatesOnly = opts.candidatesOnly ?? true;
  const sampleLines = Math.max(0, opts.sampleLines ?? 64);
  const gate = opts.gate ?? 'auto';
  const cap = MAX_LINE_CHARS;
  // Reads are synchronous: a scan has nothing else to do meanwhile, and an await per chunk left
  // the thread idle for a tenth of the run (measured on a 100 MB log).
  const fd = openSync(path, 'r');
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new Error(`${path} is a directory`);
    const limit = Math.min(range.until ?? Infinity, st.size + (opts.growthAllowance ?? 64 * 1024 * 1024));
    // The gate reads the chunk in place and makes no strings, so its chunks can be large; the
    // regex path keeps chunk strings small enough to die young (see chunkBytes).
    let simd: CandidateScanner | undefined;
    let chunk = Math.max(16 * 1024, opts.chunkBytes ?? 1024 * 1024);
    if (candidatesOnly && gate !== 'regex') simd = loadCandidateScanner(chunk + cap + 1, gate === 'auto' ? undefined : gate);
    if (simd === undefined) chunk = Math.max(16 * 1024, opts.chunkBytes ?? 120 * 1024);
    const buf = simd?.input ?? Buffer.allocUnsafe(chunk + cap + 1);
    const stats: FileLineStats = { lines: 0, emitted: 0, notText: 0, truncated: 0, cutEmitted: 0, bytes: 0 };
    const scanner = candidateScanner();
    let carry = 0; // bytes of an unfinished line at buf[0..carry)
    let skipping = false; // inside an over-long line whose head was already handled
    let position = range.from ?? 0;
    let boundary = false;
    const onBoundary = opts.onBoundary;
    /** Whether the skipped line starting at s[i] opens a timestamped entry (`[2026-…`). */
    const opens = (s: string, i: number): boolean => s.charCodeAt(i) === 91 && ((s.charCodeAt(i + 1) - 48) >>> 0) < 10;

    const emit = (start: number, end: number, truncated: boolean, checked = false): void => {
      let e = end;
      if (e > start && buf[e - 1] === CR) e--;
      const lineNo = stats.lines;
      if (!checked && buf.subarray(start, e).indexOf(0) !== -1) {
        stats.notText++;
        return;
      }
      if (truncated || !checked ? !isUtf8(buf.subarray(start, e)) : false) {
        if (!truncated || !isUtf8(buf.subarray(start, trimToUtf8(buf, start, e)))) {
          stats.notText++;
          return;
        }
        e = trimToUtf8(buf, start, e);
      }
      const text = buf.toString('utf8', start, e);
      const gated = candidatesOnly && lineNo > sampleLines;
      if (gated && !isCandidateLine(text)) {
        if (opens(text, 0)) boundary = true;
        return;
      }
      if (boundary) {
        boundary = false;
        onBoundary?.();
      }
      stats.emitted++;
      if (truncated) stats.cutEmitted++;
      const line: SourceLine = truncated ? { source: path, line: lineNo, text, truncated: true } : { source: path, line: lineNo, text };
      if (gated) line.candidate = true;
      onLine(line);
    };

    /** Handles complete lines in buf[from, to) (to is just past a newline). */
    const region = (from: number, to: number): void => {
      let start = from;
      if (skipping) {
        // The rest of an over-long line: already counted and emitted.
        const nl = buf.indexOf(NL, start);
        start = nl + 1;
        skipping = false;
        if (start >= to) return;
      }
      if (stats.lines < sampleLines) {
        start = slowRegion(start, to, sampleLines);
        if (start >= to) return;
      }
      const view = buf.subarray(start, to);
      const clean = view.indexOf(0) === -1 && isUtf8(view);
      if (!candidatesOnly || !clean) {
        slowRegion(start, to);
        return;
      }
      if (simd !== undefined) {
        const base = stats.lines;
        const done = simd.scan(start, to, (newlines, ls, le, opensBefore) => {
          if (opensBefore && onBoundary) boundary = true;
          stats.lines = base + newlines + 1;
          const long = le - ls > cap;
          if (long) stats.truncated++;
          emit(ls, long ? ls + cap : le, long, true);
        });
        stats.lines = base + done.lines;
        if (done.opens && onBoundary) boundary = true;
        return;
      }
      const s = buf.toString('latin1', start, to);
      scanner.lastIndex = 0;
      let pos = 0; // next unread char in s; lines before it are counted
      for (let m = scanner.exec(s); m !== null; m = scanner.exec(s)) {
        const ls = s.lastIndexOf('\n', m.index) + 1;
        let le = s.indexOf('\n', m.index);
        if (le < 0) le = s.length;
        if (onBoundary && pos < ls && opens(s, pos)) boundary = true;
        for (let k = s.indexOf('\n', pos); k !== -1 && k < ls; k = s.indexOf('\n', k + 1)) {
          stats.lines++;
          pos = k + 1;
          if (onBoundary && pos < ls && opens(s, pos)) boundary = true;
        }
        stats.lines++;
        const long = le - ls > cap;
        if (long) stats.truncated++;
        emit(start + ls, start + (long ? ls + cap : le), long, true);
        pos = le + 1;
        scanner.lastIndex = pos;
        if (pos >= s.length) break;
      }
      if (onBoundary && pos < s.length && opens(s, pos)) boundary = true;
      for (let k = s.indexOf('\n', pos); k !== -1; k = s.indexOf('\n', k + 1)) {
        stats.lines++;
        if (onBoundary && k + 1 < s.length && opens(s, k + 1)) boundary = true;
      }
    };

    /** Line by line, for chunks with binary or invalid UTF-8 content (or when every line is wanted). */
    const slowRegion = (from: number, to: number, untilLine = Infinity): number => {
      let start = from;
      while (start < to && stats.lines < untilLine) {
        let nl = buf.indexOf(NL, start);
        if (nl < 0 || nl >= to) nl = to;
        stats.lines++;
        const long = nl - start > cap;
        if (long) stats.truncated++;
        emit(start, long ? start + cap : nl, long);
        start = nl + 1;
      }
      return start;
    };

    for (;;) {
      if (position >= limit) break;
      const want = Math.min(chunk, limit - position);
      const bytesRead = readSync(fd, buf, carry, want, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      stats.bytes += bytesRead;
      const end = carry + bytesRead;
      const lastNl = buf.lastIndexOf(NL, end - 1);
      if (lastNl === -1) {
        // No newline at all in what we hold: one line still going on.
        if (!skipping && end > cap) {
          stats.lines++;
          stats.truncated++;
          emit(0, cap, true);
          skipping = true;
          carry = 0;
        } else if (skipping) {
          carry = 0;
        } else {
          carry = end;
        }
        continue;
      }
      region(0, lastNl + 1);
      const rest = end - (lastNl + 1);
      if (rest > cap) {
        buf.copyWithin(0, lastNl + 1, lastNl + 1 + cap);
        stats.lines++;
        stats.truncated++;
        emit(0, cap, true);
        skipping = true;
        carry = 0;
      } else {
        buf.copyWithin(0, lastNl + 1, end);
        carry = rest;
      }
    }
    if (carry > 0 && !skipping) {
      stats.lines++;
      emit(0, carry, false);
    }
    if (range.tail) range.tail.boundary = boundary;
    return stats;
  } finally {
    closeSync(fd);
  }
}

/** The end of the longest prefix of buf[start, end) that does not cut a UTF-8 sequence. */
function trimToUtf8(buf: Buffer, start: number, end: number): number {
  let e = end;
  // Step back over continuation bytes (10xxxxxx) and the lead byte of a cut sequence.
  let back = 0;
  while (e > start && back < 4 && ((buf[e - 1] ?? 0) & 0xc0) === 0x80) {
    e--;
    back++;
  }
  if (e > start && ((buf[e - 1] ?? 0) & 0x80) !== 0) e--;
  return e;
}
