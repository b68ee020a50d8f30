/**
 * Groups events into flows as they arrive (a file read once or a live tail alike). Keys, strongest
 * first: request id (the app log and the proxy log of one request), the code fingerprint, the
 * state, refresh / access token fingerprints, then the same request seen in another source
 * (method + path + time, never across different client ids, states or codes, and not between two
 * lines that both name nothing), then client id or IP within a time window, then plain adjacency.
 * A flow made only of such key-less lines is merged into the keyed flow of its request's other
 * log line when that line comes later (files are read one after another).
 * Memory is bounded by `maxEvents`: the least recently active flows are handed to `onDrop`.
 */
import type { OAuthEvent } from '../model';
import type { TrackedEvent } from './eventFacts';
import { STAGE_INDEX, isFailure, isNonCodeGrant, isSuccess, isTransientStatus, stripQuery } from './eventFacts';
import type { SmallSet } from './smallSet';
import { addToSmallSet, smallSetHas } from './smallSet';

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
  /** The sets below are created on first use (most flows hold one or two events): never empty once made. */
  states?: SmallSet;
  codes?: SmallSet;
  ips?: SmallSet;
  /**
   * Index entries that pointed at this flow when set (so a merge or drop visits only these):
   * `keys[i]` is an index and `keys[i + 1]` the value it held. An entry later taken by another
   * flow stays listed; users check that it still points here. One array of pairs, kept at its
   * exact size while small (see addKey): most flows hold two or three keys.
   */
  keys?: (KeyIndex | string)[];
  dropped: boolean;
  /** The authorize event with the highest seq (the last one in `events`), for `compatible`. */
  lastAuthorize?: TrackedEvent;
  /** Callback events in the flow, and how many of them failed. */
  callbacks: number;
  failedCallbacks: number;
  /** The grant type of the flow's first event, and whether a later event had another (undefined counts). */
  soleGrantType?: string;
  mixedGrantTypes: boolean;
  /**
   * The server refused one of the flow's code exchanges for good (not a 5xx/429 to retry): its
   * code is spent, so a later token request without a shared key belongs to another
   * authorization. `refusedExchangeAt` is the latest such refusal's time, when logged.
   */
  refusedExchange: boolean;
  refusedExchangeAt?: number;
  /** Neighbours in the correlator's least-recently-active list of live flows. */
  prevLive?: FlowState;
  nextLive?: FlowState;
}

const DEFAULT_WINDOW_MS = 10 * 60_000;
const ADJACENT_MS = 5_000;
const SAME_REQUEST_MS = 2_000;
const RECENT_REQUESTS = 512;
const PER_KEY_FLOWS = 6;
const KEYLESS_REQUESTS = 64;

