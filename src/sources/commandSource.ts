import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { LineSplitter } from '../core/tail/lineSplitter';
import { StatusKeeper } from './tailSource';
import type { TailSink, TailSource, TailStatus } from './tailSource';

export interface CommandSourceOptions {
  /** Short name; lines carry `cmd:<name>`. */
  name: string;
  /** A shell command line, e.g. `docker logs -f --since 10m app`. */
  command: string;
  sink: TailSink;
  /** The shell to run it with; default $SHELL (or /bin/sh; cmd.exe on Windows). */
  shell?: string;
  cwd?: string;
  onStatus?: (s: TailStatus) => void;
}

/**
 * Tails the output of a command (`docker logs -f app`, `journalctl -fu php-fpm`, `kubectl logs
 * -f deploy/auth`). The command is run through the user's shell, so it must come from the user
 * (global settings or typed at a prompt) – the host never takes it from workspace settings or
 * runs it in an untrusted workspace. stdout and stderr are both read (docker and kubectl send
 * the app's stderr there); each keeps its own partial line. stop() ends the whole process group.
 */
export class CommandSource implements TailSource {
  readonly name: string;
  private readonly status_: StatusKeeper;
  private child: ChildProcess | undefined;
  private nextLine = 1;
  private stopped = false;
  private exited: Promise<void> = Promise.resolve();

  constructor(private readonly opts: CommandSourceOptions) {
    this.name = `cmd:${opts.name}`;
    this.status_ = new StatusKeeper(opts.onStatus);
  }

  get status(): TailStatus {
    return this.status_.current;
  }

  start(): Promise<void> {
    const isWin = process.platform === 'win32';
    const shell = this.opts.shell ?? (isWin ? process.env.ComSpec ?? 'cmd.exe' : process.env.SHELL || '/bin/sh');
    const child = spawn(this.opts.command, {
      shell,
      cwd: this.opts.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Own process group, so stop() also ends what the shell started (`docker logs` under `sh -c`).
      detached: !isWin,
      windowsHide: true,
    });
    this.child = child;
    const out = new LineSplitter((l) => this.deliver(l.text, l.truncated));
    const err = new LineSplitter((l) => this.deliver(l.text, l.truncated));
    child.stdout!.on('data', (c: Buffer) => out.write(c));
    child.stderr!.on('data', (c: Buffer) => err.write(c));
    this.exited = new Promise((resolve) => {
      let spawnError: string | undefined;
      child.on('error', (e) => {
        spawnError = e.message;
      });
      child.on('close', (code, signal) => {
        this.child = undefined;
        if (!this.stopped) {
          out.flush();
          err.flush();
          this.status_.set(spawnError
            ? { state: 'failed', code: 'spawn_failed', message: `Could not run "${this.opts.command}": ${spawnError}` }
            : { state: code === 0 ? 'ended' : 'failed', code: code === 0 ? 'exited' : 'exit_code', message: `"${this.opts.command}" exited${signal ? ` on ${signal}` : ` with status ${code}`}` });
          this.stopped = true;
          this.opts.sink.end?.(this.name);
        }
        resolve();
      });
    });
    this.status_.set({ state: 'following', message: `Running ${this.opts.command}` });
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    if (this.stopped) {
      await this.exited;
      return;
    }
    this.stopped = true;
    const child = this.child;
    if (child?.pid !== undefined) {
      const kill = (sig: NodeJS.Signals): void => {
        try {
          if (process.platform === 'win32') child.kill(sig);
          else process.kill(-child.pid!, sig);
        } catch {
          // already gone
        }
      };
      kill('SIGTERM');
      const t = setTimeout(() => kill('SIGKILL'), 2000);
      await this.exited;
      clearTimeout(t);
    }
    this.status_.set({ state: 'stopped' });
    this.opts.sink.end?.(this.name);
  }

  private deliver(text: string, truncated: boolean): void {
    if (this.stopped) return;
    this.opts.sink.push({ source: this.name, line: this.nextLine++, text, ...(truncated ? { truncated: true } : {}) });
  }
}
