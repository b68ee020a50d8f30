/**
 * The event half of the engine: events in (from log parsers, or built by hand in tests and
 * probes), flows and findings out. Incremental: each flow's timeline and findings are cached per
 * flow version, so a snapshot after a burst only re-analyses the flows the burst touched (plus
 * flows that just went idle and can now be called abandoned).
 */
import type { Finding, Flow, OAuthEvent } from '../model';
import type { FlowState } from '../flows/correlator';
import { FlowCorrelator } from '../flows/correlator';
import type { TrackedEvent } from '../flows/eventFacts';
import { isNoisePath, resolveStage } from '../flows/eventFacts';
import { buildFlow, orderedEvents } from '../flows/timeline';
import { detectFlowFindings } from '../findings/flowDetectors';
import { eventFacts } from '../findings/tokenFacts';

export interface FlowAnalysisOptions {
  codeTtlSeconds?: number;
  maxEvents?: number;
  /** Idle time after which a flow is judged as finished (abandoned, never exchanged). Default 10 min. */
  idleMs?: number;
  now?: () => number;
}

interface Cached {
  version: number;
  closed: boolean;
  flow: Flow;
  findings: Finding[];
}

const MAX_RETIRED_FINDINGS = 10_000;
const MAX_STORED_MESSAGE = 400;

export class FlowAnalysis {
  private readonly correlator: FlowCorrelator;
  private readonly cache = new Map<string, Cached>();
  private readonly retired: Finding[] = [];
  private readonly codeTtlSeconds: number;
  private readonly idleMs: number;
  private readonly now?: () => number;
  private seq = 0;
  private logClock = Number.NEGATIVE_INFINITY;
  private ended = false;
  private retiredDropped = 0;
  /** Events accepted into flows. */
  events = 0;

  constructor(opts: FlowAnalysisOptions = {}) {
    this.codeTtlSeconds = opts.codeTtlSeconds ?? 60;
    this.idleMs = opts.idleMs ?? 10 * 60_000;
    this.now = opts.now;
    this.correlator = new FlowCorrelator({
      windowMs: Math.max(this.idleMs, this.codeTtlSeconds * 1000 * 2),
      maxEvents: opts.maxEvents,
      onDrop: (f) => this.retire(f),
    });
  }

  /**
   * Adds one event. Events that are not part of any OAuth flow (favicon, health probes, static
   * assets, lines without a stage) are ignored; returns whether it was kept.
   */
  add(ev: OAuthEvent): boolean {
    if (isNoisePath(ev.path) && !ev.clientId && !ev.code && !ev.state && !ev.grantType && !ev.reason) return false;
    const stage = resolveStage(ev);
    if (!stage) return false;
    if (ev.message.length > MAX_STORED_MESSAGE) ev.message = ev.message.slice(0, MAX_STORED_MESSAGE - 1) + '…';
    if (ev.time !== undefined && ev.time > this.logClock) this.logClock = ev.time;
    // Every field up front: one shape for all, fields in-object (see FlowCorrelator.create).
    const te: TrackedEvent = { ev, facts: eventFacts(ev), seq: this.seq++, stage, sameRequestAs: undefined, requestKey: undefined, flow: undefined };
    this.correlator.add(te);
    this.events++;
    return true;
  }

  /** Marks every source finished: pending flows are judged now. */
  end(): void {
    this.ended = true;
  }

  /** Whether every source has finished (a new line from a source reopens judgement). */
  setEnded(ended: boolean): void {
    this.ended = ended;
  }

  /** The clock idle flows are judged by: the newest log timestamp, or the given clock if later. */
  clock(): number {
    const c = Math.max(this.logClock, this.now?.() ?? Number.NEGATIVE_INFINITY);
    return Number.isFinite(c) ? c : 0;
  }

  /** Flows dropped to stay within maxEvents. */
  get droppedFlows(): number {
    return this.correlator.droppedFlows;
  }

  get droppedFindings(): number {
    return this.retiredDropped;
  }

  /** The current flows and findings (cached per flow; cheap when little changed). */
  snapshot(): { flows: Flow[]; findings: Finding[] } {
    const flows: Flow[] = [];
    const findings: Finding[] = [...this.retired];
    const live = new Set<string>();
    for (const state of this.correlator.liveFlows()) {
      const a = this.analyse(state);
      live.add(state.id);
      flows.push(a.flow);
      findings.push(...a.findings);
    }
    for (const id of this.cache.keys()) if (!live.has(id)) this.cache.delete(id);
    flows.sort((a, b) => (a.startTime ?? 0) - (b.startTime ?? 0) || idNum(a.id) - idNum(b.id));
    findings.sort(compareFindings);
    return { flows, findings };
  }

  private isClosed(state: FlowState): boolean {
    if (this.ended) return true;
    if (state.lastTime === undefined) return false;
    return this.clock() - state.lastTime > this.idleMs;
  }

  private analyse(state: FlowState, forceClosed = false): Cached {
    const closed = forceClosed || this.isClosed(state);
    const hit = this.cache.get(state.id);
    if (hit && hit.version === state.version && hit.closed === closed) return hit;
    const ordered = orderedEvents(state);
    const flow = buildFlow(state, ordered);
    const findings = detectFlowFindings(state.id, ordered, { codeTtlSeconds: this.codeTtlSeconds, closed });
    const entry: Cached = { version: state.version, closed, flow, findings };
    this.cache.set(state.id, entry);
    return entry;
  }

  /** A flow dropped for space: judge it as finished and keep its findings (bounded). */
  private retire(state: FlowState): void {
    // Only the findings outlive a dropped flow, so its timeline is not built (unless cached).
    const hit = this.cache.get(state.id);
    const findings = hit && hit.version === state.version && hit.closed
      ? hit.findings
      : detectFlowFindings(state.id, orderedEvents(state), { codeTtlSeconds: this.codeTtlSeconds, closed: true });
    this.cache.delete(state.id);
    for (const f of findings) {
      if (this.retired.length < MAX_RETIRED_FINDINGS) this.retired.push(f);
      else this.retiredDropped++;
    }
  }
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

function compareFindings(a: Finding, b: Finding): number {
  const s = SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity];
  if (s) return s;
  const ea = a.evidence[0];
  const eb = b.evidence[0];
  if (ea && eb) {
    if (ea.file !== eb.file) return ea.file < eb.file ? -1 : 1;
    if (ea.line !== eb.line) return ea.line - eb.line;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function idNum(id: string): number {
  return Number(id.replace(/^\D+/, '')) || 0;
}