export class FlowCorrelator {
  private readonly windowMs: number;
  private readonly maxEvents: number;
  private readonly onDrop?: (flow: FlowState) => void;
  /**
   * Live flows in least-recently-active order (a touched flow is moved to the end): a list linked
   * through the flows themselves, so moving, adding and dropping a flow hash nothing.
   */
  private head: FlowState | undefined;
  private tail: FlowState | undefined;
  /**
   * The hard keys, one index per kind, keyed by the raw value (no `kind:value` string to build,
   * flatten and hash per event): request id, code, state, refresh token, API bearer token.
   */
  private readonly byRequestId: KeyIndex = new Map();
  private readonly byCode: KeyIndex = new Map();
  private readonly byState: KeyIndex = new Map();
  private readonly byRefreshToken: KeyIndex = new Map();
  private readonly byBearer: KeyIndex = new Map();
  private readonly byClient = new Map<string, FlowState[]>();
  private readonly byIp = new Map<string, FlowState[]>();
  private readonly recent: TrackedEvent[] = [];
  /**
   * The one file every entry of `recent` comes from, or undefined when they come from several (or
   * none). findSameRequest only matches events of another file, so with a single-file `recent` it
   * can answer without walking up to 1 024 entries per event (measured: ~10 % of a scan's CPU).
   */
  private recentFile: string | undefined;
  /**
   * The latest requests that joined a flow naming no key or client (see isKeyless), for step 2 of
   * `add`: few in any log, so looking through them costs nothing when a flow was found by key.
   */
  private readonly keylessRequests: TrackedEvent[] = [];
  private readonly scratchMaps: KeyIndex[] = [];
  private readonly scratchValues: string[] = [];
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
  *liveFlows(): IterableIterator<FlowState> {
    for (let f = this.head; f; ) {
      const next = f.nextLive;
      yield f;
      f = next;
    }
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
    // One scratch list for every event: attach reads it and keeps none of it.
    const maps = this.scratchMaps;
    const values = this.scratchValues;
    const strong = this.keysOf(te, maps, values);
    for (let i = 0; i < maps.length; i++) {
      const f = maps[i]!.get(values[i]!);
      if (!f || f.dropped || !this.withinWindow(f, t)) continue;
      if (!flow) flow = f;
      else if (f !== flow && this.canMerge(flow, f)) flow = this.merge(flow, f);
    }
    if (flow && !compatible(flow, te, true)) flow = undefined;

    // 2. The same request logged by another source (app log + nginx).
    if (ev.method && ev.path && t !== undefined) {
      if (!flow) {
        // Two lines that name no flow (no key, no client) say nothing more than the heuristics
        // below, and in two nginx logs behind a load balancer they are two requests: each is
        // placed by its own file's neighbours instead.
        const same = this.findSameRequest(te, this.recent, true);
        if (same && (namesItsFlow(same.ev) || namesItsFlow(ev))) {
          te.sameRequestAs = same.seq;
          const f = same.flow;
          if (f && !f.dropped) flow = f;
        }
      } else if (this.keylessRequests.length) {
        // Found by a key, while the other source's line of the same request may sit in a flow of
        // its own that names no key or client – an nginx token request that came too long after
        // the login to be placed by time, read before the app log that names the code: one flow.
        const same = this.findSameRequest(te, this.keylessRequests, false);
        const f = same?.flow;
        if (same && f && f !== flow && !f.dropped && isKeyless(f) && this.canMerge(flow, f)) {
          te.sameRequestAs = same.seq;
          flow = this.merge(flow, f);
        }
      }
    }

    // 3. Client id within the window. For key-less lines (an error line, a proxy line without
    // parameters): the flow of the line just before when it is the same moment, then the IP,
    // then plain adjacency.
    if (!flow && ev.clientId) flow = this.pickRecent(this.byClient.get(ev.clientId.trim()), te);
    // A request id names one request, not a flow: it does not stop the heuristics below.
    const keyless = strong === 0 && !ev.clientId;
    if (!flow && keyless) flow = this.adjacent(te, SAME_REQUEST_MS);
    if (!flow && ev.ip && strong === 0) flow = this.pickRecent(this.byIp.get(ev.ip), te);
    if (!flow && keyless) flow = this.adjacent(te, ADJACENT_MS);
    // The first API call with a fresh token, right after a flow got that token.
    if (!flow && te.stage === 'api' && this.lastFlow?.tokenIssued && !this.lastFlow.apiToken) flow = this.adjacent(te, ADJACENT_MS);
    // A callback whose state matches no login: the browser's open login (same IP) it answers,
    // so the detectors can show the two states side by side (state_mismatch).
    if (!flow && te.stage === 'callback' && ev.state && ev.ip) {
      const waiting = (this.byIp.get(ev.ip) ?? []).filter((f) => !f.dropped && f.furthest < STAGE_INDEX.callback && f.states !== undefined && !smallSetHas(f.states, ev.state!) && this.withinWindow(f, t));
      if (waiting.length) flow = waiting[waiting.length - 1];
    }

    if (!flow) flow = this.create();
    this.attach(flow, te, maps, values);
    this.trim();
    return flow;
  }

  /** Forgets everything (used by reset). */
  clear(): void {
    this.head = undefined;
    for (const m of [this.byRequestId, this.byCode, this.byState, this.byRefreshToken, this.byBearer]) m.clear();
    this.byClient.clear();
    this.byIp.clear();
    this.recent.length = 0;
    this.recentFile = undefined;
    this.keylessRequests.length = 0;
    this.lastFlow = undefined;
    this.tail = undefined;
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
    if (a.states && b.states) for (const s of b.states) if (!smallSetHas(a.states, s)) return false;
    if (a.codes && b.codes) for (const c of b.codes) if (!smallSetHas(a.codes, c)) return false;
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
      const score = (ip && f.ips !== undefined && smallSetHas(f.ips, ip) ? 2 : 0) + (f.furthest < si ? 1 : 0);
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

  /** The newest request of `list` that is `te`'s request seen by another source (another file, within SAME_REQUEST_MS). */
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
    // Every field from the start: flows then share one shape and hold all fields in the object
    // itself (fields added later go to a separate, growing property array).
    const f: FlowState = {
      id: `flow-${this.nextId++}`,
      events: [],
      clientId: undefined,
      firstTime: undefined,
      lastTime: undefined,
      version: 0,
      furthest: -1,
      tokenIssued: false,
      apiToken: false,
      states: undefined,
      codes: undefined,
      ips: undefined,
      keys: undefined,
      dropped: false,
      lastAuthorize: undefined,
      callbacks: 0,
      failedCallbacks: 0,
      soleGrantType: undefined,
      mixedGrantTypes: false,
      refusedExchange: false,
      refusedExchangeAt: undefined,
      prevLive: undefined,
      nextLive: undefined,
    };
    this.link(f);
    return f;
  }

