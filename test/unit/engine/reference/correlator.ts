/**
 * Groups events into flows as they arrive (a file read once or a live tail alike). Keys, strongest
 * first: request id (the app log and the proxy log of one request), the code fingerprint, the
 * state, refresh / access token fingerprints, then the same request seen in another source
 * (method + path + time), then client id or IP within a time window, then plain adjacency.
 * Memory is bounded by `maxEvents`: the least recently active flows are handed to `onDrop`.
 */
import type { OAuthEvent } from '../../../../src/core/model';
import type { TrackedEvent } from './eventFacts';
import { STAGE_INDEX, isFailure, isSuccess, isTransientStatus, stripQuery } from './eventFacts';

export interface CorrelatorOptions {
  /** How long a flow stays joinable by client id / IP / keys after its last event. Default 10 min. */
  windowMs?: number;
  /** Events kept across all live flows; older flows are dropped past this. Default 50 000. */
  maxEvents?: number;
  /** Called with each flow dropped for space, before it is forgotten. */
  onDrop?: (flow: FlowState) => void;
}

/** A flow while it is being built. */
export interface FlowState {
  id: string;
  events: TrackedEvent[];
  clientId?: string;
  firstTime?: number;
  lastTime?: number;
  /** Bumped on every change, so analyses can be cached per version. */
  version: number;
  /** Highest stage index seen. */
  furthest: number;
  tokenIssued: boolean;
  /** An API call with a bearer token has joined (later calls join by that token's fingerprint). */
  apiToken: boolean;
  states: Set<string>;
  codes: Set<string>;
  ips: Set<string>;
  /** Index keys pointing at this flow (so a merge re-points only these). */
  keys: Set<string>;
  dropped: boolean;
  /** Deliberate change after 522034e (same as src): a refused code exchange ends the flow for new token requests. */
  refusedExchange: boolean;
  refusedExchangeAt?: number;
}

const DEFAULT_WINDOW_MS = 10 * 60_000;
const ADJACENT_MS = 5_000;
const SAME_REQUEST_MS = 2_000;
const RECENT_REQUESTS = 512;
const PER_KEY_FLOWS = 6;

export class FlowCorrelator {
  private readonly windowMs: number;
  private readonly maxEvents: number;
  private readonly onDrop?: (flow: FlowState) => void;
  /** Live flows in least-recently-active order (a touched flow is moved to the end). */
  private readonly flows = new Map<string, FlowState>();
  private readonly keyIndex = new Map<string, FlowState>();
  private readonly byClient = new Map<string, FlowState[]>();
  private readonly byIp = new Map<string, FlowState[]>();
  private readonly recent: TrackedEvent[] = [];
  /** The latest 64 requests that joined a flow naming no key or client. */
  private readonly keylessRequests: TrackedEvent[] = [];
  /**
   * The one file every entry of `recent` comes from, or undefined when they come from several (or
   * none). findSameRequest only matches events of another file, so with a single-file `recent` it
   * can answer without walking up to 1 024 entries per event (measured: ~10 % of a scan's CPU).
   */
  private recentFile: string | undefined;
  private readonly flowOfSeq = new Map<number, FlowState>();
  private lastFlow: FlowState | undefined;
  private nextId = 1;
  private eventCount = 0;
  /** Flows dropped for space so far. */
  droppedFlows = 0;

  constructor(opts: CorrelatorOptions = {}) {
    this.windowMs = opts.windowMs ?? DEFAULT_WINDOW_MS;
    this.maxEvents = Math.max(10, opts.maxEvents ?? 50_000);
    this.onDrop = opts.onDrop;
  }

  /** The live flows, least recently active first. */
  liveFlows(): IterableIterator<FlowState> {
    return this.flows.values();
  }

  get liveEventCount(): number {
    return this.eventCount;
  }

