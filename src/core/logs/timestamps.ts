/**
 * Timestamps as logs write them, turned into epoch milliseconds. Zones are honoured: ISO offsets,
 * nginx `+0300`, and for zone-less local times (Laravel, Keycloak) the `timeZone` option
 * (`UTC` by default, an offset such as `+03:00`, or an IANA name such as `Europe/Berlin`).
 * Every function returns `undefined` for anything it cannot read; none throws.
 */

/** How zone-less timestamps are read. */
export type TimeZoneSpec = string | undefined;

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?\s?(Z|[+-]\d{2}(?::?\d{2})?)?/;
const CLF_RE = /^(\d{2})\/([A-Za-z]{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?:\s([+-]\d{4}))?/;
const MONTHS: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
/** The spelling logs use, looked up before lower-casing. */
const MONTHS_TITLE: Record<string, number> = { Jan: 1, Feb: 2, Mar: 3, Apr: 4, May: 5, Jun: 6, Jul: 7, Aug: 8, Sep: 9, Oct: 10, Nov: 11, Dec: 12 };

/** Reads `2024-01-15 10:23:45`, `2024-01-15T10:23:45.123+03:00`, `2024-01-15 10:23:45,123` … */
export function parseIsoTime(text: string, timeZone?: TimeZoneSpec): number | undefined {
  // Consecutive lines of a log mostly share their second: the same text read the same way gives
  // the same time (a 19-character compare instead of a regex and a date build per line).
  if (text === lastIsoText && timeZone === lastIsoZone) return lastIsoTime;
  const m = ISO_RE.exec(text);
  const ms = m && m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  const time = m ? build(+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!, ms, m[8] ?? timeZone) : undefined;
  if (text.length <= 64) {
    lastIsoText = text;
    lastIsoZone = timeZone;
    lastIsoTime = time;
  }
  return time;
}

/** The last short text {@link parseIsoTime} read, the zone it was read with, and the result. */
let lastIsoText: string | undefined;
let lastIsoZone: TimeZoneSpec;
let lastIsoTime: number | undefined;

/** Reads the common-log-format time `15/Jan/2024:10:23:45 +0300` (without the brackets). */
export function parseClfTime(text: string, timeZone?: TimeZoneSpec): number | undefined {
  // Lines of one log share the day: when `text` starts with the day of the last time read
  // (`15/Jan/2024:`), only the clock and zone are read here, exactly as CLF_RE would.
  if (lastClfDay !== '' && text.startsWith(lastClfDay)) {
    const h = twoDigits(text, 12);
    const mi = twoDigits(text, 15);
    const s = twoDigits(text, 18);
    if (h >= 0 && mi >= 0 && s >= 0 && text.charCodeAt(14) === 58 && text.charCodeAt(17) === 58) {
      const sign = text.charCodeAt(21);
      const zone = isRegExpSpace(text.charCodeAt(20)) && (sign === 43 || sign === 45) && twoDigits(text, 22) >= 0 && twoDigits(text, 24) >= 0 ? text.slice(21, 26) : undefined;
      return build(lastClfYear, lastClfMonth, lastClfDate, h, mi, s, 0, zone ?? timeZone);
    }
  }
  const m = CLF_RE.exec(text);
  if (!m) return undefined;
  const month = MONTHS_TITLE[m[2]!] ?? MONTHS[m[2]!.toLowerCase()];
  if (month === undefined) return undefined;
  lastClfDay = text.slice(0, 12);
  lastClfYear = +m[3]!;
  lastClfMonth = month;
  lastClfDate = +m[1]!;
  return build(+m[3]!, month, +m[1]!, +m[4]!, +m[5]!, +m[6]!, 0, m[7] ?? timeZone);
}

/** The day part (`15/Jan/2024:`) of the last time CLF_RE matched, and its numbers. */
let lastClfDay = '';
let lastClfYear = 0;
let lastClfMonth = 0;
let lastClfDate = 0;

/** The number written by two ASCII digits at `at`, or -1. */
function twoDigits(text: string, at: number): number {
  const a = text.charCodeAt(at) - 48;
  const b = text.charCodeAt(at + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** The characters `\s` matches in a JavaScript regex. */
function isRegExpSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || (c >= 160 && (c === 160 || c === 5760 || (c >= 8192 && c <= 8202) || c === 8232 || c === 8233 || c === 8239 || c === 8287 || c === 12288 || c === 65279));
}

/** Epoch seconds or milliseconds (numbers or numeric strings) → milliseconds. */
export function parseEpoch(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d{9,16}(?:\.\d+)?$/.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(n) || n <= 0) return undefined;
  if (n >= 1e14) return undefined; // microseconds or garbage
  return n >= 1e11 ? Math.round(n) : Math.round(n * 1000);
}

/** Any of the above, for JSON fields whose type is not known in advance. */
export function parseAnyTime(value: unknown, timeZone?: TimeZoneSpec): number | undefined {
  if (typeof value === 'number') return parseEpoch(value);
  if (typeof value !== 'string' || value.length > 64) return undefined;
  return parseEpoch(value) ?? parseIsoTime(value, timeZone) ?? parseClfTime(value, timeZone);
}

function build(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number, zone: string | undefined): number | undefined {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || s > 60) return undefined;
  const local = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  if (!Number.isFinite(local)) return undefined;
  const offset = offsetMinutes(zone, local);
  if (offset === undefined) return undefined;
  return local - offset * 60_000;
}

let lastFixedZone: string | undefined;
let lastFixedOffset = 0;

/** Offset east of UTC in minutes for `zone` at the given wall-clock time (read as UTC). */
function offsetMinutes(zone: string | undefined, localAsUtc: number): number | undefined {
  if (zone === undefined || zone === '' || zone === 'Z') return 0;
  // Every line of a log has the same offset: the last one read is kept.
  if (zone === lastFixedZone) return lastFixedOffset;
  if (zone.toUpperCase() === 'UTC' || zone.toUpperCase() === 'GMT') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (m) {
    const v = Number(m[2]) * 60 + Number(m[3] ?? 0);
    lastFixedZone = zone;
    lastFixedOffset = m[1] === '-' ? -v : v;
    return lastFixedOffset;
  }
  return ianaOffset(zone, localAsUtc);
}

const formatters = new Map<string, Intl.DateTimeFormat | null>();

/** Offset of an IANA zone: the wall clock it shows at an instant, minus that instant (two passes for DST edges). */
function ianaOffset(zone: string, localAsUtc: number): number | undefined {
  let f = formatters.get(zone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    } catch {
      f = null;
    }
    if (formatters.size < 64) formatters.set(zone, f);
  }
  if (f === null) return undefined;
  const wall = (instant: number): number => {
    const parts: Record<string, number> = {};
    for (const p of f.formatToParts(instant)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
    return Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
  };
  const guess = (wall(localAsUtc) - Math.floor(localAsUtc / 1000) * 1000) / 60_000;
  const second = (wall(localAsUtc - guess * 60_000) - Math.floor((localAsUtc - guess * 60_000) / 1000) * 1000) / 60_000;
  return Math.round(second);
}