  private attach(flow: FlowState, te: TrackedEvent, maps: KeyIndex[], values: string[]): void {
    const ev = te.ev;
    // Exact-size copies while short (most flows end with two or three events; `push` would
    // reserve 17 slots in each of tens of thousands of live flows), in place once longer.
    if (flow.events.length < 8) flow.events = flow.events.concat(te);
    else flow.events.push(te);
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
    // Events arrive in seq order, so this one is the flow's newest.
    if (te.stage === 'authorize') flow.lastAuthorize = te;
    if (te.stage === 'callback') {
      flow.callbacks++;
      if (isFailure(ev)) flow.failedCallbacks++;
    }
    if (flow.events.length === 1) flow.soleGrantType = ev.grantType;
    else if (ev.grantType !== flow.soleGrantType) flow.mixedGrantTypes = true;
    if (refusedCodeExchange(te)) {
      flow.refusedExchange = true;
      if (t !== undefined && (flow.refusedExchangeAt === undefined || t > flow.refusedExchangeAt)) flow.refusedExchangeAt = t;
    }
    if (ev.state) flow.states = addToSmallSet(flow.states, ev.state);
    if (ev.code) flow.codes = addToSmallSet(flow.codes, ev.code.fingerprint);
    const client = ev.clientId?.trim();
    if (client && !flow.clientId) flow.clientId = client;
    for (let i = 0; i < maps.length; i++) {
      const map = maps[i]!;
      const value = values[i]!;
      if (map.get(value) === flow) continue;
      map.set(value, flow);
      addKey(flow, map, value);
    }
    if (client) pushRecent(this.byClient, client, flow);
    if (ev.ip) {
      flow.ips = addToSmallSet(flow.ips, ev.ip);
      pushRecent(this.byIp, ev.ip, flow);
    }
    te.flow = flow;
    if (ev.method && ev.path) {
      this.recent.push(te);
      if (this.recent.length > RECENT_REQUESTS * 2) this.recent.splice(0, this.recent.length - RECENT_REQUESTS);
      this.noteRecentFile(ev.ref.file);
      if (isKeyless(flow)) {
        this.keylessRequests.push(te);
        if (this.keylessRequests.length > KEYLESS_REQUESTS) this.keylessRequests.shift();
      }
    }
    // Move to the most-recently-active end (unless it is there already: most lines continue the
    // flow of the line before).
    if (flow !== this.tail) {
      this.unlink(flow);
      this.link(flow);
    }
    this.lastFlow = flow;
  }

  private merge(into: FlowState, from: FlowState): FlowState {
    // Keep the older id so flow ids stay stable for the UI.
    const [keep, gone] = idNumber(into.id) <= idNumber(from.id) ? [into, from] : [from, into];
    // Grant types first: `keep` may have no events yet.
    if (gone.events.length) {
      if (!keep.events.length) {
        keep.soleGrantType = gone.soleGrantType;
        keep.mixedGrantTypes = gone.mixedGrantTypes;
      } else if (gone.mixedGrantTypes || gone.soleGrantType !== keep.soleGrantType) {
        keep.mixedGrantTypes = true;
      }
    }
    for (const te of gone.events) {
      keep.events.push(te);
      te.flow = keep;
    }
    keep.events.sort((a, b) => a.seq - b.seq);
    keep.version += gone.version + 1;
    if (gone.firstTime !== undefined && (keep.firstTime === undefined || gone.firstTime < keep.firstTime)) keep.firstTime = gone.firstTime;
    if (gone.lastTime !== undefined && (keep.lastTime === undefined || gone.lastTime > keep.lastTime)) keep.lastTime = gone.lastTime;
    keep.furthest = Math.max(keep.furthest, gone.furthest);
    keep.tokenIssued ||= gone.tokenIssued;
    keep.apiToken ||= gone.apiToken;
    keep.clientId ??= gone.clientId;
    if (gone.lastAuthorize && (!keep.lastAuthorize || gone.lastAuthorize.seq > keep.lastAuthorize.seq)) keep.lastAuthorize = gone.lastAuthorize;
    keep.callbacks += gone.callbacks;
    keep.failedCallbacks += gone.failedCallbacks;
    keep.refusedExchange ||= gone.refusedExchange;
    if (gone.refusedExchangeAt !== undefined && (keep.refusedExchangeAt === undefined || gone.refusedExchangeAt > keep.refusedExchangeAt)) keep.refusedExchangeAt = gone.refusedExchangeAt;
    if (gone.states) for (const st of gone.states) keep.states = addToSmallSet(keep.states, st);
    if (gone.codes) for (const c of gone.codes) keep.codes = addToSmallSet(keep.codes, c);
    if (gone.ips) for (const ip of gone.ips) keep.ips = addToSmallSet(keep.ips, ip);
    if (gone.keys) {
      for (let i = 0; i < gone.keys.length; i += 2) {
        const map = gone.keys[i] as KeyIndex;
        const value = gone.keys[i + 1] as string;
        if (map.get(value) !== gone) continue;
        map.set(value, keep);
        addKey(keep, map, value);
      }
    }
    for (const map of [this.byClient, this.byIp]) {
      for (const list of map.values()) {
        for (let i = 0; i < list.length; i++) if (list[i] === gone) list[i] = keep;
      }
    }
    gone.dropped = true;
    gone.events = [];
    this.unlink(gone);
    if (this.lastFlow === gone) this.lastFlow = keep;
    return keep;
  }

