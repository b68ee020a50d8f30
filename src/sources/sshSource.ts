import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { backoffDelay } from '../core/tail/backoff';
import type { BackoffOptions } from '../core/tail/backoff';
import { LineSplitter } from '../core/tail/lineSplitter';
import { MAX_LINE_CHARS } from '../core/lines';
import { buildRemoteCommand, RemoteTailDecoder } from '../core/tail/remoteTail';
import type { RemoteTailEvent } from '../core/tail/remoteTail';
import { classifySshFailure } from '../core/tail/sshErrors';
import type { SshError } from '../core/tail/sshErrors';
import { checkSshHost } from '../core/tail/sourceProfiles';
import { lineTime } from '../core/tail/lineTime';
import { DEFAULT_MAX_BACKLOG_BYTES, formatBytes, SinceGate } from '../core/tail/tailStart';
import { StatusKeeper } from './tailSource';
import type { TailSink, TailSource, TailStatus } from './tailSource';

export interface SshSourceOptions {
  /** Destination as ssh takes it: a ~/.ssh/config alias, `user@host`, or `ssh://user@host:port`. */
  host: string;
  path: string;
  /** Extended regular expression run on the server (`grep -i -E`), so only matching lines cross the network. */
  filter?: string;
  initialLines?: number;
  /**
   * Epoch ms: start at the first line whose log timestamp is at or after this instead of the
   * last N lines. The server ships only the last `maxBacklogBytes` of the file (`tail -c`,
   * through the filter); the cut at the first line at or after T happens here (SinceGate).
   */
  since?: number;
  /** Backlog cap for `since`; default 16 MiB. */
  maxBacklogBytes?: number;
  /** Zone for zone-less log times when `since` is used; default UTC, like the parsers. */
  timeZone?: string;
  /** The OpenSSH client; default `ssh`. */
  sshPath?: string;
  /** Extra ssh options placed before the destination, e.g. `['-F', cfg, '-o', 'UserKnownHostsFile=…']` in tests. */
  sshArgs?: string[];
  sink: TailSink;
  /** Name on every SourceLine; default `ssh://host/path`. */
  name?: string;
  onStatus?: (s: TailStatus) => void;
  backoff?: BackoffOptions;
  /** Seconds between keep-alives; a dead link is noticed after 3 missed ones. Default 5. */
  serverAliveIntervalSec?: number;
  connectTimeoutSec?: number;
}

/** A connection that stayed up this long resets the backoff to its first step. */
const STABLE_MS = 10_000;
const STDERR_KEEP = 16 * 1024;

/**
 * Tails a file on another machine through the user's own OpenSSH client, so ~/.ssh/config, the
 * agent, ProxyJump and known_hosts work as in a terminal. Always non-interactive
 * (`BatchMode=yes`) and never accepts an unknown or changed host key
 * (`StrictHostKeyChecking=yes` overrides any accept-new in the user's config); the user is told
 * the exact command to add the key. Reconnects with exponential backoff after a drop and
 * resumes exactly after the last delivered byte (see RemoteResume in core/tail/remoteTail.ts).
 */
export class SshSource implements TailSource {
  readonly name: string;
  private readonly status_: StatusKeeper;
  private readonly decoder: RemoteTailDecoder;
  private child: ChildProcessWithoutNullStreams | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private everConnected = false;
  private connectedAt = 0;
  private tailExit: number | undefined;
  private stopped = false;
  private closed: Promise<void> = Promise.resolve();
  private firstOutcome: ((err?: SshError) => void) | undefined;
  private readonly gate: SinceGate | undefined;
  /** Where the first connection's byte window started (0 = the whole file was shipped). */
  private windowStart = 0;
  private gateNoted = false;

  /** The last failure, when the source gave up. */
  lastError: SshError | undefined;

  constructor(private readonly opts: SshSourceOptions) {
    const problem = checkSshHost(opts.host);
    if (problem) throw new Error(problem);
    this.name = opts.name ?? `ssh://${opts.host}${opts.path.startsWith('/') ? '' : '/'}${opts.path}`;
    this.status_ = new StatusKeeper(opts.onStatus);
    this.decoder = new RemoteTailDecoder((e) => this.onEvent(e));
    if (opts.since !== undefined) {
      const tz = opts.timeZone;
      this.gate = new SinceGate(opts.since, (t) => lineTime(t, tz));
    }
  }

