/**
 * One line (or one folded multi-line entry) → one OAuth event. The entry point for hovers and
 * for {@link LogParser}; pure and safe on any input (garbage, 10 MB lines, broken JSON).
 */
import type { SourceLine } from '../lines';
import type { OAuthEvent } from '../model';
import { isCandidateLine } from './candidateFilter';
import { finishRelevantEvent } from './oauthFields';
import type { ParsedLine, ParseOptions } from './parsed';
import { isLaravelHeader, parseLaravelEntry } from './laravelLog';
import { isAccessLogLine, parseAccessLine } from './accessLog';
import { isKeycloakLine, parseKeycloakLine } from './keycloakLog';
import { parseJsonLine } from './jsonLog';
import { parseGenericLine } from './genericLog';
import { stripEnvelope } from './envelope';
import { parseIsoTime } from './timestamps';

export type LogFormat = 'laravel' | 'nginx' | 'keycloak' | 'json' | 'generic';
export type { ParseOptions } from './parsed';

export const LOG_FORMATS: readonly LogFormat[] = ['laravel', 'nginx', 'keycloak', 'json', 'generic'];

/** The format one line looks like (cheap checks first). */
export function lineFormat(text: string): LogFormat {
  const c = text.charCodeAt(0);
  if (c === 91 && isLaravelHeader(text)) return 'laravel';
  if (c === 123 || (c === 32 && text.trimStart().charCodeAt(0) === 123)) return 'json';
  if (isKeycloakLine(text)) return 'keycloak';
  if (isAccessLogLine(text)) return 'nginx';
  return 'generic';
}

/**
 * The format of a file from a sample of its lines: the most common specific format among them
 * (generic only when nothing specific was recognised). Laravel wins ties because its
 * continuation lines look generic.
 *
 * @example detectFormat(['[2024-01-15 10:23:45] production.INFO: hi []']) // 'laravel'
 */
export function detectFormat(sampleLines: readonly string[]): LogFormat {
  const votes: Record<LogFormat, number> = { laravel: 0, nginx: 0, keycloak: 0, json: 0, generic: 0 };
  for (const line of sampleLines.slice(0, 200)) {
    if (line.trim().length === 0) continue;
    votes[lineFormat(line.length > 8192 ? line.slice(0, 8192) : line)]++;
  }
  const total = votes.laravel + votes.nginx + votes.keycloak + votes.json + votes.generic;
  if (votes.laravel > 0 && votes.laravel * 3 >= total) return 'laravel';
  let best: LogFormat = 'generic';
  for (const f of ['laravel', 'nginx', 'keycloak', 'json'] as const) if (votes[f] > 0 && (best === 'generic' || votes[f] > votes[best])) best = f;
  return best;
}

/** Parses `text` as `format`; null when the text does not have that format's shape. */
export function parseAs(format: LogFormat, text: string, opts: ParseOptions = {}): ParsedLine | null {
  switch (format) {
    case 'laravel':
      return parseLaravelEntry(text, opts);
    case 'nginx':
      return parseAccessLine(text, opts);
    case 'keycloak':
      return parseKeycloakLine(text, opts);
    case 'json':
      return parseJsonLine(text, opts);
    default:
      return parseGenericLine(text, opts);
  }
}

/**
 * Parses one line into an OAuth event, or undefined when it holds nothing OAuth-relevant.
 * `hint` is the file's format; a line that does not fit it is read by its own shape.
 *
 * @example parseLine({ source: 'access.log', line: 3, text: '1.2.3.4 - - [15/Jan/2024:10:23:45 +0000] "GET /oauth/authorize?client_id=app HTTP/1.1" 302 0 "-" "curl"' })
 *   // { stage: 'authorize', clientId: 'app', status: 302, … }
 */
export function parseLine(line: SourceLine, hint?: LogFormat, opts: ParseOptions = {}): OAuthEvent | undefined {
  const text = line.text;
  if (typeof text !== 'string' || text.length === 0 || !isCandidateLine(text)) return undefined;
  return parseEntry(line, text, hint, opts);
}

/** Parses an already-assembled entry (skips the candidate filter). */
export function parseEntry(line: SourceLine, text: string, hint: LogFormat | undefined, opts: ParseOptions, depth = 0): OAuthEvent | undefined {
  try {
    let format: LogFormat = hint ?? lineFormat(text);
    if (format === 'generic') {
      // A container or syslog prefix in front of a line of a known format: read what is inside.
      const inner = stripEnvelope(text);
      if (inner !== text) {
        const innerFormat = lineFormat(inner);
        if (innerFormat !== 'generic') {
          const ev = parseEntry(line, inner, innerFormat, opts, depth + 1);
          if (ev !== undefined) {
            if (ev.time === undefined) {
              const t = parseIsoTime(text, opts.timeZone);
              if (t !== undefined) ev.time = t;
            }
            return ev;
          }
        }
      }
    }
    let parsed = parseAs(format, text, opts);
    if (parsed === null && hint !== undefined) {
      format = lineFormat(text);
      parsed = parseAs(format, text, opts);
    }
    if (parsed === null) {
      format = 'generic';
      parsed = parseGenericLine(text, opts);
    }
    if (parsed.inner !== undefined && depth < 2) {
      const ev = parseEntry(line, parsed.inner.text, undefined, opts, depth + 1);
      if (ev !== undefined && ev.time === undefined && parsed.inner.time !== undefined) ev.time = parsed.inner.time;
      return ev;
    }
    const ev = finishRelevantEvent(parsed.draft, { file: line.source, line: line.line }, format, parsed.message);
    if (ev === undefined) return undefined;
    if (line.truncated) ev.extra = { ...ev.extra, truncated: 'true' };
    return ev;
  } catch {
    // A parser bug must never take the engine down; the line is simply not understood.
    return undefined;
  }
}
