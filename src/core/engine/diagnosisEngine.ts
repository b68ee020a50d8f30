/**
 * The engine façade every consumer uses (CLI, extension host, tests): lines in, a Diagnosis out.
 * Lines go through the streaming log parser (one per engine; it keeps per-source state), events
 * through the correlator and the detectors (FlowAnalysis, incremental). `snapshot()` is cheap
 * enough to call after every burst of a live tail: only flows that changed are re-analysed.
 */
import type { LineSink, SourceLine } from '../lines';
import { MAX_LINE_CHARS } from '../lines';
import type { Finding, Flow, OAuthEvent } from '../model';
import { LogParser } from '../logs/logParser';
import { FlowAnalysis } from './flowAnalysis';
import type { ParsedLines } from './parsedLines';
import { isDeferred, parseCounted, parseDeferred } from './parsedLines';

export type { DeferredEntry, ParsedLines } from './parsedLines';

export interface EngineOptions {
  /** Assumed authorization code lifetime for `code_expired`. Default 60. */
  codeTtlSeconds?: number;
  /** Events kept in live flows; the least recently active flows are dropped past it. Default 50 000. */
  maxEvents?: number;
  /** Ignore events before this moment (ms since epoch). Lines without a timestamp are kept. */
  since?: number;
  /** Clock for judging idle flows in a live tail (default: the newest timestamp seen in the logs). */
  now?: () => number;
}

export interface Diagnosis {
  flows: Flow[];
  findings: Finding[];
  notes: string[];
  stats: { lines: number; events: number; skipped: number };
}

interface SourceCounts {
  lines: number;
  events: number;
  notText: number;
  truncated: number;
  beforeSince: number;
}

export class DiagnosisEngine implements LineSink {
  private readonly parser = new LogParser();
  private readonly analysis: FlowAnalysis;
  private readonly since: number | undefined;
  private readonly maxEvents: number;
  private readonly sources = new Map<string, SourceCounts>();
  private readonly ended = new Set<string>();
  private lines = 0;
  private skipped = 0;
  private version = 0;
  private cached: { version: number; at: number; diagnosis: Diagnosis } | undefined;

  constructor(opts: EngineOptions = {}) {
    this.since = opts.since;
    this.maxEvents = opts.maxEvents ?? 50_000;
    this.analysis = new FlowAnalysis({ codeTtlSeconds: opts.codeTtlSeconds ?? 60, maxEvents: this.maxEvents, now: opts.now });
  }

  /** Takes one line from any source. Never throws on bad input. */
  push(line: SourceLine): void {
    this.lines++;
    this.version++;
    const src = this.counts(line.source);
    src.lines++;
    if (this.ended.delete(line.source)) this.analysis.setEnded(false);
    const notText = src.notText;
    const events = parseCounted(this.parser, line, src);
    if (src.notText !== notText) this.skipped++;
    for (const ev of events) this.addEvent(ev);
  }

  /**
   * Takes lines of a source that were parsed elsewhere (a LineParseStage in the scan's reader
   * thread): counts them as `push` would have and adds their events, parsing the entries the
   * stage left to parse here. Only for a source this engine has not seen ({@link knows}): the
   * stage parsed it from a fresh parser state.
   */
  pushParsed(batch: ParsedLines): void {
    this.version++;
    const src = this.counts(batch.source);
    if (batch.lines > 0) {
      this.lines += batch.lines;
      src.lines += batch.lines;
      if (this.ended.delete(batch.source)) this.analysis.setEnded(false);
    }
    src.notText += batch.notText;
    src.truncated += batch.truncated;
    this.skipped += batch.notText;
    for (const item of batch.items) {
      if (!isDeferred(item)) this.addEvent(item);
      else {
        const ev = parseDeferred(batch.source, item);
        if (ev !== undefined) this.addEvent(ev);
      }
    }
  }

  /** Whether anything of this source reached the engine yet (then its parser holds state for it). */
  knows(source: string): boolean {
    return this.sources.has(source);
  }