  /** Adds one event and returns the flow it joined (possibly a new one). */
  add(te: TrackedEvent): FlowState {
    const ev = te.ev;
    const t = ev.time;
    let flow: FlowState | undefined;

    // 1. Hard keys. Several matching flows are one flow seen from different sides: merge them.
    const keys = keysOf(te);
    for (const key of keys) {
      const f = this.keyIndex.get(key);
      if (!f || f.dropped || !this.withinWindow(f, t)) continue;
      if (!flow) flow = f;
      else if (f !== flow && this.canMerge(flow, f)) flow = this.merge(flow, f);
    }
    if (flow && !compatible(flow, te, true)) flow = undefined;

    // 2. The same request logged by another source (app log + nginx); when the flow was found by
    // a key, the other source's line may sit in a flow naming no key or client: merge it.
    if (!flow && ev.method && ev.path && t !== undefined) {
      const same = this.findSameRequest(te, this.recent, true);
      if (same && (namesItsFlow(same.ev) || namesItsFlow(ev))) {
        te.sameRequestAs = same.seq;
        const f = this.flowOfSeq.get(same.seq);
        if (f && !f.dropped) flow = f;
      }
    } else if (flow && ev.method && ev.path && t !== undefined) {
      const same = this.findSameRequest(te, this.keylessRequests, false);
      const f = same ? this.flowOfSeq.get(same.seq) : undefined;
      if (same && f && f !== flow && !f.dropped && isKeyless(f) && this.canMerge(flow, f)) {
        te.sameRequestAs = same.seq;
        flow = this.merge(flow, f);
      }
    }

    // 3. Client id within the window. For key-less lines (an error line, a proxy line without
    // parameters): the flow of the line just before when it is the same moment, then the IP,
    // then plain adjacency.
    if (!flow && ev.clientId) flow = this.pickRecent(this.byClient.get(ev.clientId.trim()), te);
    // A request id names one request, not a flow: it does not stop the heuristics below.
    const strong = keys.filter((k) => !k.startsWith('r:')).length;
    const keyless = strong === 0 && !ev.clientId;
    if (!flow && keyless) flow = this.adjacent(te, SAME_REQUEST_MS);
    if (!flow && ev.ip && strong === 0) flow = this.pickRecent(this.byIp.get(ev.ip), te);
    if (!flow && keyless) flow = this.adjacent(te, ADJACENT_MS);
    // The first API call with a fresh token, right after a flow got that token.
    if (!flow && te.stage === 'api' && this.lastFlow?.tokenIssued && !this.lastFlow.apiToken) flow = this.adjacent(te, ADJACENT_MS);
    // A callback whose state matches no login: the browser's open login (same IP) it answers,
    // so the detectors can show the two states side by side (state_mismatch).
    if (!flow && te.stage === 'callback' && ev.state && ev.ip) {
      const waiting = (this.byIp.get(ev.ip) ?? []).filter((f) => !f.dropped && f.furthest < STAGE_INDEX.callback && f.states.size > 0 && !f.states.has(ev.state!) && this.withinWindow(f, t));
      if (waiting.length) flow = waiting[waiting.length - 1];
    }

    if (!flow) flow = this.create();
    this.attach(flow, te, keys);
    this.trim();
    return flow;
  }

  /** Forgets everything (used by reset). */
  clear(): void {
    this.flows.clear();
    this.keyIndex.clear();
    this.byClient.clear();
    this.byIp.clear();
    this.recent.length = 0;
    this.recentFile = undefined;
    this.keylessRequests.length = 0;
    this.flowOfSeq.clear();
    this.lastFlow = undefined;
    this.eventCount = 0;
  }

  private adjacent(te: TrackedEvent, ms: number): FlowState | undefined {
    const lf = this.lastFlow;
    if (!lf || lf.dropped) return undefined;
    const t = te.ev.time;
    const near = t === undefined || lf.lastTime === undefined || Math.abs(t - lf.lastTime) <= ms;
    // Lines of the same moment (a request line and the error logged for it) need no stage logic.
    return near && compatible(lf, te, false, ms <= SAME_REQUEST_MS) ? lf : undefined;
  }

  private withinWindow(f: FlowState, t: number | undefined): boolean {
    if (t === undefined || f.lastTime === undefined) return true;
    return t - f.lastTime <= this.windowMs && f.firstTime !== undefined && f.firstTime - t <= this.windowMs;
  }

  private canMerge(a: FlowState, b: FlowState): boolean {
    for (const s of b.states) if (a.states.size && !a.states.has(s)) return false;
    for (const c of b.codes) if (a.codes.size && !a.codes.has(c)) return false;
    return true;
  }

  /**
   * The best open flow from a client's (or IP's) recent flows: one from the same IP that has not
   * reached this stage yet beats one that has, and recency breaks ties. Interleaved users of one
   * client are told apart this way when their lines carry no state or code.
   */
  private pickRecent(list: FlowState[] | undefined, te: TrackedEvent): FlowState | undefined {
    if (!list) return undefined;
    const ip = te.ev.ip;
    const si = STAGE_INDEX[te.stage];
    let best: FlowState | undefined;
    let bestScore = -1;
    for (let i = list.length - 1; i >= 0; i--) {
      const f = list[i]!;
      if (f.dropped || !this.withinWindow(f, te.ev.time)) continue;
      if (!compatible(f, te, false)) continue;
      const score = (ip && f.ips.has(ip) ? 2 : 0) + (f.furthest < si ? 1 : 0);
      if (score > bestScore) {
        best = f;
        bestScore = score;
      }
    }
    return best;
  }

