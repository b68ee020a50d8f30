/**
 * The streaming face of the parsers: feed lines as sources deliver them, get events back.
 * Keeps per-source state – the detected format and a pending Laravel entry whose stack trace
 * lines are still arriving – with bounded memory (an entry keeps at most `maxEntryChars`
 * characters; the rest of an enormous stack trace is counted, not stored).
 */
import type { SourceLine } from '../lines';
import type { OAuthEvent } from '../model';
import { isCandidateLine } from './candidateFilter';
import { isLaravelHeader } from './laravelLog';
import { isAccessLogLine } from './accessLog';
import { envelopeOf, stripEnvelope } from './envelope';
import type { LogFormat, ParseOptions } from './parseLine';
import { lineFormat, parseEntry } from './parseLine';

export interface LogParserOptions extends ParseOptions {
  /** Force a format for every source (`auto`, the default, detects per file with per-line fallback). */
  format?: LogFormat | 'auto';
  /** Cap on the characters kept for one multi-line entry (default 64 KiB). */
  maxEntryChars?: number;
  /**
   * Turns an assembled entry into its event (default {@link parseEntry}). The scan's reader
   * thread passes one that may hand the entry to the engine's thread to parse instead.
   */
  parseEntry?: (line: SourceLine, text: string, format: LogFormat, opts: ParseOptions) => OAuthEvent | undefined;
}

export interface LogParserStats {
  lines: number;
  /** Lines (or folded entries) that passed the cheap filter and were parsed. */
  parsed: number;
  events: number;
  /** Continuation lines folded into a multi-line entry. */
  folded: number;
  /** Characters of over-long entries that were dropped to keep memory bounded. */
  droppedChars: number;
  /** Lines the source had already cut at MAX_LINE_CHARS. */
  truncatedLines: number;
}

interface PendingEntry {
  first: SourceLine;
  parts: string[];
  chars: number;
  relevant: boolean;
}

interface SourceState {
  votes: Record<LogFormat, number>;
  format?: LogFormat;
  pending?: PendingEntry;
  /** Container/syslog prefix found on the first lines, stripped from every line. */
  envelope?: RegExp;
  /** Lines looked at for an envelope so far. */
  envelopeChecks: number;
}

