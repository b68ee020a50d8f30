import type { LineSink } from '../core/lines';

/** Where a live source stands; shown in the status bar and the CLI. */
export type TailState = 'starting' | 'following' | 'waiting' | 'reconnecting' | 'failed' | 'ended' | 'stopped';

export interface TailStatus {
  state: TailState;
  /** One English sentence for logs and the CLI; hosts localise by `state` / `code`. */
  message?: string;
  /** A stable code for failures and notes (e.g. an SshErrorKind, `rotated`, `truncated`). */
  code?: string;
  /** A command the user can run to fix a failure (e.g. adding a host key). */
  fix?: string;
}

/** A sink that may also want to know when a source ends (the engine's `end(source)`). */
export interface TailSink extends LineSink {
  end?(source: string): void;
}

/** What every live source (local file, SSH, command) offers its owner. */
export interface TailSource {
  /** The name every SourceLine carries. */
  readonly name: string;
  readonly status: TailStatus;
  /** Starts following; resolves once the source is set up (lines may already have arrived). */
  start(): Promise<void>;
  /** Stops and releases every handle, watcher, timer and child process. Safe to call twice. */
  stop(): Promise<void>;
}

/** Calls `onStatus` and remembers the last status: shared by the sources. */
export class StatusKeeper {
  current: TailStatus = { state: 'starting' };
  constructor(private readonly listener?: (s: TailStatus) => void) {}
  set(s: TailStatus): void {
    this.current = s;
    try {
      this.listener?.(s);
    } catch {
      // A listener's bug must not break the tail.
    }
  }
}
