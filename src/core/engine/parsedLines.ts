/**
 * The line half of the engine – from a source's lines to its OAuth events – by itself, so it can
 * run where the lines are read (the scan's reader thread) while the engine correlates and detects
 * on another core. {@link DiagnosisEngine.push} uses the same {@link parseCounted}, so a line
 * counts and parses the same on either path; {@link DiagnosisEngine.pushParsed} takes the result.
 */
import type { SourceLine } from '../lines';
import { MAX_LINE_CHARS } from '../lines';
import type { OAuthEvent } from '../model';
import { LogParser } from '../logs/logParser';

/** Lines of one source parsed outside the engine: their counts and, in order, their events. */
export interface ParsedLines {
  source: string;
  /** Lines parsed (each counts as a line pushed). */
  lines: number;
  /** Of them: not text (a NUL or U+FFFD), or lines the parser failed on – counted as skipped. */
  notText: number;
  /** Of them: cut by the source, or longer than MAX_LINE_CHARS (then cut here). */
  truncated: number;
  /** The events the lines completed (and the entries flushed at boundaries), in order. */
  events: OAuthEvent[];
}

/** A NUL or a U+FFFD replacement character: binary data, or bytes that were not valid UTF-8. */
// eslint-disable-next-line no-control-regex -- NUL is exactly what marks binary data
const NOT_TEXT_RE = /[\u0000\uFFFD]/;

const NONE: readonly OAuthEvent[] = [];

/**
 * Parses one line as the engine does, counting it in `counts` when it is not text or cut; returns
 * the events it completed (shared empty array when none). Never throws: a parser bug on a line
 * counts the line as not text.
 */
export function parseCounted(parser: LogParser, line: SourceLine, counts: { notText: number; truncated: number }): readonly OAuthEvent[] {
  if (typeof line.text !== 'string' || NOT_TEXT_RE.test(line.text)) {
    counts.notText++;
    return NONE;
  }
  if (line.truncated || line.text.length > MAX_LINE_CHARS) counts.truncated++;
  const safe = line.text.length > MAX_LINE_CHARS ? { ...line, text: line.text.slice(0, MAX_LINE_CHARS), truncated: true } : line;
  try {
    return parser.push(safe);
  } catch {
    // A parser bug must not take the whole diagnosis down; the line is counted as skipped.
    counts.notText++;
    return NONE;
  }
}

/**
 * Parses the lines of one source read from its start, as a fresh engine's `push` would, and
 * collects counts and events until {@link take}n.
 *
 * @example const p = new LineParseStage('app.log'); p.push(line); p.end(); engine.pushParsed(p.take());
 */
export class LineParseStage {
  private readonly parser = new LogParser();
  private batch: ParsedLines;

  constructor(readonly source: string) {
    this.batch = this.fresh();
  }

  /** Takes one line of the source. */
  push(line: SourceLine): void {
    const b = this.batch;
    b.lines++;
    const events = parseCounted(this.parser, line, b);
    for (let i = 0; i < events.length; i++) b.events.push(events[i]!);
  }

  /** Lines skipped since the last one opened a new entry (as DiagnosisEngine.boundary). */
  boundary(): void {
    for (const ev of this.parser.flush(this.source)) this.batch.events.push(ev);
  }

  /** The source ended: completes a pending multi-line entry. */
  end(): void {
    this.boundary();
  }

  /** Lines and events collected so far (none is an empty batch), and starts a new batch. */
  take(): ParsedLines {
    const b = this.batch;
    this.batch = this.fresh();
    return b;
  }

  /** Events collected and not yet taken. */
  get pendingEvents(): number {
    return this.batch.events.length;
  }

  private fresh(): ParsedLines {
    return { source: this.source, lines: 0, notText: 0, truncated: 0, events: [] };
  }
}
