/**
 * Turns a correlated flow into the model's timeline: the eight stages, each ok / failed / missing /
 * not applicable, with the events behind it. Retries heal: a failure followed by a success at the
 * same stage (a 503 retried) leaves the stage ok.
 */
import type { Flow, StageEntry, StageStatus } from '../model';
import { STAGES } from '../model';
import type { FlowState } from './correlator';
import type { TrackedEvent } from './eventFacts';
import { STAGE_INDEX, isFailure, isNonCodeGrant, isSuccess, isTransientStatus } from './eventFacts';

/** A flow's events in time order (lines without a timestamp keep their place within their source). */
export function orderedEvents(state: FlowState): TrackedEvent[] {
  // Usually the events are already in order (by seq, times not going back): copy them as they are.
  if (inOrder(state.events)) return state.events.slice();
  const lastTimeBySource = new Map<string, number>();
  const eff = new Map<TrackedEvent, number>();
  for (const te of [...state.events].sort((a, b) => a.seq - b.seq)) {
    const src = te.ev.ref.file;
    const t = te.ev.time ?? lastTimeBySource.get(src) ?? Number.NEGATIVE_INFINITY;
    if (te.ev.time !== undefined) lastTimeBySource.set(src, te.ev.time);
    eff.set(te, t);
  }
  return [...state.events].sort((a, b) => {
    const d = (eff.get(a) ?? 0) - (eff.get(b) ?? 0);
    return d !== 0 && !Number.isNaN(d) ? d : a.seq - b.seq;
  });
}

/**
 * True when `events` is ascending by seq and the effective times (as orderedEvents computes them)
 * never decrease: the sort would then keep every event where it is.
 */
function inOrder(events: TrackedEvent[]): boolean {
  let prevSeq = Number.NEGATIVE_INFINITY;
  let prevEff = Number.NEGATIVE_INFINITY;
  // Effective time of untimed lines: the last time seen in their source (one source here, else give up).
  let src: string | undefined;
  let lastTime: number | undefined;
  for (const te of events) {
    if (te.seq <= prevSeq) return false;
    prevSeq = te.seq;
    const file = te.ev.ref.file;
    if (src === undefined) src = file;
    else if (file !== src) return false;
    const t = te.ev.time;
    let eff: number;
    if (t !== undefined) {
      lastTime = t;
      eff = t;
    } else {
      eff = lastTime ?? Number.NEGATIVE_INFINITY;
    }
    // NaN, or a time going back: let the full sort decide.
    if (!(eff >= prevEff)) return false;
    prevEff = eff;
  }
  return true;
}

/** The outcome of one stage from its events: a failure is healed by a later success. */
export function stageOutcome(events: TrackedEvent[], laterProgress: boolean): 'ok' | 'failed' | 'seen' {
  let lastFailure = -1;
  let lastSuccess = -1;
  events.forEach((te, i) => {
    if (isFailure(te.ev)) lastFailure = i;
    else if (isSuccess(te.ev)) lastSuccess = i;
  });
  if (lastFailure < 0) return lastSuccess >= 0 ? 'ok' : 'seen';
  if (lastSuccess > lastFailure) return 'ok';
  // A transient failure (503, 429) with the flow moving on anyway was retried successfully elsewhere.
  const f = events[lastFailure]!.ev;
  if (laterProgress && !f.error && isTransientStatus(f.status)) return 'ok';
  return 'failed';
}