  get status(): TailStatus {
    return this.status_.current;
  }

  /** Resolves once the first connection streams, or when it fails for good (see `lastError`/`status`). */
  start(): Promise<void> {
    return new Promise((resolve) => {
      this.firstOutcome = () => {
        this.firstOutcome = undefined;
        resolve();
      };
      this.connect();
    });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const child = this.child;
    if (child) {
      // Closing stdin ends the remote watchdog (`cat`), which kills the remote tail.
      child.stdin.end();
      child.kill('SIGTERM');
      const killTimer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await this.closed;
      clearTimeout(killTimer);
    }
    this.status_.set({ state: 'stopped' });
    this.firstOutcome?.();
    this.opts.sink.end?.(this.name);
  }

  /** The ssh argument vector for the next connection (exposed for tests and the log). */
  sshArgv(): string[] {
    const alive = String(this.opts.serverAliveIntervalSec ?? 5);
    return [
      ...(this.opts.sshArgs ?? []),
      '-o', 'BatchMode=yes',
      '-o', 'StrictHostKeyChecking=yes',
      '-o', `ServerAliveInterval=${alive}`,
      '-o', 'ServerAliveCountMax=3',
      '-o', `ConnectTimeout=${this.opts.connectTimeoutSec ?? 15}`,
      // A tail needs no forwardings (a LocalForward in the user's config would clash on every
      // reconnect), no agent or X11 on the server, and must run our command, not a RemoteCommand.
      '-o', 'ClearAllForwardings=yes',
      '-o', 'ForwardAgent=no',
      '-o', 'ForwardX11=no',
      '-o', 'RemoteCommand=none',
      '-T', '-e', 'none',
      '--', this.opts.host,
      buildRemoteCommand({ path: this.opts.path, initialLines: this.opts.initialLines ?? 200, filter: this.opts.filter, resume: this.decoder.resume, ...(this.gate ? { backlogBytes: this.backlogCap() } : {}) }),
    ];
  }

  private backlogCap(): number {
    return Math.max(1, Math.floor(this.opts.maxBacklogBytes ?? DEFAULT_MAX_BACKLOG_BYTES));
  }

