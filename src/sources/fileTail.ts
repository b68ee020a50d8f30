import { promises as fsp, watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { FileHandle } from 'node:fs/promises';
import { LineSplitter } from '../core/tail/lineSplitter';
import { decideRotation } from '../core/tail/rotation';
import { lineTime } from '../core/tail/lineTime';
import { DEFAULT_MAX_BACKLOG_BYTES, findSinceOffset, formatBytes } from '../core/tail/tailStart';
import type { SplitLine } from '../core/tail/lineSplitter';
import { StatusKeeper } from './tailSource';
import type { TailSink, TailSource, TailStatus } from './tailSource';

export interface FileTailOptions {
  path: string;
  sink: TailSink;
  /** Lines of history to deliver first (like `tail -n`); default 200. Ignored when `since` is set. */
  initialLines?: number;
  /**
   * Epoch ms: start at the first line whose log timestamp is at or after this (and deliver
   * everything after it), instead of the last N lines. Found by a search from the end of the
   * file (core/tail/tailStart.ts), never by reading the file from its start.
   */
  since?: number;
  /** Backlog cap for `since`: never start more than this many bytes before the end; default 16 MiB. */
  maxBacklogBytes?: number;
  /** Zone for zone-less log times (Laravel, Keycloak) when `since` is used; default UTC, like the parsers. */
  timeZone?: string;
  /** Name on every SourceLine; default the absolute path. */
  name?: string;
  /** Polling interval, the fallback when file-system events do not arrive (NFS, some containers); default 500 ms. */
  pollIntervalMs?: number;
  /** How long a rotated-away file is still read after rotation, for writers that have not reopened yet; default 2000 ms. */
  drainMs?: number;
  onStatus?: (s: TailStatus) => void;
}

const CHUNK = 64 * 1024;
/** Up to this many bytes before the offset are compared on each look, to notice truncate-and-refill. */
const GUARD_BYTES = 32;
/** Line numbers are absolute when the skipped history is at most this big (counting is cheap). */
const COUNT_LINES_UP_TO = 64 * 1024 * 1024;

interface OpenFile {
  fh: FileHandle;
  id: string;
  offset: number;
  splitter: LineSplitter;
  guard: Buffer;
  /** For rotated-away files: close after this time (ms since epoch). */
  drainUntil?: number;
}

/**
 * Follows a local file like `tail -F`: last N lines (or the lines since a time) first, then every append; survives rotation
 * by rename-and-create (the old descriptor is drained first, then the new file is read from its
 * start) and by copy-truncate (restart at 0 when the file shrinks or the bytes before the offset
 * change); waits for a file that does not exist yet; notices deletion. A directory watcher gives
 * low latency; polling catches what it misses. Memory is bounded: reads are 64 KiB chunks and a
 * partial line is capped by the LineSplitter.
 */
export class FileTail implements TailSource {
  readonly name: string;
  private readonly path: string;
  private readonly status_: StatusKeeper;
  private current: OpenFile | undefined;
  private readonly draining: OpenFile[] = [];
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private nextLine = 1;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private readonly buf = Buffer.allocUnsafe(CHUNK);

  constructor(private readonly opts: FileTailOptions) {
    this.path = resolve(opts.path);
    this.name = opts.name ?? this.path;
    this.status_ = new StatusKeeper(opts.onStatus);
  }

  get status(): TailStatus {
    return this.status_.current;
  }

  async start(): Promise<void> {
    const kind = await fsp.stat(this.path).then((s) => (s.isFile() ? 'file' : 'other'), () => 'missing');
    if (kind === 'other') throw new Error(`${this.path} is not a regular file (a directory?): pick the log file itself.`);
    const st = await statId(this.path);
    if (st) {
      const { offset, note } = this.opts.since !== undefined ? await this.sinceOffset(st.size, this.opts.since) : { offset: await this.initialOffset(st.size), note: undefined };
      await this.openAt(st.id, offset);
      this.status_.set({ state: 'following', ...(note ?? { message: `Following ${this.path}` }) });
    } else {
      this.status_.set({ state: 'waiting', code: 'missing', message: `Waiting for ${this.path} to appear` });
    }
    this.ensureWatcher();
    this.timer = setInterval(() => this.schedule(), this.opts.pollIntervalMs ?? 500);
    this.schedule();
    await this.running;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.watcher?.close();
    this.watcher = undefined;
    await this.running?.catch(() => undefined);
    const all = [...this.draining.splice(0), ...(this.current ? [this.current] : [])];
    this.current = undefined;
    await Promise.all(all.map((f) => f.fh.close().catch(() => undefined)));
    this.status_.set({ state: 'stopped' });
    this.opts.sink.end?.(this.name);
  }

  /** Runs a look at the file soon; looks never overlap and a request during one runs another after it. */
  private schedule(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.check();
        } catch (err) {
          this.status_.set({ state: 'waiting', code: 'io_error', message: `Reading ${this.path} failed: ${(err as Error).message}` });
        }
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.running = undefined;
    });
  }

  private async check(): Promise<void> {
    if (this.stopped) return;
    this.ensureWatcher();
    // Rotated-away files first: their lines are older than the new file's.
    for (const old of [...this.draining]) {
      const n = await this.readToEof(old);
      if (n > 0) old.drainUntil = Date.now() + (this.opts.drainMs ?? 2000);
      if (Date.now() >= (old.drainUntil ?? 0)) {
        old.splitter.flush();
        this.draining.splice(this.draining.indexOf(old), 1);
        await old.fh.close().catch(() => undefined);
      }
    }
    const cur = this.current;
    const contentChanged = cur ? await this.guardChanged(cur) : false;
    if (cur && !contentChanged) await this.readToEof(cur);
    const now = await statId(this.path);
    const step = decideRotation(cur ? { id: cur.id, offset: cur.offset } : undefined, now, contentChanged);
    switch (step) {
      case 'read':
      case 'absent':
        return;
      case 'truncated': {
        cur!.splitter.flush();
        cur!.offset = 0;
        cur!.guard = Buffer.alloc(0);
        this.status_.set({ state: 'following', code: 'truncated', message: `${this.path} was truncated; reading it from the start` });
        await this.readToEof(cur!);
        return;
      }
      case 'replaced':
      case 'gone': {
        this.retire(cur!);
        if (step === 'gone') {
          const nlink = await cur!.fh.stat().then((s) => s.nlink, () => 0);
          this.status_.set({ state: 'waiting', code: nlink === 0 ? 'deleted' : 'moved', message: nlink === 0 ? `${this.path} was deleted; waiting for it to reappear` : `${this.path} was moved away; waiting for a new file` });
          return;
        }
        this.status_.set({ state: 'following', code: 'rotated', message: `${this.path} was rotated; following the new file` });
        await this.openAt(now!.id, 0);
        await this.readToEof(this.current!);
        return;
      }
      case 'appeared': {
        await this.openAt(now!.id, 0);
        this.status_.set({ state: 'following', code: 'appeared', message: `${this.path} appeared; following it` });
        await this.readToEof(this.current!);
        return;
      }
    }
  }

  private retire(f: OpenFile): void {
    f.drainUntil = Date.now() + (this.opts.drainMs ?? 2000);
    this.draining.push(f);
    this.current = undefined;
  }

  private async openAt(expectedId: string, offset: number): Promise<void> {
    let fh: FileHandle;
    try {
      fh = await fsp.open(this.path, 'r');
    } catch {
      return; // vanished between stat and open: the next look sees it
    }
    const st = await fh.stat({ bigint: true });
    const id = `${st.dev}:${st.ino}`;
    // Opened a different file than stat'ed (rotation in between): start that one from 0.
    const start = id === expectedId ? offset : 0;
    const splitter = new LineSplitter((l) => this.deliver(l));
    this.current = { fh, id, offset: start, splitter, guard: Buffer.alloc(0) };
    if (start > 0) this.current.guard = await readAt(fh, Math.max(0, start - GUARD_BYTES), Math.min(GUARD_BYTES, start));
  }

  private deliver(l: SplitLine): void {
    if (this.stopped) return;
    const line = { source: this.name, line: this.nextLine++, text: l.text, ...(l.truncated ? { truncated: true } : {}) };
    this.opts.sink.push(line);
  }

  /** Reads from the offset to the current end; returns the bytes read. */
  private async readToEof(f: OpenFile): Promise<number> {
    let total = 0;
    for (;;) {
      if (this.stopped) return total;
      const { bytesRead } = await f.fh.read(this.buf, 0, CHUNK, f.offset);
      if (bytesRead === 0) return total;
      const chunk = this.buf.subarray(0, bytesRead);
      f.offset += bytesRead;
      total += bytesRead;
      f.guard = Buffer.from(chunk.subarray(Math.max(0, bytesRead - GUARD_BYTES)));
      if (f.guard.length < GUARD_BYTES && f.offset > f.guard.length) {
        f.guard = await readAt(f.fh, Math.max(0, f.offset - GUARD_BYTES), Math.min(GUARD_BYTES, f.offset));
      }
      f.splitter.write(chunk);
    }
  }

  /** True when the bytes just before the offset are no longer what was read: truncated and refilled. */
  private async guardChanged(f: OpenFile): Promise<boolean> {
    if (f.offset === 0 || f.guard.length === 0) return false;
    const now = await readAt(f.fh, f.offset - f.guard.length, f.guard.length);
    return !now.equals(f.guard);
  }

  /** Byte offset where the last `initialLines` lines start; also sets the first line number. */
  private async initialOffset(size: number): Promise<number> {
    const n = Math.max(0, Math.floor(this.opts.initialLines ?? 200));
    const fh = await fsp.open(this.path, 'r');
    try {
      let start = 0;
      let end = size;
      const last = size > 0 ? await readAt(fh, size - 1, 1) : Buffer.alloc(0);
      if (last.length === 1 && last[0] === 0x0a) end = size - 1; // a final newline does not start a line
      let seen = 0;
      let found = false;
      let pos = end;
      const want = n === 0 ? 1 : n; // n = 0: start at the last line boundary so a partial line completes whole
      while (pos > 0 && !found) {
        const from = Math.max(0, pos - CHUNK);
        const chunk = await readAt(fh, from, pos - from);
        for (let i = chunk.length - 1; i >= 0; i--) {
          if (chunk[i] === 0x0a && ++seen === want) {
            start = from + i + 1;
            found = true;
            break;
          }
        }
        pos = from;
      }
      if (n === 0 && last.length === 1 && last[0] === 0x0a) start = size;
      this.nextLine = start <= COUNT_LINES_UP_TO ? (await countNewlines(fh, start)) + 1 : 1;
      return start;
    } finally {
      await fh.close();
    }
  }

  /**
   * Byte offset of the first line at or after `since` (see findSinceOffset), the first line
   * number, and a note when the cap decided the start or the log has no readable timestamps.
   */
  private async sinceOffset(size: number, since: number): Promise<{ offset: number; note?: { code: string; message: string } }> {
    const cap = Math.max(0, Math.floor(this.opts.maxBacklogBytes ?? DEFAULT_MAX_BACKLOG_BYTES));
    const fh = await fsp.open(this.path, 'r');
    try {
      const tz = this.opts.timeZone;
      const r = await findSinceOffset({ read: (pos, len) => readAt(fh, pos, len) }, { size, since, maxBytes: cap, timeOf: (t) => lineTime(t, tz) });
      this.nextLine = r.offset <= COUNT_LINES_UP_TO ? (await countNewlines(fh, r.offset)) + 1 : 1;
      const when = new Date(since).toISOString();
      if (r.noTimestamps) return { offset: r.offset, note: { code: 'no_timestamps', message: `${this.path} has no timestamps that can be read, so "since ${when}" cannot be applied; following new lines only.` } };
      if (r.capped) return { offset: r.offset, note: { code: 'backlog_capped', message: `The lines of ${this.path} since ${when} are more than the ${formatBytes(cap)} backlog cap; starting ${formatBytes(size - r.offset)} before the end.` } };
      return { offset: r.offset };
    } finally {
      await fh.close();
    }
  }

  private ensureWatcher(): void {
    if (this.watcher || this.stopped) return;
    const base = basename(this.path);
    try {
      this.watcher = watch(dirname(this.path), { persistent: false }, (_event, filename) => {
        if (!filename || filename.toString() === base) this.schedule();
      });
      this.watcher.on('error', () => {
        this.watcher?.close();
        this.watcher = undefined;
      });
    } catch {
      this.watcher = undefined; // directory missing or not watchable: polling covers it
    }
  }
}

async function statId(path: string): Promise<{ id: string; size: number } | undefined> {
  try {
    const st = await fsp.stat(path, { bigint: true });
    if (!st.isFile()) return undefined;
    return { id: `${st.dev}:${st.ino}`, size: Number(st.size) };
  } catch {
    return undefined;
  }
}

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const b = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(b, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return b.subarray(0, got);
}

async function countNewlines(fh: FileHandle, upTo: number): Promise<number> {
  const b = Buffer.allocUnsafe(CHUNK);
  let count = 0;
  for (let pos = 0; pos < upTo;) {
    const { bytesRead } = await fh.read(b, 0, Math.min(CHUNK, upTo - pos), pos);
    if (bytesRead === 0) break;
    for (let i = b.indexOf(0x0a, 0); i !== -1 && i < bytesRead; i = b.indexOf(0x0a, i + 1)) count++;
    pos += bytesRead;
  }
  return count;
}
