/**
 * The line half of the engine – from a source's lines to its OAuth events – by itself, so it can
 * run where the lines are read (the scan's reader thread) while the engine correlates and detects
 * on another core. {@link DiagnosisEngine.push} uses the same {@link parseCounted}, so a line
 * counts and parses the same on either path; {@link DiagnosisEngine.pushParsed} takes the result.
 *
 * The stage can also leave the last step – parsing an assembled entry (parseEntry, pure) – to the
 * engine's thread, entry by entry, whenever that thread would otherwise wait: the stage keeps all
 * the state (format, envelope, multi-line entries) and the order, so the events are the same.
 */
import type { SourceLine } from '../lines';
import { MAX_LINE_CHARS } from '../lines';
import type { OAuthEvent } from '../model';
import { LogParser } from '../logs/logParser';
import type { LogFormat, ParseOptions } from '../logs/parseLine';
import { parseEntry } from '../logs/parseLine';

/** An assembled entry left for the engine's thread to parse (see {@link parseDeferred}). */
export interface DeferredEntry {
  /** The entry's text, as the parser would parse it (envelope stripped, lines folded). */
  entry: string;
  /** Line number of its first line. */
  line: number;
  format: LogFormat;
  truncated: boolean;
}

/** Lines of one source parsed outside the engine: their counts and, in order, their events. */
export interface ParsedLines {
  source: string;
  /** Lines parsed (each counts as a line pushed). */
  lines: number;
  /** Of them: not text (a NUL or U+FFFD), or lines the parser failed on – counted as skipped. */
  notText: number;
  /** Of them: cut by the source, or longer than MAX_LINE_CHARS (then cut here). */
  truncated: number;
  /** The events the lines completed (and entries flushed at boundaries), or entries left to parse, in order. */
  items: (OAuthEvent | DeferredEntry)[];
}

/** A NUL or a U+FFFD replacement character: binary data, or bytes that were not valid UTF-8. */
// eslint-disable-next-line no-control-regex -- NUL is exactly what marks binary data
const NOT_TEXT_RE = /[\u0000\uFFFD]/;

const NONE: readonly OAuthEvent[] = [];

/** The options the engine's own parser runs with (its LogParser is built with none). */
const ENGINE_PARSE_OPTIONS: ParseOptions = {};

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

/** Whether an item of {@link ParsedLines.items} is an entry left to parse. */
export function isDeferred(item: OAuthEvent | DeferredEntry): item is DeferredEntry {
  return (item as Partial<DeferredEntry>).entry !== undefined;
}

/** The event of an entry a stage left to parse: what the stage's parser would have made of it. */
export function parseDeferred(source: string, d: DeferredEntry): OAuthEvent | undefined {
  const line: SourceLine = d.truncated ? { source, line: d.line, text: d.entry, truncated: true } : { source, line: d.line, text: d.entry };
  return parseEntry(line, d.entry, d.format, ENGINE_PARSE_OPTIONS);
}

/**
 * Parses the lines of one source read from its start, as a fresh engine's `push` would, and
 * collects counts and events until {@link take}n. With `defer`, each assembled entry for which
 * it answers true is left to the consumer ({@link parseDeferred}) instead of parsed here.
 *
 * @example const p = new LineParseStage('app.log'); p.push(line); p.end(); engine.pushParsed(p.take());
 */
export class LineParseStage {
  private readonly parser: LogParser;
  private batch: ParsedLines;

  constructor(
    readonly source: string,
    defer?: () => boolean,
  ) {
    this.batch = this.fresh();
    // With defer, every entry goes through the hook and into the batch in order; push returns none.
    this.parser = defer === undefined ? new LogParser() : new LogParser({ parseEntry: (line, text, format) => this.entry(line, text, format, defer) });
  }

  /** Takes one line of the source. */
  push(line: SourceLine): void {
    const b = this.batch;
    b.lines++;
    const events = parseCounted(this.parser, line, b);
    for (let i = 0; i < events.length; i++) b.items.push(events[i]!);
  }

  /** Lines skipped since the last one opened a new entry (as DiagnosisEngine.boundary). */
  boundary(): void {
    for (const ev of this.parser.flush(this.source)) this.batch.items.push(ev);
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

  /** Items collected and not yet taken. */
  get pendingItems(): number {
    return this.batch.items.length;
  }

  private entry(line: SourceLine, text: string, format: LogFormat, defer: () => boolean): undefined {
    if (defer()) {
      this.batch.items.push({ entry: text, line: line.line, format, truncated: line.truncated === true });
    } else {
      const ev = parseEntry(line, text, format, ENGINE_PARSE_OPTIONS);
      if (ev !== undefined) this.batch.items.push(ev);
    }
    return undefined;
  }

  private fresh(): ParsedLines {
    return { source: this.source, lines: 0, notText: 0, truncated: 0, items: [] };
  }
}
