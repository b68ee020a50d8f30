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

function accessMatch(text: string): RegExpExecArray | null {
  if (text === lastText) return lastMatch;
  // Huge lines are not kept alive by the cache.
  if (text.length > 70_000) return ACCESS_RE.exec(text.slice(0, 70_000));
  const m = ACCESS_RE.exec(text);
  lastText = text;
  lastMatch = m;
  return m;
}

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