  /** Keeps `recentFile` right after `file` was pushed to `recent` (and `recent` perhaps cut). */
  private noteRecentFile(file: string): void {
    if (this.recent.length === 1) this.recentFile = file;
    else if (this.recentFile !== undefined && this.recentFile !== file) this.recentFile = undefined;
    else if (this.recentFile === undefined && this.recent.length === RECENT_REQUESTS) {
      // Just cut: the entries from another file may all be gone now.
      const first = this.recent[0]!.ev.ref.file;
      this.recentFile = this.recent.every((r) => r.ev.ref.file === first) ? first : undefined;
    }
  }

  private findSameRequest(te: TrackedEvent, list: TrackedEvent[], isRecent: boolean): TrackedEvent | undefined {
    const ev = te.ev;
    if (ev.time === undefined || (isRecent && this.recentFile !== undefined && this.recentFile === ev.ref.file)) return undefined;
    const key = requestKey(te);
    for (let i = list.length - 1; i >= 0; i--) {
      const other = list[i]!;
      const o = other.ev;
      if (o.ref.file === ev.ref.file || o.time === undefined || ev.time === undefined) continue;
      if (Math.abs(o.time - ev.time) > SAME_REQUEST_MS) continue;
      if (requestKey(other) !== key) continue;
      if (o.status !== undefined && ev.status !== undefined && o.status !== ev.status) continue;
      if (namesOtherRequest(o, ev)) continue;
      return other;
    }
    return undefined;
  }

  private create(): FlowState {
    const f: FlowState = {
      id: `flow-${this.nextId++}`,
      events: [],
      version: 0,
      furthest: -1,
      tokenIssued: false,
      apiToken: false,
      states: new Set(),
      codes: new Set(),
      ips: new Set(),
      keys: new Set(),
      dropped: false,
      refusedExchange: false,
    };
    this.flows.set(f.id, f);
    return f;
  }

  private attach(flow: FlowState, te: TrackedEvent, keys: string[]): void {
    const ev = te.ev;
    flow.events.push(te);
    flow.version++;
    this.eventCount++;
    const t = ev.time;
    if (t !== undefined) {
      if (flow.firstTime === undefined || t < flow.firstTime) flow.firstTime = t;
      if (flow.lastTime === undefined || t > flow.lastTime) flow.lastTime = t;
    }
    const si = STAGE_INDEX[te.stage];
    if (si > flow.furthest) flow.furthest = si;
    if ((te.stage === 'token' || te.stage === 'token_issued') && isSuccess(ev)) flow.tokenIssued = true;
    if (te.stage === 'api' && ev.tokens?.length) flow.apiToken = true;
    if (refusedCodeExchange(te)) {
      flow.refusedExchange = true;
      if (t !== undefined && (flow.refusedExchangeAt === undefined || t > flow.refusedExchangeAt)) flow.refusedExchangeAt = t;
    }
    if (ev.state) flow.states.add(ev.state);
    if (ev.code) flow.codes.add(ev.code.fingerprint);
    const client = ev.clientId?.trim();
    if (client && !flow.clientId) flow.clientId = client;
    for (const key of keys) {
      const prev = this.keyIndex.get(key);
      if (prev && prev !== flow) prev.keys.delete(key);
      this.keyIndex.set(key, flow);
      flow.keys.add(key);
    }
    if (client) pushRecent(this.byClient, client, flow);
    if (ev.ip && !flow.ips.has(ev.ip)) {
      flow.ips.add(ev.ip);
      pushRecent(this.byIp, ev.ip, flow);
    } else if (ev.ip) {
      pushRecent(this.byIp, ev.ip, flow);
    }
    this.flowOfSeq.set(te.seq, flow);
    if (ev.method && ev.path) {
      this.recent.push(te);
      if (this.recent.length > RECENT_REQUESTS * 2) this.recent.splice(0, this.recent.length - RECENT_REQUESTS);
      this.noteRecentFile(ev.ref.file);
      if (isKeyless(flow)) {
        this.keylessRequests.push(te);
        if (this.keylessRequests.length > 64) this.keylessRequests.shift();
      }
    }
    // Move to the most-recently-active end.
    this.flows.delete(flow.id);
    this.flows.set(flow.id, flow);
    this.lastFlow = flow;
  }