/** Builds the model Flow (timeline included) from a correlated flow. */
export function buildFlow(state: FlowState, ordered: TrackedEvent[] = orderedEvents(state)): Flow {
  const byStage = new Map<string, number[]>();
  ordered.forEach((te, i) => {
    const list = byStage.get(te.stage) ?? [];
    list.push(i);
    byStage.set(te.stage, list);
    // A successful token response is the token being issued.
    if (te.stage === 'token' && isSuccess(te.ev)) {
      const issued = byStage.get('token_issued') ?? [];
      issued.push(i);
      byStage.set('token_issued', issued);
    }
  });
  let furthestSeen = -1;
  for (const s of STAGES) if (byStage.has(s)) furthestSeen = STAGE_INDEX[s];
  // Token requests of a grant without a code (client credentials, password, refresh…) and nothing
  // before them: the browser stages are not part of this flow, not missing from the logs. Lines of
  // the same exchange that name no grant (the error logged for it) do not change that.
  const tokenEvents = [...(byStage.get('token') ?? []), ...(byStage.get('token_issued') ?? [])];
  const grantOnly = !byStage.has('authorize') && !byStage.has('consent') && !byStage.has('callback') &&
    tokenEvents.some((i) => isNonCodeGrant(ordered[i]!.ev.grantType)) &&
    tokenEvents.every((i) => ordered[i]!.ev.code === undefined && (ordered[i]!.ev.grantType === undefined || isNonCodeGrant(ordered[i]!.ev.grantType)));

  const entries: StageEntry[] = [];
  let failedAt = -1;
  for (const stage of STAGES) {
    const idx = byStage.get(stage) ?? [];
    const si = STAGE_INDEX[stage];
    let status: StageStatus;
    if (idx.length) {
      const outcome = stageOutcome(idx.map((i) => ordered[i]!), furthestSeen > si);
      status = outcome === 'failed' ? 'failed' : 'ok';
      if (status === 'failed' && failedAt < 0) failedAt = si;
    } else if (stage === 'discovery' || stage === 'registration' || (grantOnly && si <= STAGE_INDEX.callback)) {
      status = 'not_applicable';
    } else if (failedAt >= 0 && si > failedAt) {
      status = 'not_applicable';
    } else if (si < furthestSeen && impliedBy(stage, byStage, ordered)) {
      status = 'ok';
    } else {
      status = 'missing';
    }
    const time = idx.length ? ordered[idx[0]!]!.ev.time : undefined;
    entries.push(time !== undefined ? { stage, status, events: idx, time } : { stage, status, events: idx });
  }

  const failed = entries.some((e) => e.status === 'failed');
  const issued = entries.find((e) => e.stage === 'token_issued')?.status === 'ok';
  const apiOk = entries.find((e) => e.stage === 'api')?.status === 'ok';
  const flow: Flow = {
    id: state.id,
    events: ordered.map((te) => te.ev),
    stages: entries,
    status: failed ? 'failed' : issued || apiOk ? 'ok' : 'incomplete',
  };
  if (state.clientId) flow.clientId = state.clientId;
  const times = ordered.map((te) => te.ev.time).filter((t): t is number => t !== undefined);
  if (times.length) {
    flow.startTime = Math.min(...times);
    flow.endTime = Math.max(...times);
  }
  return flow;
}

/**
 * Whether a later stage proves an unlogged one happened: a code at the callback or a token
 * exchange means the user was sent to authorize and consented; a login or consent page means the
 * authorize request was accepted; tokens issued for a code mean the code reached the callback.
 */
function impliedBy(stage: string, byStage: Map<string, number[]>, ordered: TrackedEvent[]): boolean {
  const codeSeen = [...(byStage.get('callback') ?? []), ...(byStage.get('token') ?? [])].some((i) => {
    const ev = ordered[i]!.ev;
    return ev.code !== undefined || (ordered[i]!.stage === 'token' && !isNonCodeGrant(ev.grantType));
  });
  // Tokens issued for a code (Keycloak's CODE_TO_TOKEN): the code went through the callback.
  const issuedForCode = (byStage.get('token_issued') ?? []).some((i) => ordered[i]!.stage === 'token_issued' && (ordered[i]!.ev.code !== undefined || ordered[i]!.ev.grantType === 'authorization_code'));
  if (stage === 'authorize') return codeSeen || issuedForCode || byStage.has('consent');
  if (stage === 'consent') return codeSeen || issuedForCode;
  if (stage === 'callback') return issuedForCode || (byStage.get('token') ?? []).some((i) => ordered[i]!.ev.code !== undefined);
  if (stage === 'token' && (byStage.get('token_issued') ?? []).length) return true;
  if (stage === 'token' || stage === 'token_issued') return (byStage.get('api') ?? []).some((i) => isSuccess(ordered[i]!.ev));
  return false;
}