  /**
   * Adds an event that did not come from a log line (a probe, the live flow, a test). Events
   * from lines go through `push`.
   */
  addEvent(ev: OAuthEvent): void {
    this.version++;
    const src = this.counts(ev.ref.file);
    if (this.since !== undefined && ev.time !== undefined && ev.time < this.since) {
      src.beforeSince++;
      return;
    }
    if (this.analysis.add(ev)) src.events++;
  }

  /**
   * Lines a source read but did not push (a reader that pre-filters with the parser's own
   * candidate filter, or skipped as binary): they count in the stats and notes.
   */
  countUnpushed(source: string, lines: number, notText = 0, truncated = 0): void {
    const src = this.counts(source);
    src.lines += lines + notText;
    src.notText += notText;
    src.truncated += truncated;
    this.lines += lines + notText;
    this.skipped += notText;
    this.version++;
  }

  /**
   * Tells the parser that a source skipped lines that began a new log entry, so a pending
   * multi-line entry must not absorb the lines that follow.
   */
  boundary(source: string): void {
    for (const ev of this.parser.flush(source)) this.addEvent(ev);
  }

  /** A source finished (file read to its end, tail stopped); without a name, all of them. */
  end(source?: string): void {
    this.version++;
    for (const ev of this.parser.flush(source)) this.addEvent(ev);
    if (source === undefined) {
      for (const s of this.sources.keys()) this.ended.add(s);
    } else {
      this.counts(source);
      this.ended.add(source);
    }
    if ([...this.sources.keys()].every((s) => this.ended.has(s))) this.analysis.setEnded(true);
  }

  /** The current diagnosis (reused when nothing changed since the last call). */
  snapshot(): Diagnosis {
    const at = this.now();
    if (this.cached && this.cached.version === this.version && this.cached.at === at) return this.cached.diagnosis;
    const { flows, findings } = this.analysis.snapshot();
    const diagnosis: Diagnosis = { flows, findings, notes: this.notes(), stats: { lines: this.lines, events: this.analysis.events, skipped: this.skipped } };
    this.cached = { version: this.version, at, diagnosis };
    return diagnosis;
  }

  private now(): number {
    // Idle judgement depends on the clock only when one was given; bucket it to a second.
    return Math.floor(this.analysis.clock() / 1000);
  }

  private counts(source: string): SourceCounts {
    let c = this.sources.get(source);
    if (!c) {
      c = { lines: 0, events: 0, notText: 0, truncated: 0, beforeSince: 0 };
      this.sources.set(source, c);
    }
    return c;
  }

  private notes(): string[] {
    const notes: string[] = [];
    for (const [name, c] of this.sources) {
      if (c.notText) notes.push(`${c.notText} line${c.notText === 1 ? '' : 's'} skipped in ${name}: not text (binary data or invalid UTF-8)`);
      if (c.truncated) notes.push(`${c.truncated} line${c.truncated === 1 ? '' : 's'} in ${name} longer than ${Math.round(MAX_LINE_CHARS / 1024)} KiB, cut at that length`);
      if (c.beforeSince) notes.push(`${c.beforeSince} event${c.beforeSince === 1 ? '' : 's'} in ${name} before --since ignored`);
      if (c.lines === 0 && this.ended.has(name)) notes.push(`${name} is empty`);
      else if (c.events === 0 && c.lines > c.notText && this.ended.has(name)) notes.push(`no OAuth activity found in ${name} (${c.lines} line${c.lines === 1 ? '' : 's'} read)`);
    }
    const dropped = this.analysis.droppedFlows;
    if (dropped) notes.push(`${dropped} older flow${dropped === 1 ? '' : 's'} dropped to stay within ${this.maxEvents} events in memory (their findings are kept)`);
    const lost = this.analysis.droppedFindings;
    if (lost) notes.push(`${lost} findings of dropped flows not kept (limit reached)`);
    return notes;
  }
}

/**
 * Diagnoses a finite set of lines in one go.
 *
 * @example analyze(lines, { codeTtlSeconds: 600 }).findings.map((f) => f.id)
 */
export function analyze(lines: Iterable<SourceLine>, opts?: EngineOptions): Diagnosis {
  const engine = new DiagnosisEngine(opts);
  for (const line of lines) engine.push(line);
  engine.end();
  return engine.snapshot();
}
