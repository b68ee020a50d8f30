/** Reconnect backoff settings; defaults suit an SSH tail (first retry after ~0.5 s, then up to 30 s). */
export interface BackoffOptions {
  baseMs?: number;
  maxMs?: number;
  /** Fraction of the delay randomised either way, so many clients do not reconnect in step. */
  jitter?: number;
  random?: () => number;
}

/**
 * Delay before reconnect attempt `attempt` (0 = the first retry): base·2^attempt, capped, with
 * jitter. Exponential so a server that is down is not hammered; capped so a tail resumes within
 * half a minute once the server is back.
 *
 * @example backoffDelay(0) ≈ 500; backoffDelay(3) ≈ 4000; backoffDelay(20) ≈ 30000
 */
export function backoffDelay(attempt: number, opts: BackoffOptions = {}): number {
  const base = opts.baseMs ?? 500;
  const max = opts.maxMs ?? 30_000;
  const jitter = opts.jitter ?? 0.2;
  const random = opts.random ?? Math.random;
  const exp = Math.min(max, base * 2 ** Math.max(0, Math.min(attempt, 30)));
  const spread = exp * jitter * (random() * 2 - 1);
  return Math.max(0, Math.round(Math.min(max, exp + spread)));
}