  private trim(): void {
    if (this.eventCount <= this.maxEvents) return;
    const target = Math.floor(this.maxEvents * 0.9);
    for (let flow = this.head; flow; ) {
      if (this.eventCount <= target || flow === this.lastFlow) break;
      const next = flow.nextLive;
      this.drop(flow);
      flow = next;
    }
  }

  /**
   * Puts the hard correlation keys of an event into `maps`/`values` (cleared first), strongest
   * last as before: request id, code, state, refresh token, bearer token. Returns how many are
   * strong (all but the request id, which names one request, not a flow).
   */
  private keysOf(te: TrackedEvent, maps: KeyIndex[], values: string[]): number {
    maps.length = 0;
    values.length = 0;
    const ev = te.ev;
    if (ev.requestId) {
      maps.push(this.byRequestId);
      values.push(ev.requestId);
    }
    const weak = maps.length;
    if (ev.code) {
      maps.push(this.byCode);
      values.push(ev.code.fingerprint);
    }
    // A state is only a key when it looks random enough to name one login attempt.
    if (ev.state && ev.state.length >= 5) {
      maps.push(this.byState);
      values.push(ev.state);
    }
    if (ev.refreshToken) {
      maps.push(this.byRefreshToken);
      values.push(ev.refreshToken.fingerprint);
    }
    if (te.stage === 'api' && ev.tokens?.length) {
      maps.push(this.byBearer);
      values.push(ev.tokens[0]!.fingerprint);
    }
    return maps.length - weak;
  }

  /** Appends a flow at the most-recently-active end. */
  private link(f: FlowState): void {
    f.prevLive = this.tail;
    f.nextLive = undefined;
    if (this.tail) this.tail.nextLive = f;
    else this.head = f;
    this.tail = f;
  }

  private unlink(f: FlowState): void {
    const p = f.prevLive;
    const n = f.nextLive;
    if (p) p.nextLive = n;
    else if (this.head === f) this.head = n;
    if (n) n.prevLive = p;
    else if (this.tail === f) this.tail = p;
    f.prevLive = undefined;
    f.nextLive = undefined;
  }

  private drop(flow: FlowState): void {
    this.onDrop?.(flow);
    flow.dropped = true;
    this.unlink(flow);
    this.eventCount -= flow.events.length;
    if (flow.keys) {
      for (let i = 0; i < flow.keys.length; i += 2) {
        const map = flow.keys[i] as KeyIndex;
        const value = flow.keys[i + 1] as string;
        if (map.get(value) === flow) map.delete(value);
      }
    }
    flow.events = [];
    this.droppedFlows++;
    // Index entries pointing at dropped flows are skipped on lookup and overwritten later; prune
    // them now and then so the maps stay bounded too.
    if (this.droppedFlows % 256 === 0) this.prune();
  }

