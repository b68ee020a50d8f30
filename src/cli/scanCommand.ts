/**
 * `oauth-diagnose scan FILE... [--json] [--code-ttl 60s|10m] [--since TIME] [--max-events N]`
 * Reads log files (streaming, bounded memory) – `-` for standard input, so a pipe works too
 * (`kubectl logs auth-0 | oauth-diagnose scan -`), and gzip-compressed rotated logs as they are –
 * diagnoses them, prints the report.
 * Exit 0: no error findings; 1: error findings; 2: usage or input error (one-line message).
 */
import { access, stat } from 'node:fs/promises';
import { closeSync, constants, createReadStream, existsSync, openSync, readSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { StartedReader } from './fileLines';
import { readFileLines, startParsingReader } from './fileLines';
import type { ParsedLines } from '../core/engine/diagnosisEngine';
import { DiagnosisEngine } from '../core/engine/diagnosisEngine';
import { renderTextReport } from '../core/report/textReport';
import type { SourceLine } from '../core/lines';
import { LineSplitter } from '../core/tail/lineSplitter';
import { writeJsonReport } from '../core/report/jsonReport';

export interface ScanArgs {
  files: string[];
  json: boolean;
  codeTtlSeconds: number;
  since?: number;
  maxEvents?: number;
}

class UsageError extends Error {}

/** Parses `60`, `60s`, `10m`, `1h`, `1.5m` into seconds. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|sec|m|min|h)?$/i.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = (m[2] ?? 's').toLowerCase();
  const sec = unit === 'ms' ? n / 1000 : unit === 'm' || unit === 'min' ? n * 60 : unit === 'h' ? n * 3600 : n;
  return sec > 0 && Number.isFinite(sec) ? sec : undefined;
}

/** Parses `--since`: an ISO date/time (UTC unless it says otherwise) or a duration ago (`2h`, `30m`). */
export function parseSince(text: string, now: number = Date.now()): number | undefined {
  const ago = parseDuration(text);
  if (ago !== undefined && /[a-z]$/i.test(text.trim())) return now - ago * 1000;
  const t = text.trim().replace(' ', 'T');
  if (!/^\d{4}-\d{2}-\d{2}/.test(t)) return undefined;
  const withZone = /T\d{2}:\d{2}/.test(t) && !/(Z|[+-]\d{2}:?\d{2})$/i.test(t) ? `${t}Z` : t;
  const ms = Date.parse(withZone);
  return Number.isNaN(ms) ? undefined : ms;
}

export function parseScanArgs(args: string[]): ScanArgs {
  const out: ScanArgs = { files: [], json: false, codeTtlSeconds: 60 };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const eq = a.indexOf('=');
    const name = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    const value = (): string => {
      if (a.startsWith('--') && eq > 0) return a.slice(eq + 1);
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case '--json':
        out.json = true;
        break;
      case '--code-ttl': {
        const v = value();
        const sec = parseDuration(v);
        if (sec === undefined) throw new UsageError(`--code-ttl: '${v}' is not a duration (e.g. 60s, 10m)`);
        out.codeTtlSeconds = sec;
        break;
      }
      case '--since': {
        const v = value();
        const t = parseSince(v);
        if (t === undefined) throw new UsageError(`--since: '${v}' is not a time (e.g. 2026-11-28T10:00:00Z, or 2h for two hours ago)`);
        out.since = t;
        break;
      }
      case '--max-events': {
        const v = value();
        const n = Number(v);
        if (!Number.isInteger(n) || n < 100) throw new UsageError(`--max-events: '${v}' must be a whole number ≥ 100`);
        out.maxEvents = n;
        break;
      }
      case '--':
        out.files.push(...args.slice(i + 1));
        i = args.length;
        break;
      default:
        if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option '${a}'`);
        out.files.push(a);
    }
  }
  if (out.files.length === 0) throw new UsageError('scan needs at least one log file, or - for standard input (oauth-diagnose scan FILE... [--json])');
  return out;
}

/** Checks every file before reading any, so input errors never come with half a report; resolves to their total size. */
async function checkFiles(files: string[]): Promise<number> {
  let total = 0;
  for (const f of files) {
    if (f === STDIN) continue;
    let st;
    try {
      st = await stat(f);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new UsageError(code === 'ENOENT' ? `${f}: no such file` : code === 'EACCES' ? `${f}: permission denied` : `${f}: cannot read (${code ?? 'error'})`);
    }
    if (st.isDirectory()) throw new UsageError(`${f}: is a directory (give the log files inside it)`);
    total += st.size;
    try {
      await access(f, constants.R_OK);
    } catch {
      throw new UsageError(`${f}: permission denied`);
    }
  }
  return total;
}

/** The file argument that means standard input, and the name its lines are reported under. */
const STDIN = '-';
const STDIN_NAME = 'stdin';

/**
 * Reads a stream of log bytes to its end, line by line (bounded memory: an over-long line is cut,
 * as in files), and hands every line on as `source`; resolves to the lines read when the stream
 * ends. For standard input and compressed logs, which the file reader cannot seek in.
 */
async function readStream(stream: AsyncIterable<Buffer | string>, source: string, onLine: (line: SourceLine) => void): Promise<number> {
  let n = 0;
  const splitter = new LineSplitter((l) => {
    n++;
    onLine(l.truncated ? { source, line: n, text: l.text, truncated: true } : { source, line: n, text: l.text });
  });
  for await (const chunk of stream) splitter.write(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  splitter.flush();
  return n;
}

/** Whether a file starts with gzip's magic bytes (a rotated log such as access.log.2.gz). */
function isGzip(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(2);
    return readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads a gzip-compressed log through zlib. A truncated or damaged file keeps the lines read before
 * the damage (`warn` says where it stopped); one with no readable line at all is an input error,
 * thrown as such.
 */
async function readGzip(path: string, onLine: (line: SourceLine) => void, warn: (s: string) => void): Promise<void> {
  let lines = 0;
  try {
    await readStream(createReadStream(path).pipe(createGunzip()), path, (l) => {
      lines = l.line;
      onLine(l);
    });
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    if (lines === 0) throw new Error(`not readable as gzip data (${why})`);
    warn(`oauth-diagnose scan: ${path}: the compressed data stops after line ${lines} (${why}); the lines before it are diagnosed\n`);
  }
}

/** Inputs at least this big are scanned in a thread with a heap sized for the scan (see below). */
const THREAD_MIN_BYTES = 32 * 1024 * 1024;

/**
 * The scan thread's heap. A scan allocates fast and keeps little (a window of events, the
 * findings: ~25 MB live on a 1 GB log), but V8's default heap growth lets garbage pile up to
 * ~210 MB RSS there. The main thread's heap limits are fixed at process start, a worker's are
 * not: in a worker with these limits the same scan peaks at ~130 MB and runs about twice as fast
 * as the main thread under --optimize-for-size, the only memory lever left at run time (measured
 * on the 1 GB bench log: 9.6 s vs 18 s). Should a scan ever need more, the worker runs out of
 * memory cleanly and the scan is redone on the main thread.
 */
const SCAN_HEAP = { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 12 };

/**
 * OAUTH_DIAGNOSE_THREADS=0 scans on the main thread only (and reads without the reader thread);
 * OAUTH_DIAGNOSE_THREADS=always uses the scan thread and the reader thread whatever the input size
 * (tests compare the two paths on small logs); OAUTH_DIAGNOSE_SCAN_HEAP_MB sets the scan thread's
 * old-generation limit (tests use a tiny one to check the fallback).
 */
function threadsAllowed(): boolean {
  return process.env.OAUTH_DIAGNOSE_THREADS !== '0';
}

function threadsForced(): boolean {
  return process.env.OAUTH_DIAGNOSE_THREADS === 'always';
}

/** The scan subcommand; resolves to the exit code. */
export async function runScan(args: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  let parsed: ScanArgs;
  let total: number;
  try {
    parsed = parseScanArgs(args);
    total = await checkFiles(parsed.files);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`oauth-diagnose scan: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const thread = join(__dirname, 'scanThread.js');
  const debug = process.env.OAUTH_DIAGNOSE_DEBUG ? err : undefined;
  // Standard input belongs to this thread, and compressed logs are read as streams here too.
  const streams = parsed.files.some((f) => f === STDIN || isGzip(f));
  if ((total >= THREAD_MIN_BYTES || threadsForced()) && threadsAllowed() && existsSync(thread) && !streams) {
    debug?.('oauth-diagnose scan: scanning in a thread\n');
    const code = await scanInThread(thread, parsed, out, err);
    if (code !== undefined) return code;
    debug?.('oauth-diagnose scan: the thread ran out of memory; scanning on the main thread\n');
  }
  if (total >= THREAD_MIN_BYTES) setFlagsFromString('--optimize-for-size');
  return scanFiles(parsed, out, err);
}

/**
 * Runs {@link scanFiles} in a worker (scanThread.ts) with the heap above; resolves to its exit
 * code, or undefined when it ran out of memory before writing anything (then scan here).
 */
function scanInThread(script: string, parsed: ScanArgs, out: (s: string) => void, err: (s: string) => void): Promise<number | undefined> {
  return new Promise((resolve) => {
    const heapMb = Number(process.env.OAUTH_DIAGNOSE_SCAN_HEAP_MB);
    const limits = heapMb > 0 ? { ...SCAN_HEAP, maxOldGenerationSizeMb: heapMb } : SCAN_HEAP;
    // The first file's reader thread starts now, alongside the scan thread, not after it.
    const ahead = startParsingReader(parsed.files[0]!, { thread: readerThread() });
    const reader = ahead?.reader;
    const worker = new Worker(script, { workerData: { parsed, reader }, resourceLimits: limits, transferList: reader ? [reader.port] : [] });
    let code: number | undefined;
    let wrote = false;
    let failure: string | undefined;
    worker.on('message', (m: { out?: string; err?: string; code?: number }) => {
      if (m.out !== undefined) {
        wrote = true;
        out(m.out);
      } else if (m.err !== undefined) {
        wrote = true;
        err(m.err);
      } else if (m.code !== undefined) code = m.code;
    });
    worker.on('error', (e: Error & { code?: string }) => {
      failure = e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'memory' : e.message;
    });
    worker.on('exit', () => {
      void ahead?.worker.terminate();
      if (code !== undefined) resolve(code);
      else if (failure === 'memory' && !wrote) resolve(undefined);
      else {
        err(`oauth-diagnose scan: the scan stopped: ${failure === 'memory' ? `it needed more than ${SCAN_HEAP.maxOldGenerationSizeMb} MB (try --max-events 1000)` : (failure ?? 'unknown error')}\n`);
        resolve(2);
      }
    });
  });
}

/** How readFileLines may use the reader thread (see threadsAllowed). */
function readerThread(): boolean | 'auto' {
  return !threadsAllowed() ? false : threadsForced() ? true : 'auto';
}

/**
 * Reads and diagnoses the files, writes the report; resolves to the exit code. `started`: the
 * first file's reader thread, started ahead by the caller (startParsingReader).
 */
export async function scanFiles(parsed: ScanArgs, out: (s: string) => void, err: (s: string) => void, started?: StartedReader): Promise<number> {
  // The CLI holds fewer events than the extension: each keeps its parsed fields, and a scan of a
  // multi-gigabyte log must stay well under 150 MB of memory (measured on a 1 GB log: 10 000
  // events peak at ~230 MB RSS, 4 000 well below 150). Flows idle for minutes are long finished
  // in a file read front to back, so only they are dropped; their findings are kept.
  const engine = new DiagnosisEngine({ codeTtlSeconds: parsed.codeTtlSeconds, since: parsed.since, maxEvents: parsed.maxEvents ?? 4_000 });
  const debug = process.env.OAUTH_DIAGNOSE_DEBUG ? err : undefined;
  for (const file of parsed.files) {
    if (file === STDIN) {
      try {
        await readStream(process.stdin, STDIN_NAME, (line) => engine.push(line));
      } catch (e) {
        err(`oauth-diagnose scan: standard input: ${e instanceof Error ? e.message : String(e)}\n`);
        return 2;
      }
      engine.end(STDIN_NAME);
      continue;
    }
    if (isGzip(file)) {
      try {
        await readGzip(file, (line) => engine.push(line), err);
      } catch (e) {
        err(`oauth-diagnose scan: ${file}: ${e instanceof Error ? e.message : String(e)}\n`);
        return 2;
      }
      engine.end(file);
      continue;
    }
    try {
      // A big file read in the reader thread is parsed there too (shared with this thread by
      // whichever is behind: two cores); not a file given twice, whose parser state lives here.
      let batches = 0;
      const onParsed = engine.knows(file)
        ? undefined
        : (batch: ParsedLines): void => {
            batches++;
            engine.pushParsed(batch);
          };
      const stats = await readFileLines(file, (line) => engine.push(line), { onBoundary: () => engine.boundary(file), onParsed, thread: readerThread(), started: file === started?.path ? started : undefined });
      if (file === started?.path) started = undefined;
      if (batches > 0) debug?.(`oauth-diagnose scan: ${file}: parsed in the reader thread (${batches} batches)\n`);
      engine.countUnpushed(file, stats.lines - stats.emitted - stats.notText, stats.notText, stats.truncated - stats.cutEmitted);
    } catch (e) {
      err(`oauth-diagnose scan: ${file}: ${e instanceof Error ? e.message : String(e)}\n`);
      return 2;
    }
    engine.end(file);
  }
  const d = engine.snapshot();
  if (parsed.json) writeJsonReport(d, out);
  else out(renderTextReport(d));
  return d.findings.some((f) => f.severity === 'error') ? 1 : 0;
}