  private merge(into: FlowState, from: FlowState): FlowState {
    // Keep the older id so flow ids stay stable for the UI.
    const [keep, gone] = idNumber(into.id) <= idNumber(from.id) ? [into, from] : [from, into];
    for (const te of gone.events) {
      keep.events.push(te);
      this.flowOfSeq.set(te.seq, keep);
    }
    keep.events.sort((a, b) => a.seq - b.seq);
    keep.version += gone.version + 1;
    if (gone.firstTime !== undefined && (keep.firstTime === undefined || gone.firstTime < keep.firstTime)) keep.firstTime = gone.firstTime;
    if (gone.lastTime !== undefined && (keep.lastTime === undefined || gone.lastTime > keep.lastTime)) keep.lastTime = gone.lastTime;
    keep.furthest = Math.max(keep.furthest, gone.furthest);
    keep.tokenIssued ||= gone.tokenIssued;
    keep.apiToken ||= gone.apiToken;
    keep.clientId ??= gone.clientId;
    keep.refusedExchange ||= gone.refusedExchange;
    if (gone.refusedExchangeAt !== undefined && (keep.refusedExchangeAt === undefined || gone.refusedExchangeAt > keep.refusedExchangeAt)) keep.refusedExchangeAt = gone.refusedExchangeAt;
    for (const s of gone.states) keep.states.add(s);
    for (const c of gone.codes) keep.codes.add(c);
    for (const ip of gone.ips) keep.ips.add(ip);
    for (const k of gone.keys) {
      if (this.keyIndex.get(k) === gone) this.keyIndex.set(k, keep);
      keep.keys.add(k);
    }
    for (const map of [this.byClient, this.byIp]) {
      for (const list of map.values()) {
        for (let i = 0; i < list.length; i++) if (list[i] === gone) list[i] = keep;
      }
    }
    gone.dropped = true;
    gone.events = [];
    this.flows.delete(gone.id);
    if (this.lastFlow === gone) this.lastFlow = keep;
    return keep;
  }

  private trim(): void {
    if (this.eventCount <= this.maxEvents) return;
    const target = Math.floor(this.maxEvents * 0.9);
    for (const flow of this.flows.values()) {
      if (this.eventCount <= target || flow === this.lastFlow) break;
      this.drop(flow);
    }
  }

  private drop(flow: FlowState): void {
    this.onDrop?.(flow);
    flow.dropped = true;
    this.flows.delete(flow.id);
    this.eventCount -= flow.events.length;
    for (const te of flow.events) this.flowOfSeq.delete(te.seq);
    for (const k of flow.keys) if (this.keyIndex.get(k) === flow) this.keyIndex.delete(k);
    flow.events = [];
    this.droppedFlows++;
    // Index entries pointing at dropped flows are skipped on lookup and overwritten later; prune
    // them now and then so the maps stay bounded too.
    if (this.droppedFlows % 256 === 0) this.prune();
  }

  private prune(): void {
    for (const [k, f] of this.keyIndex) if (f.dropped) this.keyIndex.delete(k);
    for (const map of [this.byClient, this.byIp]) {
      for (const [k, list] of map) {
        const alive = list.filter((f) => !f.dropped);
        if (alive.length) map.set(k, alive);
        else map.delete(k);
      }
    }
  }
}

/** `METHOD /path` without the query, computed once per event. */
function requestKey(te: TrackedEvent): string {
  te.requestKey ??= `${(te.ev.method ?? '').toUpperCase()} ${stripQuery(te.ev.path ?? '')}`;
  return te.requestKey;
}

function idNumber(id: string): number {
  return Number(id.slice(5));
}

function pushRecent(map: Map<string, FlowState[]>, key: string, flow: FlowState): void {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  const at = list.indexOf(flow);
  if (at >= 0) list.splice(at, 1);
  list.push(flow);
  if (list.length > PER_KEY_FLOWS) list.shift();
}

/** The hard correlation keys of an event. */
function keysOf(te: TrackedEvent): string[] {
  const ev = te.ev;
  const keys: string[] = [];
  if (ev.requestId) keys.push(`r:${ev.requestId}`);
  if (ev.code) keys.push(`c:${ev.code.fingerprint}`);
  // A state is only a key when it looks random enough to name one login attempt.
  if (ev.state && ev.state.length >= 5) keys.push(`s:${ev.state}`);
  if (ev.refreshToken) keys.push(`rt:${ev.refreshToken.fingerprint}`);
  if (te.stage === 'api' && ev.tokens?.length) keys.push(`t:${ev.tokens[0]!.fingerprint}`);
  return keys;
}

