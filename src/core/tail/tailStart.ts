/**
 * Where a live tail starts: the last N lines (like `tail -n`), or the first line whose log
 * timestamp is at or after a time T (everything after it comes along: continuation lines of a
 * multi-line entry, lines without a timestamp). Settings and profiles write it as a string.
 */

/** A resolved start: `since` is epoch milliseconds. */
export type TailStart = { kind: 'lines'; lines: number } | { kind: 'since'; since: number };

/** What the user wrote, parsed; `since` relative to `now` for durations. */
export type TailStartParse = { ok: true; start: TailStart } | { ok: false; error: string };

const DURATION_RE = /^(\d+(?:\.\d+)?)\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hr|hrs|hours?|d|days?|w|weeks?)$/i;
const LINES_RE = /^(\d+)(?:\s*lines?)?$/i;
const CLOCK_RE = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/;
const DATE_TIME_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
/** More history than this is refused as a typo (`15d` meant as `15m` is fine; `5000d` is not). */
const MAX_DURATION_MS = 366 * 86_400_000;

/**
 * Reads a start option: a number or `200`/`200 lines` (last N lines), a duration
 * (`90s`, `15m`, `2h`, `1d`, `1w`), a date-time (`2026-11-28T10:00`, `2026-11-28 10:00:00+01:00`,
 * a zone-less one is the user's local time), a date (`2026-11-28`, local midnight) or a clock
 * time (`09:30`, today, local; yesterday when that is still ahead). `now` makes it testable.
 */
export function parseTailStart(value: unknown, now: number): TailStartParse {
  if (typeof value === 'number') {
    return Number.isInteger(value) && value >= 0 ? { ok: true, start: { kind: 'lines', lines: value } } : { ok: false, error: `${value} is not a number of lines.` };
  }
  if (typeof value !== 'string' || value.trim() === '') return { ok: false, error: 'No start given.' };
  const v = value.trim();
  const lines = LINES_RE.exec(v);
  if (lines) return { ok: true, start: { kind: 'lines', lines: Math.min(Number(lines[1]), 1_000_000) } };
  const dur = DURATION_RE.exec(v);
  if (dur) {
    const ms = Number(dur[1]) * UNIT_MS[dur[2]!.charAt(0).toLowerCase()]!;
    if (ms > MAX_DURATION_MS) return { ok: false, error: `"${v}" reaches back more than a year.` };
    return { ok: true, start: { kind: 'since', since: Math.round(now - ms) } };
  }
  const clock = CLOCK_RE.exec(v);
  if (clock) {
    const h = Number(clock[1]);
    const mi = Number(clock[2]);
    const s = Number(clock[3] ?? 0);
    if (h > 23 || mi > 59 || s > 59) return { ok: false, error: `"${v}" is not a time of day.` };
    const d = new Date(now);
    let at = new Date(d.getFullYear(), d.getMonth(), d.getDate(), h, mi, s).getTime();
    if (at > now) at -= 86_400_000;
    return { ok: true, start: { kind: 'since', since: at } };
  }
  const dt = DATE_TIME_RE.exec(v);
  if (dt) {
    const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(dt[i] ?? 0)) as [number, number, number, number, number, number];
    const ms = dt[7] ? Number(dt[7].slice(0, 3).padEnd(3, '0')) : 0;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return { ok: false, error: `"${v}" is not a valid date and time.` };
    const zone = dt[8];
    let at: number;
    if (zone === undefined) {
      at = new Date(y, mo - 1, d, h, mi, s, ms).getTime();
    } else {
      const z = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
      const off = z ? (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3] ?? 0)) : 0;
      at = Date.UTC(y, mo - 1, d, h, mi, s, ms) - off * 60_000;
    }
    if (!Number.isFinite(at)) return { ok: false, error: `"${v}" is not a valid date and time.` };
    return { ok: true, start: { kind: 'since', since: at } };
  }
  return { ok: false, error: `"${v}" is not a start: use a number of lines (200), a duration (15m, 2h, 1d) or a time (2026-11-28T10:00, 09:30).` };
}

/** Default backlog cap for a start from a time: enough for hours of a busy OAuth log, small enough to ship over SSH. */
export const DEFAULT_MAX_BACKLOG_BYTES = 16 * 1024 * 1024;

