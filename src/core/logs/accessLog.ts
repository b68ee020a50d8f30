/**
 * nginx / Apache access logs: the combined format
 * `203.0.113.5 - alice [15/Jan/2024:10:23:45 +0300] "GET /oauth/authorize?… HTTP/1.1" 302 512 "referer" "UA"`
 * and its common variants (a leading vhost, `$request_time` or `rt=0.123` after the user agent,
 * Apache `%D` microseconds, a request id, X-Forwarded-For). Query parameters are read; the
 * referer and user agent are kept (redacted, capped) as extras only.
 */
import type { EventDraft } from './oauthFields';
import { applyLooseText, applyMethod, applyUrl, applyText } from './oauthFields';
import { redact } from '../redact/redact';
import type { ParsedLine, ParseOptions } from './parsed';
import { parseClfTime } from './timestamps';

const Q = '"((?:[^"\\\\]|\\\\.){0,65536})"';
const ACCESS_RE = new RegExp(`^(?:(\\S{1,255}) )?(\\S{1,64}) (\\S{1,64}) (\\S{1,256}) \\[([^\\]]{10,40})\\] ${Q} (\\d{3}|-) (\\d{1,15}|-)(?: ${Q}(?: ${Q})?)?(.{0,4096})$`);

/**
 * The last line matched, and its match: the streaming parser asks {@link isAccessLogLine} (format
 * detection) and then {@link parseAccessLine} about the same line, and the regex is the costly
 * part of both, so the second call reuses the first's work.
 */
let lastText: string | undefined;
let lastMatch: RegExpExecArray | null = null;

/** The groups of {@link ACCESS_RE} for `text` (exported for the test that compares the two). */
export function matchAccessLine(text: string): RegExpExecArray | null {
  return accessMatch(text);
}

function accessMatch(text: string): RegExpExecArray | null {
  if (text === lastText) return lastMatch;
  // Huge lines are not kept alive by the cache.
  if (text.length > 70_000) return ACCESS_RE.exec(text.slice(0, 70_000));
  const fast = scanAccessLine(text);
  const m = fast === FALLBACK ? ACCESS_RE.exec(text) : fast;
  lastText = text;
  lastMatch = m;
  return m;
}

const FALLBACK = 'fallback';

/**
 * {@link ACCESS_RE} by hand: the same groups (as an exec result) or null, or FALLBACK where the
 * regex could backtrack into a second reading (the status digits, the tail) or a limit is near;
 * then the regex decides. The regex tries the leading vhost first, and without it only when the
 * fields before the status fail to line up – which never depends on anything after them.
 */
function scanAccessLine(text: string): RegExpExecArray | null | typeof FALLBACK {
  const withVhost = scanFrom(text, true);
  return withVhost === null ? scanFrom(text, false) : withVhost;
}

function scanFrom(text: string, vhost: boolean): RegExpExecArray | null | typeof FALLBACK {
  const groups: (string | undefined)[] = [text];
  let at = 0;
  // `(\S{1,255}) ` when vhost, then `(\S{1,64}) (\S{1,64}) (\S{1,256}) `: runs of non-space separated by one space.
  const limits = vhost ? [255, 64, 64, 256] : [64, 64, 256];
  if (!vhost) groups.push(undefined);
  for (const max of limits) {
    const start = at;
    while (at < text.length && !isRegExpSpace(text.charCodeAt(at))) at++;
    if (at === start || at - start > max || text.charCodeAt(at) !== 32) return null;
    groups.push(text.slice(start, at));
    at++;
  }
  // `\[([^\]]{10,40})\] "`
  if (text.charCodeAt(at) !== 91) return null;
  const close = text.indexOf(']', at + 1);
  if (close < 0 || close - at - 1 < 10 || close - at - 1 > 40 || text.charCodeAt(close + 1) !== 32 || text.charCodeAt(close + 2) !== 34) return null;
  groups.push(text.slice(at + 1, close));
  const request = quoted(text, close + 2);
  if (request === null) return null;
  if (request === FALLBACK) return FALLBACK;
  groups.push(text.slice(close + 3, request));
  at = request + 1;
  // ` (\d{3}|-) (\d{1,15}|-)`
  if (text.charCodeAt(at) !== 32) return null;
  at++;
  if (text.charCodeAt(at) === 45) {
    groups.push('-');
    at++;
  } else {
    if (!isDigit(text.charCodeAt(at)) || !isDigit(text.charCodeAt(at + 1)) || !isDigit(text.charCodeAt(at + 2))) return null;
    groups.push(text.slice(at, at + 3));
    at += 3;
  }
  if (text.charCodeAt(at) !== 32) return null;
  at++;
  // From here on the regex could backtrack (fewer byte digits, fewer quoted fields): only the
  // first reading is taken, and whatever does not fit it goes to the regex.
  if (text.charCodeAt(at) === 45) {
    groups.push('-');
    at++;
  } else {
    const start = at;
    while (isDigit(text.charCodeAt(at))) at++;
    if (at === start) return null;
    if (at - start > 15) return FALLBACK;
    groups.push(text.slice(start, at));
  }
  // `(?: "Q"(?: "Q")?)?`
  let referer: string | undefined;
  let agent: string | undefined;
  if (text.charCodeAt(at) === 32 && text.charCodeAt(at + 1) === 34) {
    const end = quoted(text, at + 1);
    if (end === FALLBACK) return FALLBACK;
    if (end !== null) {
      referer = text.slice(at + 2, end);
      at = end + 1;
      if (text.charCodeAt(at) === 32 && text.charCodeAt(at + 1) === 34) {
        const end2 = quoted(text, at + 1);
        if (end2 === FALLBACK) return FALLBACK;
        if (end2 !== null) {
          agent = text.slice(at + 2, end2);
          at = end2 + 1;
        }
      }
    }
  }
  groups.push(referer, agent);
  // `(.{0,4096})$`: at most 4096 characters and no line terminator.
  if (text.length - at > 4096 || LINE_TERMINATOR_RE.test(at === 0 ? text : text.slice(at))) return FALLBACK;
  groups.push(text.slice(at));
  const m = groups as RegExpExecArray;
  m.index = 0;
  m.input = text;
  return m;
}