  private connect(): void {
    if (this.stopped) return;
    this.retryTimer = undefined;
    this.decoder.connectionStarted();
    this.tailExit = undefined;
    this.status_.set({ state: this.everConnected ? 'reconnecting' : 'starting', message: `Connecting to ${this.opts.host}` });
    let stderr = '';
    let spawnError: string | undefined;
    const child = spawn(this.opts.sshPath || 'ssh', this.sshArgv(), { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    this.child = child;
    // Room for grep's `LINE:OFFSET:` prefix on top of the line cap.
    const splitter = new LineSplitter((l) => this.decoder.push(l.text, l.bytes, l.truncated), { maxChars: MAX_LINE_CHARS + 64 });
    child.stdout.on('data', (chunk: Buffer) => splitter.write(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_KEEP);
    });
    child.stdin.on('error', () => undefined); // EPIPE when ssh exits first
    child.on('error', (err) => {
      spawnError = err.message;
    });
    this.closed = new Promise((resolve) => {
      child.on('close', (code) => {
        this.child = undefined;
        resolve();
        if (this.stopped) return;
        this.onClosed(code, stderr, spawnError);
      });
    });
  }

  private onClosed(code: number | null, stderr: string, spawnError: string | undefined): void {
    const wasConnected = this.decoder.connected;
    if (wasConnected && Date.now() - this.connectedAt >= STABLE_MS) this.attempt = 0;
    let err = classifySshFailure(code, stderr, this.opts.host, spawnError);
    if (this.tailExit !== undefined) {
      err = { kind: 'remote_failed', retryable: false, message: `tail on ${this.opts.host} exited with status ${this.tailExit}${stderr ? `: ${lastLine(stderr)}` : ''}` };
    } else if (wasConnected || (this.everConnected && ['host_unknown', 'timeout', 'connection_refused', 'file_missing'].includes(err.kind))) {
      // It worked before: a failure now is a network or server blip, or the log is between
      // rotation's rename and create, so keep trying (with backoff).
      err = { ...err, retryable: err.kind !== 'permission_denied' };
    }
    if (!err.retryable) {
      this.lastError = err;
      this.status_.set({ state: 'failed', code: err.kind, message: err.message, ...(err.fix ? { fix: err.fix } : {}) });
      this.firstOutcome?.(err);
      this.stopped = true;
      this.opts.sink.end?.(this.name);
      return;
    }
    const delay = backoffDelay(this.attempt++, this.opts.backoff);
    this.status_.set({ state: err.kind === 'file_missing' ? 'waiting' : 'reconnecting', code: err.kind, message: `${err.message} Retrying in ${Math.round(delay / 100) / 10} s.` });
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  private noteGateOpened(): void {
    if (this.gateNoted) return;
    this.gateNoted = true;
    const note = gateNote(this.gate!.stats, this.windowStart, this.backlogCap(), this.opts.since!, this.opts.path);
    if (note) this.status_.set({ state: 'following', ...note });
  }

  private onEvent(e: RemoteTailEvent): void {
    if (this.stopped) return;
    switch (e.type) {
      case 'header': {
        this.connectedAt = Date.now();
        const again = this.everConnected;
        this.everConnected = true;
        const note = e.mode === 'rotated'
          ? { code: 'rotated', message: `${this.opts.path} was rotated while the connection was down; following the new file from its start (lines the old file got after the drop are not shown).` }
          : e.mode === 'truncated'
            ? { code: 'truncated', message: `${this.opts.path} was truncated while the connection was down; reading it from the start.` }
            : { code: again ? 'resumed' : undefined, message: again ? `Reconnected to ${this.opts.host}; resumed at byte ${e.start}.` : `Following ${this.opts.path} on ${this.opts.host}` };
        if (e.mode === 'initial') this.windowStart = e.start;
        else if (e.mode !== 'resume') this.gate?.openNow();
        this.status_.set({ state: 'following', ...(note.code ? { code: note.code } : {}), message: note.message });
        this.firstOutcome?.();
        return;
      }
      case 'line':
        if (this.gate && !this.gate.isOpen) {
          if (!this.gate.accept(e.text, e.backlog)) {
            // The whole backlog arrived without a line at or after T: say why if it had no times.
            if (e.backlogDone) this.noteGateOpened();
            return;
          }
          this.noteGateOpened();
        }
        this.opts.sink.push({ source: this.name, line: e.line, text: e.text, ...(e.truncated ? { truncated: true } : {}) });
        return;
      case 'notice':
        if (e.kind === 'replaced' || e.kind === 'appeared' || e.kind === 'truncated') this.gate?.openNow();
        if (e.kind === 'replaced' || e.kind === 'appeared') this.status_.set({ state: 'following', code: 'rotated', message: `${this.opts.path} was rotated; following the new file` });
        else if (e.kind === 'truncated') this.status_.set({ state: 'following', code: 'truncated', message: `${this.opts.path} was truncated; reading it from the start` });
        else if (e.kind === 'inaccessible') this.status_.set({ state: 'waiting', code: 'deleted', message: `${this.opts.path} disappeared on the server; waiting for it to reappear` });
        return;
      case 'tail-exit':
        this.tailExit = e.code;
        this.child?.stdin.end();
        this.child?.kill('SIGTERM');
        return;
    }
  }
}

/**
 * Says why the backlog looks as it does once the cut is made: the byte cap decided (the first
 * timed line shipped was already at or after T and the window did not reach the file's start),
 * or the log has no timestamps (only appended lines are shown).
 */
function gateNote(stats: { backlog: number; timed: number; firstTimedWasLate: boolean }, windowStart: number, cap: number, since: number, path: string): { code: string; message: string } | undefined {
  const when = new Date(since).toISOString();
  if (stats.timed === 0 && stats.backlog > 0) return { code: 'no_timestamps', message: `${path} has no timestamps that can be read, so "since ${when}" cannot be applied; following new lines only.` };
  if (stats.firstTimedWasLate && windowStart > 0) return { code: 'backlog_capped', message: `The lines of ${path} since ${when} are more than the ${formatBytes(cap)} backlog cap; showing the last ${formatBytes(cap)}.` };
  return undefined;
}

function lastLine(s: string): string {
  return s.trim().split(/\r?\n/).pop()?.slice(0, 300) ?? '';
}