/** "16 MiB", "512 KiB": for the notes that say the cap cut the backlog. */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Math.round((n / (1024 * 1024)) * 10) / 10} MiB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KiB`;
  return `${n} B`;
}

/** Random access to the bytes of a file: the port the start search reads through. */
export interface ByteReader {
  /** Up to `length` bytes at `position` (fewer only at the end of the file). */
  read(position: number, length: number): Promise<Buffer>;
}

export interface SinceSearchOptions {
  /** File size when the search starts; bytes after it are appends and always delivered. */
  size: number;
  /** Epoch ms: the first line with a timestamp at or after this is where delivery starts. */
  since: number;
  /** Never start more than this many bytes before the end (the backlog cap). */
  maxBytes: number;
  /** Reads line times; default: `lineTime` with UTC for zone-less times. */
  timeOf: (text: string) => number | undefined;
  /**
   * Out-of-order tolerance: lines are re-read backwards from the found start until a stretch
   * whose times are all older than T minus this; a line at or after T met on the way moves the
   * start back. Default 5 minutes (nginx logs at request end, several writers share a file).
   */
  maxSkewMs?: number;
}

export interface SinceSearchResult {
  /** Byte offset of the first line to deliver (a line start; `size`'s last line boundary when nothing qualifies). */
  offset: number;
  /** True when the cap decided the start: lines at or after T exist before `offset`, or may. */
  capped: boolean;
  /** True when no line the search read had a readable timestamp: T could not be applied. */
  noTimestamps: boolean;
  /** Bytes read by the search (for tests and the log: it must stay small on big files). */
  bytesRead: number;
}

const PROBE = 16 * 1024;
/** A probe gives up looking for a timestamped line after this many bytes. */
const PROBE_BUDGET = 256 * 1024;
const NL = 0x0a;

interface TimedLine { start: number; end: number; time: number }

/**
 * Finds where "since T" starts in a file without reading it from the beginning.
 *
 * Why this shape: logs are appended in (nearly) time order, and "since 15 minutes" is almost
 * always near the end. So the search gallops backwards from the end (probing 64 KiB, 128 KiB,
 * 256 KiB … before it) until it meets a line older than T, binary-searches between that and the
 * last line found at or after T, and scans the last few KiB linearly for the exact first line.
 * Each probe reads forward from its offset to the next line that HAS a timestamp, so
 * continuation lines (stack traces) and lines without times are stepped over. Logs are not
 * perfectly ordered (nginx writes at request end, several workers share a file), so from the
 * found start the search reads backwards until a stretch whose lines are all older than
 * T − `maxSkewMs`; any line at or after T on the way moves the start back, so the result is the
 * exact first such line whenever times are out of order by less than the skew. The cap bounds everything: the start is never more
 * than `maxBytes` before the end, and `capped` says the cap, not T, decided it.
 * Reads are O(log(backlog)) probes plus a few linear KiB; a 5 GB log costs a few hundred KiB.
 */
export async function findSinceOffset(reader: ByteReader, opts: SinceSearchOptions): Promise<SinceSearchResult> {
  const s = new Searcher(reader, opts);
  return s.run();
}

class Searcher {
  bytesRead = 0;
  private timed = 0;
  /** Start of the earliest line seen with a time before T: proof that the cap did not cut qualifying lines. */
  private olderAt = Infinity;
  private readonly T: number;

  constructor(private readonly reader: ByteReader, private readonly o: SinceSearchOptions) {
    this.T = o.since;
  }

  async run(): Promise<SinceSearchResult> {
    const size = this.o.size;
    // Only complete lines are searched: a partial last line (being written) is always delivered.
    const end = await this.lastLineBoundary(size);
    const floorRaw = Math.max(0, size - Math.max(0, this.o.maxBytes));
    const floor = floorRaw === 0 ? 0 : Math.min(end, await this.lineStartAtOrAfter(floorRaw, end));
    const result = (offset: number, capped: boolean): SinceSearchResult => ({ offset, capped, noTimestamps: this.timed === 0, bytesRead: this.bytesRead });
    if (end <= floor) return result(end, false);

    // Invariants (for time-ordered logs): floor <= lo <= answer <= hi, where answer is the first
    // line start at or after T, or `end` when there is none.
    let lo = floor;
    let hi = end;
    let exact = false; // hi is known to be a line at or after T
    for (let dist = 64 * 1024; ; dist *= 2) {
      const mid = Math.max(floor, end - dist);
      const p = await this.probe(mid, hi);
      if (p === 'none') {
        // No timestamp between mid and hi: look further back unless the floor is reached.
        if (mid === floor) break;
        continue;
      }
      if (p === 'budget') break;
      if (p.time >= this.T) {
        hi = p.start;
        exact = true;
        if (mid === floor) break;
      } else {
        lo = p.end;
        break;
      }
    }
    if (this.timed === 0) return result(end, false);
    while (hi - lo > 2 * PROBE) {
      const mid = lo + Math.floor((hi - lo) / 2);
      const p = await this.probe(mid, hi);
      if (p === 'none' || p === 'budget') break; // a long run without times: the linear scan decides
      if (p.time >= this.T) {
        hi = p.start;
        exact = true;
      } else {
        lo = p.end;
      }
    }
    let answer = exact ? hi : end;
    const first = await this.firstAtOrAfter(lo, hi);
    if (first !== undefined) answer = first;
    answer = await this.skewBack(answer, floor);
    // The cap decided when no line before the start (within the window) is known to be older
    // than T: qualifying lines may exist before the window.
    const capped = floor > 0 && !(this.olderAt < answer);
    return result(answer, capped);
  }

  /**
   * Reads backwards from `answer` in 64 KiB windows while lines are within the skew of T, moving
   * the start to any earlier line at or after T. Stops at a window whose timed lines are all
   * older than T − skew, at the floor, or after 4 MiB without a timed line.
   */
  private async skewBack(answer: number, floor: number): Promise<number> {
    const skew = Math.max(0, this.o.maxSkewMs ?? 5 * 60_000);
    let pos = answer;
    let untimed = 0;
    while (pos > floor) {
      const from = Math.max(floor, pos - 64 * 1024);
      const start = from === floor ? floor : await this.lineStartAtOrAfter(from, pos);
      if (start >= pos) {
        pos = from; // one line longer than the window: its start is further back
        continue;
      }
      let timedHere = 0;
      let near = false;
      let earliest: number | undefined;
      await this.eachLine(start, pos, Infinity, (ls, _le, text) => {
        const t = this.o.timeOf(text);
        if (t === undefined) return false;
        this.timed++;
        timedHere++;
        if (t < this.T) this.olderAt = Math.min(this.olderAt, ls);
        if (t >= this.T - skew) near = true;
        if (t >= this.T && earliest === undefined) earliest = ls;
        return false;
      });
      if (earliest !== undefined) answer = earliest;
      if (timedHere > 0 && !near) break;
      if (timedHere === 0 && (untimed += pos - start) > 4 * 1024 * 1024) break;
      pos = start;
    }
    return answer;
  }

  private async read(pos: number, len: number): Promise<Buffer> {
    if (len <= 0) return Buffer.alloc(0);
    const b = await this.reader.read(pos, len);
    this.bytesRead += b.length;
    return b;
  }

  /** Offset just after the last newline before `size` (0 when there is none). */
  private async lastLineBoundary(size: number): Promise<number> {
    let pos = size;
    while (pos > 0) {
      const from = Math.max(0, pos - PROBE);
      const b = await this.read(from, pos - from);
      const i = b.lastIndexOf(NL);
      if (i !== -1) return from + i + 1;
      pos = from;
    }
    return 0;
  }

  /** The first line start at or after `pos` (a line starts after a newline), capped at `limit`. */
  private async lineStartAtOrAfter(pos: number, limit: number): Promise<number> {
    if (pos <= 0) return 0;
    let at = pos - 1; // a newline right before pos makes pos itself a line start
    while (at < limit) {
      const b = await this.read(at, Math.min(PROBE, limit - at));
      if (b.length === 0) return limit;
      const i = b.indexOf(NL);
      if (i !== -1) return Math.min(limit, at + i + 1);
      at += b.length;
    }
    return limit;
  }

  /**
   * The first line with a timestamp that starts at or after `pos` and before `limit`; 'none'
   * when the lines up to `limit` have no timestamp, 'budget' when the probe read too much.
   */
  private async probe(pos: number, limit: number): Promise<TimedLine | 'none' | 'budget'> {
    const start = await this.lineStartAtOrAfter(pos, limit);
    let found: TimedLine | undefined;
    const read = await this.eachLine(start, limit, PROBE_BUDGET, (ls, le, text) => {
      const t = this.o.timeOf(text);
      if (t === undefined) return false;
      this.timed++;
      if (t < this.T) this.olderAt = Math.min(this.olderAt, ls);
      found = { start: ls, end: le, time: t };
      return true;
    });
    if (found) return found;
    return read === 'limit' ? 'none' : 'budget';
  }

  /** The first line start in [from, limit) whose time is at or after T (from must be a line start). */
  private async firstAtOrAfter(from: number, limit: number): Promise<number | undefined> {
    let hit: number | undefined;
    await this.eachLine(from, limit, Infinity, (ls, _le, text) => {
      const t = this.o.timeOf(text);
      if (t === undefined) return false;
      this.timed++;
      if (t < this.T) this.olderAt = Math.min(this.olderAt, ls);
      if (t >= this.T) {
        hit = ls;
        return true;
      }
      return false;
    });
    return hit;
  }

  /**
   * Calls `each` for every complete line in [from, limit) until it returns true. Lines longer
   * than a chunk are handled (only their first 16 KiB are looked at). Returns 'stopped',
   * 'limit' (reached `limit`) or 'budget' (read more than `budget` bytes).
   */
  private async eachLine(from: number, limit: number, budget: number, each: (start: number, end: number, text: string) => boolean): Promise<'stopped' | 'limit' | 'budget'> {
    let pos = from;
    let spent = 0;
    while (pos < limit) {
      if (spent >= budget) return 'budget';
      const b = await this.read(pos, Math.min(PROBE, limit - pos));
      if (b.length === 0) return 'limit';
      spent += b.length;
      let ls = 0;
      for (let nl = b.indexOf(NL); nl !== -1; nl = b.indexOf(NL, ls)) {
        if (each(pos + ls, pos + nl + 1, b.toString('utf8', ls, nl))) return 'stopped';
        ls = nl + 1;
      }
      if (ls === 0) {
        // One line longer than the chunk: judge it by its head, then skip to its end.
        const lineStart = pos;
        const next = await this.lineStartAtOrAfter(pos + b.length, limit);
        spent += next - pos - b.length;
        if (each(lineStart, next, b.toString('utf8'))) return 'stopped';
        pos = next;
        continue;
      }
      pos += ls;
    }
    return 'limit';
  }
}

/**
 * The client-side cut for streams that cannot seek (SSH: `tail -c <cap>` ships the last bytes,
 * the cut happens here): drops backlog lines until the first one whose timestamp is at or after
 * T, then lets everything through. Lines that are not backlog (appended after the start, or
 * from a file that replaced the old one) always pass and open the gate.
 */
export class SinceGate {
  private open = false;
  private timed = 0;
  private backlogSeen = 0;
  private firstTimedWasLate: boolean | undefined;

  constructor(private readonly since: number, private readonly timeOf: (text: string) => number | undefined) {}

  /** True when the line is delivered. `backlog`: the line was in the file when the tail started. */
  accept(text: string, backlog: boolean): boolean {
    if (this.open) return true;
    if (!backlog) {
      this.open = true;
      return true;
    }
    this.backlogSeen++;
    const t = this.timeOf(text);
    if (t === undefined) return false;
    this.timed++;
    if (this.firstTimedWasLate === undefined) this.firstTimedWasLate = t >= this.since;
    if (t >= this.since) this.open = true;
    return this.open;
  }

  /** Opens the gate for good (rotation: whatever comes next is new). */
  openNow(): void {
    this.open = true;
  }

  get isOpen(): boolean {
    return this.open;
  }

  /** Backlog lines seen, how many had a timestamp, and whether the first timed one was already at or after T. */
  get stats(): { backlog: number; timed: number; firstTimedWasLate: boolean } {
    return { backlog: this.backlogSeen, timed: this.timed, firstTimedWasLate: this.firstTimedWasLate === true };
  }
}