const NON_CODE_GRANTS = new Set(['refresh_token', 'client_credentials', 'password', 'urn:ietf:params:oauth:grant-type:device_code', 'urn:ietf:params:oauth:grant-type:token-exchange']);

function refusedCodeExchange(te: TrackedEvent): boolean {
  if (te.stage !== 'token' && te.stage !== 'token_issued') return false;
  const ev = te.ev;
  if (!isFailure(ev) || NON_CODE_GRANTS.has(ev.grantType ?? '')) return false;
  if (ev.error === 'server_error' || ev.error === 'temporarily_unavailable') return false;
  return !(ev.status !== undefined && (ev.status >= 500 || isTransientStatus(ev.status)));
}

/**
 * Whether an event can belong to an existing flow without contradicting it: a different state or
 * code means another login; a new authorize after the flow moved on means the user started over.
 */
function compatible(flow: FlowState, te: TrackedEvent, byKey: boolean, sameMoment = false): boolean {
  const ev = te.ev;
  if (ev.state && flow.states.size && !flow.states.has(ev.state)) return false;
  if (ev.code && flow.codes.size && !flow.codes.has(ev.code.fingerprint)) return false;
  if (sameMoment && te.stage !== 'authorize') return true;
  const client = ev.clientId?.trim();
  if (!byKey && client && flow.clientId && client !== flow.clientId) return false;
  const si = STAGE_INDEX[te.stage];
  if (te.stage === 'authorize' || te.stage === 'discovery' || te.stage === 'registration') {
    if (byKey) return true;
    if (flow.furthest > STAGE_INDEX.consent) return false;
    // Another authorize for the same client: a retry when the previous one failed transiently,
    // or a reload of the same page; otherwise a new attempt.
    const lastAuth = [...flow.events].reverse().find((e) => e.stage === 'authorize');
    if (lastAuth && te.stage === 'authorize') {
      const gap = ev.time !== undefined && lastAuth.ev.time !== undefined ? ev.time - lastAuth.ev.time : 0;
      if (isTransientStatus(lastAuth.ev.status) || (lastAuth.ev.status ?? 0) >= 500) return gap <= 5 * 60_000;
      return gap <= 60_000 && !ev.state;
    }
    return true;
  }
  if (te.stage === 'callback' && !byKey && flow.furthest >= STAGE_INDEX.callback) {
    // A second callback without a shared key is another login, unless the first one failed.
    const cb = flow.events.filter((e) => e.stage === 'callback');
    if (cb.length && !cb.some((e) => isFailure(e.ev))) return false;
  }
  if (!byKey && (te.stage === 'token' || te.stage === 'token_issued')) {
    // client_credentials / password grants are flows of their own; a refresh belongs to a flow
    // that got tokens; a second code exchange without a shared code is another login.
    if (ev.grantType === 'client_credentials' || ev.grantType === 'password') return flow.events.every((e) => e.ev.grantType === ev.grantType);
    if (ev.grantType === 'refresh_token') return flow.tokenIssued;
    if (flow.tokenIssued) return false;
    if (flow.refusedExchange && ev.grantType !== undefined && !(ev.time !== undefined && flow.refusedExchangeAt !== undefined && ev.time <= flow.refusedExchangeAt)) return false;
  }
  if (!byKey && si < STAGE_INDEX.token && flow.furthest >= STAGE_INDEX.token) return false;
  return true;
}

/** A flow placed only by time, IP or adjacency: no index key and no client id. */
function isKeyless(flow: FlowState): boolean {
  return flow.keys.size === 0 && flow.clientId === undefined;
}

function namesItsFlow(ev: OAuthEvent): boolean {
  return ev.clientId !== undefined || ev.state !== undefined || ev.code !== undefined || ev.requestId !== undefined || ev.refreshToken !== undefined || (ev.tokens !== undefined && ev.tokens.length > 0);
}

/**
 * One request logged twice carries one client id, state and code: two lines that name different
 * ones are two requests (concurrent logins of two users), however close in time.
 */
function namesOtherRequest(a: OAuthEvent, b: OAuthEvent): boolean {
  if (a.clientId !== undefined && b.clientId !== undefined && a.clientId.trim() !== b.clientId.trim()) return true;
  if (a.state !== undefined && b.state !== undefined && a.state !== b.state) return true;
  return a.code !== undefined && b.code !== undefined && a.code.fingerprint !== b.code.fingerprint;
}