/**
 * The closing quote of `"((?:[^"\\]|\\.){0,65536})"` opened at `open`: the first quote not
 * escaped by a backslash. null when there is none; FALLBACK near the regex's limits (a backslash
 * before a line terminator, which `.` does not match, or a very long field).
 */
function quoted(text: string, open: number): number | null | typeof FALLBACK {
  let i = open + 1;
  let q = text.indexOf('"', i);
  let b = text.indexOf('\\', i);
  // Each search moves forward only, so a line full of backslashes stays linear.
  while (b >= 0 && (q < 0 || b < q)) {
    const next = text.charCodeAt(b + 1);
    if (Number.isNaN(next) || next === 10 || next === 13 || next === 0x2028 || next === 0x2029) return FALLBACK;
    i = b + 2;
    b = text.indexOf('\\', i);
    if (q >= 0 && q < i) q = text.indexOf('"', i);
  }
  if (q < 0) return null;
  return q - open - 1 > 60_000 ? FALLBACK : q;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The characters `\s` matches in a JavaScript regex. */
function isRegExpSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || (c >= 160 && (c === 160 || c === 5760 || (c >= 8192 && c <= 8202) || c === 8232 || c === 8233 || c === 8239 || c === 8287 || c === 12288 || c === 65279));
}

const LINE_TERMINATOR_RE = /[\n\r\u2028\u2029]/;

/** True when `text` looks like an access-log line. */
export function isAccessLogLine(text: string): boolean {
  return text.indexOf(' [') > 0 && text.indexOf('] "') > 0 && accessMatch(text) !== null;
}

/** Reads one access-log line; null when it is not one. */
export function parseAccessLine(text: string, opts: ParseOptions = {}): ParsedLine | null {
  if (text.indexOf('] "') < 0) return null;
  const m = accessMatch(text);
  if (!m) return null;
  const ev: EventDraft = {};
  let ip = m[2]!;
  if (m[1] !== undefined && !/^[\d.:a-fA-F]+$/.test(ip) && /^[\d.:a-fA-F]+$/.test(m[1])) ip = m[1];
  if (ip !== '-') ev.ip = ip;
  if (m[4] !== '-' && m[4] !== undefined) ev.user = m[4];
  const t = parseClfTime(m[5]!, opts.timeZone);
  if (t !== undefined) ev.time = t;
  const request = m[6]!;
  const sp1 = request.indexOf(' ');
  if (sp1 > 0) {
    applyMethod(ev, request.slice(0, sp1));
    const sp2 = request.lastIndexOf(' ');
    const target = sp2 > sp1 && /^HTTP\/[\d.]+$/.test(request.slice(sp2 + 1)) ? request.slice(sp1 + 1, sp2) : request.slice(sp1 + 1);
    if (ev.method !== undefined && (target.startsWith('/') || /^https?:\/\//i.test(target))) applyUrl(ev, target);
  }
  if (m[7] !== '-') ev.status = Number(m[7]);
  const extra: Record<string, string> = {};
  if (m[8] !== '-') extra.bytes = m[8]!;
  if (m[9] !== undefined && m[9] !== '-') extra.referer = redact(m[9].slice(0, 512));
  if (m[10] !== undefined && m[10] !== '-') extra.userAgent = m[10].slice(0, 256);
  ev.extra = extra;
  const rest = m[11] ?? '';
  if (rest.length > 0) {
    const rt = /(?:^|\s)(?:rt=|request_time=|urt=)?"?(\d{1,6}\.\d{1,6})"?(?:\s|$)/.exec(rest);
    if (rt) ev.durationMs = Math.round(Number(rt[1]) * 1000);
    else {
      const us = /^\s(\d{1,12})$/.exec(rest);
      if (us) ev.durationMs = Math.round(Number(us[1]) / 1000);
    }
    const rid = /(?:^|\s)"?([0-9a-f]{16,64}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"?(?:\s|$)/i.exec(rest);
    if (rid) ev.requestId = rid[1]!;
    applyLooseText(ev, rest);
  }
  if (ev.path !== undefined && ev.status !== undefined && ev.status >= 400) applyText(ev, ev.path);
  return { draft: ev, message: text };
}