const DETECT_AFTER = 20;
const ENVELOPE_CHECKS = 20;
const ISO_START_RE = /^\[?\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;

/**
 * @example
 * const p = new LogParser();
 * for (const l of lines) events.push(...p.push(l));
 * events.push(...p.flush());
 */
export class LogParser {
  readonly stats: LogParserStats = { lines: 0, parsed: 0, events: 0, folded: 0, droppedChars: 0, truncatedLines: 0 };
  private readonly sources = new Map<string, SourceState>();
  private readonly maxEntryChars: number;
  private readonly forced: LogFormat | undefined;
  private readonly parseEntry: NonNullable<LogParserOptions['parseEntry']>;

  constructor(private readonly opts: LogParserOptions = {}) {
    this.maxEntryChars = Math.max(1024, opts.maxEntryChars ?? 64 * 1024);
    this.forced = opts.format === 'auto' ? undefined : opts.format;
    this.parseEntry = opts.parseEntry ?? parseEntry;
  }

  /** The format detected (or forced) for a source so far. */
  formatOf(source: string): LogFormat | undefined {
    return this.forced ?? this.sources.get(source)?.format;
  }

  /** Takes one line; returns the events completed by it (usually zero or one). */
  push(line: SourceLine): OAuthEvent[] {
    this.stats.lines++;
    if (line.truncated) this.stats.truncatedLines++;
    let text = typeof line.text === 'string' ? line.text : '';
    const original = text;
    let st = this.sources.get(line.source);
    if (st === undefined) {
      st = { votes: { laravel: 0, nginx: 0, keycloak: 0, json: 0, generic: 0 }, envelopeChecks: 0 };
      this.sources.set(line.source, st);
    }
    if (st.envelope === undefined && st.envelopeChecks < ENVELOPE_CHECKS && text.length > 0) {
      st.envelopeChecks++;
      const env = envelopeOf(text);
      // Only a prefix in front of a known format counts (a generic line may start like one by chance).
      if (env !== undefined && lineFormat(stripEnvelope(text, env).slice(0, 8192)) !== 'generic') st.envelope = env;
    }
    if (st.envelope !== undefined) {
      text = stripEnvelope(text, st.envelope);
      if (text !== line.text) line = { ...line, text };
    }
    // The source's own candidate test holds for the text it tested, not for one stripped of an envelope.
    const candidate = line.candidate === true && text === original;
    const laravelSource = this.forced === 'laravel' || st.format === 'laravel' || (this.forced === undefined && st.format === undefined);

    if (laravelSource && text.charCodeAt(0) === 91 && isLaravelHeader(text)) {
      const out = this.finishPending(st);
      if (st.format === undefined) this.vote(st, 'laravel');
      st.pending = { first: line, parts: [text.length > this.maxEntryChars ? text.slice(0, this.maxEntryChars) : text], chars: Math.min(text.length, this.maxEntryChars), relevant: candidate || isCandidateLine(text) };
      if (text.length > this.maxEntryChars) this.stats.droppedChars += text.length - this.maxEntryChars;
      return out;
    }
    if (st.pending !== undefined && this.isContinuation(st, text)) {
      this.stats.folded++;
      const p = st.pending;
      const room = this.maxEntryChars - p.chars;
      if (room > 0) {
        const part = text.length + 1 > room ? text.slice(0, Math.max(0, room - 1)) : text;
        p.parts.push(part);
        p.chars += part.length + 1;
        this.stats.droppedChars += text.length - part.length;
      } else this.stats.droppedChars += text.length;
      if (!p.relevant && (candidate || isCandidateLine(text))) p.relevant = true;
      return [];
    }
    const out = st.pending !== undefined ? this.finishPending(st) : [];
    if (!candidate && !isCandidateLine(text)) {
      if (st.format === undefined && text.length > 0) this.vote(st, lineFormat(text.length > 8192 ? text.slice(0, 8192) : text));
      return out;
    }
    const own = lineFormat(text);
    if (st.format === undefined) this.vote(st, own);
    this.stats.parsed++;
    const ev = this.parseEntry(line, text, this.forced ?? own, this.opts);
    if (ev !== undefined) {
      this.stats.events++;
      out.push(ev);
    }
    return out;
  }

  /** Completes pending multi-line entries (of one source, or all); call at end of input. */
  flush(source?: string): OAuthEvent[] {
    const out: OAuthEvent[] = [];
    for (const [name, st] of this.sources) {
      if (source !== undefined && name !== source) continue;
      out.push(...this.finishPending(st));
    }
    return out;
  }

  private isContinuation(st: SourceState, text: string): boolean {
    if (st.format === 'laravel' || this.forced === 'laravel') return true;
    // Unknown or mixed source: a line with its own timestamped shape starts something new.
    if (ISO_START_RE.test(text)) return false;
    if (text.indexOf('] "') > 0 && isAccessLogLine(text)) return false;
    return true;
  }

  private finishPending(st: SourceState): OAuthEvent[] {
    const p = st.pending;
    if (p === undefined) return [];
    st.pending = undefined;
    if (!p.relevant) return [];
    this.stats.parsed++;
    const text = p.parts.length === 1 ? p.parts[0]! : p.parts.join('\n');
    const ev = this.parseEntry(p.first, text, 'laravel', this.opts);
    if (ev === undefined) return [];
    this.stats.events++;
    return [ev];
  }

  private vote(st: SourceState, f: LogFormat): void {
    st.votes[f]++;
    const total = st.votes.laravel + st.votes.nginx + st.votes.keycloak + st.votes.json + st.votes.generic;
    if (total < DETECT_AFTER) return;
    let best: LogFormat = 'generic';
    for (const k of ['laravel', 'nginx', 'keycloak', 'json'] as const) if (st.votes[k] > 0 && st.votes[k] >= (best === 'generic' ? 1 : st.votes[best])) best = k;
    // Laravel continuation lines vote generic; a third of headers is plenty.
    if (st.votes.laravel * 3 >= total) best = 'laravel';
    st.format = best;
  }
}