  private prune(): void {
    // The key indexes need no pruning: an entry points at a live flow only (merge re-points the
    // entries of the flow it ends, drop deletes the dropped flow's).
    for (const map of [this.byClient, this.byIp]) {
      for (const [k, list] of map) {
        // Most lists hold no dropped flow: leave them as they are (no copy).
        if (!list.some((f) => f.dropped)) continue;
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

/** A flow placed only by time, IP or adjacency: no hard key (code, state, request id, token) and no client id. */
function isKeyless(flow: FlowState): boolean {
  return flow.keys === undefined && flow.clientId === undefined;
}

function pushRecent(map: Map<string, FlowState[]>, key: string, flow: FlowState): void {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  // Already the newest (it holds each flow once): nothing would change.
  if (list[list.length - 1] === flow) return;
  const at = list.indexOf(flow);
  if (at >= 0) list.splice(at, 1);
  list.push(flow);
  if (list.length > PER_KEY_FLOWS) list.shift();
}

/** One kind of hard key: raw value → the flow it names. */
type KeyIndex = Map<string, FlowState>;

/**
 * Lists an index entry on its flow. While the list is short it is copied at its exact size
 * (`push` on a small array reserves 17 slots, and tens of thousands of flows are alive at once);
 * a flow that collects many keys (a request id per line) grows it in place.
 */
function addKey(flow: FlowState, map: KeyIndex, value: string): void {
  const keys = flow.keys;
  if (keys === undefined) flow.keys = [map, value];
  else if (keys.length < 16) flow.keys = keys.concat(map, value);
  else keys.push(map, value);
}

/** A token-endpoint line that refused an authorization-code exchange for good (not a 5xx/429 to retry). */
function refusedCodeExchange(te: TrackedEvent): boolean {
  if (te.stage !== 'token' && te.stage !== 'token_issued') return false;
  const ev = te.ev;
  if (!isFailure(ev) || isNonCodeGrant(ev.grantType)) return false;
  if (ev.error === 'server_error' || ev.error === 'temporarily_unavailable') return false;
  return !(ev.status !== undefined && (ev.status >= 500 || isTransientStatus(ev.status)));
}

/**
 * Whether an event can belong to an existing flow without contradicting it: a different state or
 * code means another login; a new authorize after the flow moved on means the user started over.
 */
function compatible(flow: FlowState, te: TrackedEvent, byKey: boolean, sameMoment = false): boolean {
  const ev = te.ev;
  if (ev.state && flow.states && !smallSetHas(flow.states, ev.state)) return false;
  if (ev.code && flow.codes && !smallSetHas(flow.codes, ev.code.fingerprint)) return false;
  if (sameMoment && te.stage !== 'authorize') return true;
  const client = ev.clientId?.trim();
  if (!byKey && client && flow.clientId && client !== flow.clientId) return false;
  const si = STAGE_INDEX[te.stage];
  if (te.stage === 'authorize' || te.stage === 'discovery' || te.stage === 'registration') {
    if (byKey) return true;
    if (flow.furthest > STAGE_INDEX.consent) return false;
    // Another authorize for the same client: a retry when the previous one failed transiently,
    // or a reload of the same page; otherwise a new attempt.
    const lastAuth = flow.lastAuthorize;
    if (lastAuth && te.stage === 'authorize') {
      const gap = ev.time !== undefined && lastAuth.ev.time !== undefined ? ev.time - lastAuth.ev.time : 0;
      if (isTransientStatus(lastAuth.ev.status) || (lastAuth.ev.status ?? 0) >= 500) return gap <= 5 * 60_000;
      return gap <= 60_000 && !ev.state;
    }
    return true;
  }
  if (te.stage === 'callback' && !byKey && flow.furthest >= STAGE_INDEX.callback) {
    // A second callback without a shared key is another login, unless the first one failed.
    if (flow.callbacks && !flow.failedCallbacks) return false;
  }
  if (!byKey && (te.stage === 'token' || te.stage === 'token_issued')) {
    // client_credentials / password grants are flows of their own; a refresh belongs to a flow
    // that got tokens; a second code exchange without a shared code is another login.
    if (ev.grantType === 'client_credentials' || ev.grantType === 'password') return flow.events.length === 0 || (!flow.mixedGrantTypes && flow.soleGrantType === ev.grantType);
    if (ev.grantType === 'refresh_token') return flow.tokenIssued;
    if (flow.tokenIssued) return false;
    // The flow's code exchange was already refused (invalid_grant, invalid_client, …): a later
    // token request (it carries a grant_type) needs a new code, i.e. a new authorization – it
    // starts another flow instead of piling every failed exchange of a client into one. Lines
    // logged at or before the refusal's moment still join (the same request seen twice).
    if (flow.refusedExchange && ev.grantType !== undefined && !(ev.time !== undefined && flow.refusedExchangeAt !== undefined && ev.time <= flow.refusedExchangeAt)) return false;
  }
  if (!byKey && si < STAGE_INDEX.token && flow.furthest >= STAGE_INDEX.token) return false;
  return true;
}

/** Whether a line carries something that names one flow: a client id, state, code, request id or token. */
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
