/**
 * The log timestamp of one raw line, for "start tailing from a time". Reads the same shapes the
 * parsers read (Laravel `[2024-01-15 10:23:45]`, Keycloak/ISO at the start, nginx/Apache CLF
 * `[15/Jan/2024:10:23:45 +0300]`, nginx error `2024/01/15 10:23:45`, JSON-lines time fields,
 * a leading epoch) with the parsers' own pure timestamp functions, but without parsing the rest
 * of the line: the start search reads thousands of lines and only needs their time.
 *
 * Only the head of a line is searched for text timestamps, so a continuation line (a stack
 * frame, a dumped payload) that happens to contain a date further in is not taken for an entry.
 */
import { parseAnyTime, parseClfTime, parseEpoch, parseIsoTime } from '../logs/timestamps';

const HEAD = 64;
const CLF_HEAD = 128;
/** JSON lines: time fields may come last (Monolog writes `datetime` after the context). */
const JSON_SCAN = 16 * 1024;
const ISO_ANY_RE = /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}/;
const NGINX_ERROR_RE = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}:\d{2}:\d{2})/;
const CLF_OPEN_RE = /\[(\d{2}\/[A-Za-z]{3}\/\d{4}:\d{2}:\d{2}:\d{2}(?: [+-]\d{4})?)\]/;
const EPOCH_RE = /^\s*(\d{10}(?:\.\d{1,6})?|\d{13})(?!\d)/;
const JSON_TIME_RE = /"(@timestamp|timestamp|datetime|time|ts|date|asctime)"\s*:\s*(?:"([^"\\]{1,64})"|(\d{9,16}(?:\.\d+)?))/g;
const JSON_KEY_RANK: Record<string, number> = { '@timestamp': 0, timestamp: 1, datetime: 2, time: 3, ts: 4, date: 5, asctime: 6 };

/**
 * Epoch milliseconds of the line's own timestamp, or undefined when it has none (continuation
 * lines, stack traces, plain text). Zone-less times are read in `timeZone` (UTC by default),
 * as the parsers read them. Never throws.
 */
export function lineTime(text: string, timeZone?: string): number | undefined {
  const lead = text.charCodeAt(0) === 0x7b /* { */ ? 0 : /^\s*\{/.test(text.slice(0, 8)) ? 1 : -1;
  if (lead >= 0) {
    const t = jsonTime(text.length > JSON_SCAN ? text.slice(0, JSON_SCAN) : text, timeZone);
    if (t !== undefined) return t;
  }
  const head = text.length > HEAD ? text.slice(0, HEAD) : text;
  const iso = ISO_ANY_RE.exec(head);
  if (iso) return parseIsoTime(head.slice(iso.index), timeZone);
  const ng = NGINX_ERROR_RE.exec(head);
  if (ng) return parseIsoTime(`${ng[1]}-${ng[2]}-${ng[3]} ${ng[4]}`, timeZone);
  const clfHead = text.length > CLF_HEAD ? text.slice(0, CLF_HEAD) : text;
  if (clfHead.includes('[')) {
    const clf = CLF_OPEN_RE.exec(clfHead);
    if (clf) return parseClfTime(clf[1]!, timeZone);
  }
  const epoch = EPOCH_RE.exec(head);
  return epoch ? parseEpoch(Number(epoch[1])) : undefined;
}

/** The best-ranked top-level-looking time field of a JSON line. */
function jsonTime(text: string, timeZone?: string): number | undefined {
  let best: { rank: number; value: string; numeric: boolean } | undefined;
  JSON_TIME_RE.lastIndex = 0;
  for (let m = JSON_TIME_RE.exec(text); m; m = JSON_TIME_RE.exec(text)) {
    const rank = JSON_KEY_RANK[m[1]!]!;
    if (!best || rank < best.rank) best = { rank, value: m[2] ?? m[3]!, numeric: m[2] === undefined };
    if (rank === 0) break;
  }
  if (!best) return undefined;
  return best.numeric ? parseEpoch(Number(best.value)) : parseAnyTime(best.value, timeZone);
}
