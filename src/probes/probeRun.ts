/**
 * Bookkeeping shared by the probes and the live flow: each step gets its own exchange list, its
 * duration and status, is reported through `onStep` as soon as it ends (so the UI timeline fills
 * in live), and the findings it raises carry the exchanges behind them.
 */
import type { Finding, HttpExchange, Stage } from '../core/model';
import type { ProbeProblem, ProbeStep } from '../core/probes/probeReport';
import { probeFinding } from '../core/probes/probeReport';
import type { HttpOutcome, HttpPort, HttpRequest } from '../http/httpClient';

export interface StepContext {
  /** Sends a request through the run's client; the redacted exchange joins the step. */
  request(req: HttpRequest): Promise<HttpOutcome>;
  /** Raises a finding; its evidence is `exchanges` or, by default, every exchange of the step so far. */
  raise(p: ProbeProblem, exchanges?: HttpExchange[]): void;
  readonly exchanges: HttpExchange[];
  readonly signal?: AbortSignal;
}

export interface StepResult<T> {
  status: ProbeStep['status'];
  summary: string;
  value: T;
}

export class ProbeRun {
  readonly steps: ProbeStep[] = [];
  readonly findings: Finding[] = [];

  constructor(
    private readonly http: HttpPort,
    readonly signal?: AbortSignal,
    private readonly onStep?: (s: ProbeStep) => void,
    private readonly flowId?: string,
  ) {}

  /** Runs one step; an exception inside becomes a failed step, never a crashed run. */
  async step<T>(name: string, stage: Stage, fn: (ctx: StepContext) => Promise<StepResult<T>>, onError: T): Promise<T> {
    const started = Date.now();
    const exchanges: HttpExchange[] = [];
    const raised: Finding[] = [];
    const ctx: StepContext = {
      request: async (req) => {
        const out = await this.http.request({ ...req, signal: req.signal ?? this.signal });
        exchanges.push(out.exchange);
        return out;
      },
      raise: (p, ex) => raised.push(probeFinding(p, stage, ex ?? [...exchanges], this.flowId)),
      exchanges,
      signal: this.signal,
    };
    let result: StepResult<T>;
    try {
      result = await fn(ctx);
    } catch (e) {
      result = { status: 'failed', summary: `internal error: ${(e as Error).message}`, value: onError };
    }
    const step: ProbeStep = { name, stage, status: result.status, durationMs: Date.now() - started, summary: result.summary, exchanges };
    this.steps.push(step);
    this.findings.push(...raised);
    this.onStep?.(step);
    return result.value;
  }

  /** Records a step that was not run, with the reason, so the timeline shows why it is absent. */
  skip(name: string, stage: Stage, reason: string): void {
    const step: ProbeStep = { name, stage, status: 'skipped', durationMs: 0, summary: reason, exchanges: [] };
    this.steps.push(step);
    this.onStep?.(step);
  }

  /** Raises a finding outside a step (e.g. from a combination of steps). */
  raise(p: ProbeProblem, stage: Stage, exchanges: HttpExchange[] = []): void {
    this.findings.push(probeFinding(p, stage, exchanges, this.flowId));
  }
}
