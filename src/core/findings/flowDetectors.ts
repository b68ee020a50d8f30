/**
 * The detectors: from one correlated flow (events in time order) to its findings, one per root
 * cause. Two kinds of evidence meet here: what the server wrote (error words, statuses) and what
 * the flow shows (authorize vs token parameters, the time a code waited, a code presented twice).
 * A generic `invalid_grant` is explained by the flow's evidence when it can be.
 */
import type { FindingId } from '../catalog/findingIds';
import type { Finding, OAuthEvent, Stage } from '../model';
import type { TrackedEvent } from '../flows/eventFacts';
import { STAGE_INDEX, isFailure, isNonCodeGrant, isSuccess, isTransientStatus, stripQuery } from '../flows/eventFacts';
import { compareRedirectUris } from '../checks/redirectUri';
import { redactMemo as redact } from '../redact/redactMemo';
import { FindingCollector } from './findingCollector';
import type { TextCause } from './errorText';
import { failureText, isLeagueGeneric, offendingScopes, specificGrantCause, textCause } from './errorText';
import { spelledOut } from '../report/shownValue';

export interface DetectOptions {
  /** Assumed authorization code lifetime. */
  codeTtlSeconds: number;
  /** True when no more events are expected for this flow (source ended, or idle past the window). */
  closed: boolean;
}

const COMMON_LONG_TTL_SEC = 600;

const GRANT_CAUSES = new Set<FindingId>(['redirect_uri_mismatch', 'client_id_mismatch', 'pkce_mismatch', 'pkce_verifier_invalid', 'code_reused', 'code_expired', 'refresh_token_invalid', 'refresh_token_reused']);

/** Facts about the flow every detector needs, computed once. */
interface FlowView {
  ordered: TrackedEvent[];
  authorize: TrackedEvent[];
  callbacks: TrackedEvent[];
  tokens: TrackedEvent[];
  codeTokens: TrackedEvent[];
  api: TrackedEvent[];
  opts: DetectOptions;
  /** sameExchange results per token event, and the index that finds their candidates (built on first use). */
  exchanges?: Map<TrackedEvent, TrackedEvent[]>;
  tokenIndex?: TokenIndex;
  /** The first code exchange that logged a redirect_uri (null: none did), looked up once. */
  firstTokenRedirectUri?: string | null;
  /** Whether any authorize event has a challenge (else pickBefore need not scan them per exchange). */
  anyChallenge?: boolean;
  /** pickBefore lookups over view.authorize, per field (built on first use). */
  beforeIndex?: Map<string, BeforeIndex>;
  /** codeIssue lookups over view.ordered (built on first use). */
  issueIndex?: IssueIndex;
}

/** Positions in view.ordered that codeIssue looks for, so it does not scan the flow per exchange. */
interface IssueIndex {
  position: Map<TrackedEvent, number>;
  /** First position of a timed, non-token event carrying a code: any code, and per fingerprint. */
  firstWithCode: number;
  firstWithCodeByFp: Map<string, number>;
  /** Positions (ascending) of timed, not-failed callback/consent events. */
  callbacks: number[];
}

/**
 * Answers pickBefore over view.authorize in O(log n): the newest (highest index) event with a
 * value among those with a lower seq, or with a time at or before the exchange's.
 */
interface BeforeIndex {
  /** Events with a value, by seq; prefix maximum of their index in view.authorize. */
  bySeq: { key: number; best: number }[];
  /** Events with a value and a time, by time; prefix maximum of their index. */
  byTime: { key: number; best: number }[];
  minSeq: number;
  minTime: number | undefined;
}

/**
 * Lookups over the flow's token events so sameExchange does not scan them all for every event
 * (quadratic in a flow with thousands of exchanges): by time (sorted), by requestId, and by the
 * cross-source merge links. Candidates are then judged by the same predicate as before.
 */
interface TokenIndex {
  byTime: TrackedEvent[];
  byRequestId: Map<string, TrackedEvent[]>;
  bySeq: Map<number, TrackedEvent>;
  bySameRequestAs: Map<number, TrackedEvent[]>;
}

/** All findings of one flow. */
export function detectFlowFindings(flowId: string, ordered: TrackedEvent[], opts: DetectOptions): Finding[] {
  const c = new FindingCollector(flowId);
  const view: FlowView = { ordered, authorize: [], callbacks: [], tokens: [], codeTokens: [], api: [], opts };
  for (const te of ordered) {
    const stage = te.stage;
    if (stage === 'authorize') view.authorize.push(te);
    else if (stage === 'callback') view.callbacks.push(te);
    else if (stage === 'api') view.api.push(te);
    else if (stage === 'token' || stage === 'token_issued') {
      // A proxy logs the token response as `token_issued` (200) – it is still the token request.
      view.tokens.push(te);
      if (!isNonCodeGrant(te.ev.grantType)) view.codeTokens.push(te);
    }
  }

  ordered.forEach((te, i) => {
    if (te.sameRequestAs !== undefined && !isFailure(te.ev)) return;
    if (isFailure(te.ev)) {
      if (healed(view, te, i)) return;
      eventFailure(c, view, te);
    }
    tokenUse(c, te);
  });
  clientIdChecks(c, view);
  codeReuse(c, view);
  parameterDiffs(c, view);
  pkceShape(c, view);
  stateCheck(c, view);
  scopeGrant(c, view);
  if (opts.closed) incomplete(c, view);
  return c.list();
}

/** A 5xx/429 followed by a success at the same stage (or the flow moving on) was retried fine. */
function healed(view: FlowView, te: TrackedEvent, i: number): boolean {
  const ev = te.ev;
  const transient = ev.status !== undefined && (ev.status >= 500 || isTransientStatus(ev.status)) && (!ev.error || ev.error === 'temporarily_unavailable' || ev.error === 'server_error');
  if (!transient) return false;
  for (let j = i + 1; j < view.ordered.length; j++) {
    const o = view.ordered[j]!;
    if (o.stage === te.stage && isSuccess(o.ev)) return true;
    if (o.stage !== te.stage && isSuccess(o.ev) && STAGE_INDEX[o.stage] > STAGE_INDEX[te.stage]) return true;
  }
  return false;
}

function eventFailure(c: FindingCollector, view: FlowView, te: TrackedEvent): void {
  const ev = te.ev;
  const status = ev.status;
  const stage = te.stage;
  const err = (ev.error ?? '').toLowerCase();
  const where = describe(ev);

  if (status === 498) return void c.add('client_key_invalid', 'error', stage, [te], `The provider rejected the client key header (HTTP 498) ${where}.`);
  if (status === 499) return void c.add('client_key_missing', 'error', stage, [te], `The provider says the client key header is missing (HTTP 499) ${where}.`);

  if ((status !== undefined && status >= 500) || err === 'server_error' || err === 'temporarily_unavailable') {
    if (stage === 'callback') {
      c.add('callback_server_error', 'error', 'callback', [te], `The client's callback failed with HTTP ${status ?? 500} while handling the code ${where}.`, { status });
    } else {
      c.add('server_error', 'error', stage, [te], `The server failed (${status !== undefined ? `HTTP ${status}` : err}) at the ${stage} step ${where} and no retry succeeded.`, { status, error: err || undefined });
    }
    return;
  }

  // The parser's reason is trusted, except when it was read off League's catch-all sentence,
  // which names every cause at once (its hint, when logged, is read by specificGrantCause).
  if (stage === 'registration' && (status === undefined || status >= 400)) {
    c.add('registration_failed', 'error', 'registration', [te], `Dynamic client registration was rejected ${where}${serverSaid(ev)}.`, { error: err || undefined });
    return;
  }
  if (ev.reason && !(err === 'invalid_grant' && isLeagueGeneric(ev))) {
    if (GRANT_CAUSES.has(ev.reason)) explainGrant(c, view, te, ev.reason, true);
    else addCause(c, te, { id: ev.reason });
    return;
  }
  if (err === 'invalid_grant' || (stage === 'token' && status === 400 && !err)) {
    grantFailure(c, view, te, err === 'invalid_grant');
    return;
  }

  const cause = textCause(ev) ?? (err ? undefined : statusCause(te));
  if (cause) {
    addCause(c, te, cause);
    return;
  }
  if (stage === 'token' && status === 401) {
    c.add('invalid_client', 'error', 'token', [te], `The token endpoint refused the client's authentication (HTTP 401) ${where}.`);
    return;
  }
  if (stage === 'api' && (status === 401 || status === 403 || err === 'invalid_token')) apiRejection(c, te);
}

/** Causes that follow from an HTTP status alone. */
function statusCause(te: TrackedEvent): TextCause | undefined {
  const s = te.ev.status;
  if (s === 404 && te.stage !== 'api' && te.stage !== 'callback') return { id: 'endpoint_not_found' };
  if (te.stage === 'registration' && s !== undefined && s >= 400 && s < 500) return { id: 'registration_failed' };
  if (te.stage === 'api' && s === 403 && /scope/.test(failureText(te.ev))) return { id: 'insufficient_scope', data: { scopes: offendingScopes(te.ev) } };
  return undefined;
}

function addCause(c: FindingCollector, te: TrackedEvent, cause: TextCause): void {
  const ev = te.ev;
  const where = describe(ev);
  const said = serverSaid(ev);
  const id = cause.id;
  const stage = stageFor(id, te.stage);
  switch (id) {
    case 'scope_not_allowed': {
      const scopes = (cause.data?.scopes as string[] | undefined) ?? offendingScopes(ev);
      c.add(id, 'error', stage, [te], `The server rejected the requested scope${scopes.length === 1 ? '' : 's'}${scopes.length ? ` ${scopes.map((s) => `"${redact(s)}"`).join(', ')}` : ''} ${where}${said}.`, { scopes });
      return;
    }
    case 'insufficient_scope': {
      const scopes = (cause.data?.scopes as string[] | undefined) ?? offendingScopes(ev);
      c.add(id, 'error', 'api', [te], `The API refused the token for lack of scope${scopes.length ? ` (${scopes.map((s) => `"${redact(s)}"`).join(', ')})` : ''} ${where}${said}.`, { scopes });
      return;
    }
    case 'client_ip_not_allowed': {
      const ip = (cause.data?.ip as string | undefined) ?? ev.extra?.deniedIp ?? ev.ip;
      c.add(id, 'error', stage, [te], `The client was refused because the request came from IP ${ip ?? '(not logged)'}, outside its allow-list ${where}${said}.`, { ip });
      return;
    }
    case 'missing_required_parameter': {
      const parameter = cause.data?.parameter as string | undefined;
      c.add(id, 'error', stage, [te], `A required parameter${parameter ? ` (${parameter})` : ''} was missing or misspelled ${where}${said}.`, { parameter });
      return;
    }
    case 'access_denied':
      c.add(id, 'warning', 'consent', [te], `The user or a policy denied the request at consent ${where}${said}.`);
      return;
    case 'token_expired':
    case 'wrong_token_used':
    case 'missing_bearer_prefix':
      if (!apiRejection(c, te)) c.add(id, 'error', 'api', [te], `The resource rejected the token ${where}${said}.`);
      return;
    default:
      c.add(id, 'error', stage, [te], `${TITLES[id] ?? id} ${where}${said}.`, cause.data);
  }
}

/** An API 401/403: explained by the JWT on the line or the Authorization header's shape. */
function apiRejection(c: FindingCollector, te: TrackedEvent): boolean {
  const where = describe(te.ev);
  const f = te.facts;
  const idToken = f.tokens?.find((t) => t.kind === 'id_token' && t.asBearer);
  if (idToken) {
    c.add('wrong_token_used', 'error', 'api', [te], `An ID token (${idToken.preview}) was sent as the bearer token ${where}; APIs expect the access token.`, { token: idToken.fingerprint });
    return true;
  }
  const expired = f.tokens?.find((t) => t.expiredForSec !== undefined && t.expiredForSec > 0);
  if (expired) {
    c.add('token_expired', 'error', 'api', [te], `The bearer token (${expired.preview}) had expired ${humanDuration(expired.expiredForSec ?? 0)} before it was used ${where}.`, { expiredForSec: expired.expiredForSec, token: expired.fingerprint });
    return true;
  }
  if (f.bearerPrefixProblem) {
    c.add('missing_bearer_prefix', 'error', 'api', [te], `The Authorization header ${f.bearerPrefixProblem} ${where}.`);
    return true;
  }
  const text = failureText(te.ev);
  if (/expired|\bexp\b/.test(text) && /token|jwt/.test(text)) {
    c.add('token_expired', 'error', 'api', [te], `The resource says the access token has expired ${where}${serverSaid(te.ev)}.`);
    return true;
  }
  if (te.ev.status === 403 && /scope/.test(text)) {
    c.add('insufficient_scope', 'error', 'api', [te], `The API refused the token for lack of scope ${where}${serverSaid(te.ev)}.`, { scopes: offendingScopes(te.ev) });
    return true;
  }
  return false;
}

/** Expired / ID-token / prefix problems seen on a line even when the status was not logged. */
function tokenUse(c: FindingCollector, te: TrackedEvent): void {
  if (te.stage !== 'api' || !te.facts.tokens?.length && !te.facts.bearerPrefixProblem) return;
  if (isSuccess(te.ev)) return;
  if (!isFailure(te.ev)) apiRejection(c, te);
}

/** What the flow's evidence says about a token request that failed with invalid_grant (or a bare 400). */
function grantFailure(c: FindingCollector, view: FlowView, te: TrackedEvent, explicit: boolean): void {
  const ev = te.ev;
  const where = describe(ev);
  const said = serverSaid(ev);
  const specific = specificGrantCause(ev);
  // A used or expired code is deleted by the server, which then calls it unknown: the flow's
  // evidence (the same code presented before, the time it waited) names the real cause.
  if (specific?.id === 'code_not_found' && (explainGrant(c, view, te, 'code_reused', false) || explainGrant(c, view, te, 'code_expired', false))) return;
  if (specific) {
    explainGrant(c, view, te, specific.id, true);
    return;
  }
  if (ev.grantType === 'refresh_token') {
    c.add('refresh_token_invalid', 'error', 'token', [te], `The refresh token was refused (invalid_grant) ${where}${said}.`);
    offlineAccess(c, view, te);
    return;
  }
  for (const id of ['redirect_uri_mismatch', 'client_id_mismatch', 'pkce_mismatch', 'code_reused', 'code_expired'] as const) {
    if (explainGrant(c, view, te, id, false)) return;
  }
  if (explicit) {
    c.add('code_not_found', 'error', 'token', [te], `The server refused the authorization code (invalid_grant) ${where} without naming a reason, and nothing in the flow explains it (the redirect_uri, client_id and PKCE values agree, the code was fresh and used once): the code was most likely unknown to the server (truncated, double-encoded, or from another environment)${said}.`, { ambiguous: true });
  }
}

/**
 * Emits `id` for a failed token request when the flow's evidence supports it (or `trusted`,
 * when the server's own words named it). Returns false when the evidence is not there.
 */
function explainGrant(c: FindingCollector, view: FlowView, te: TrackedEvent, id: FindingId, trusted: boolean): boolean {
  const ev = te.ev;
  const where = describe(ev);
  const said = serverSaid(ev);
  switch (id) {
    case 'redirect_uri_mismatch': {
      const diff = redirectDiff(view, te);
      if (diff) {
        c.add(id, 'error', 'token', [diff.authorize, te], diff.detail, diff.data);
        return true;
      }
      if (!trusted) return false;
      c.add(id, 'error', 'token', [te], `The server says the redirect_uri does not match ${where}${said}; the authorize request's value is not in the logs to compare.`, { kind: notRegistered(ev) ? 'not_registered' : undefined });
      return true;
    }
    case 'client_id_mismatch': {
      const diff = clientDiff(view, te);
      if (diff) {
        c.add(diff.whitespace ? 'client_id_whitespace' : id, 'error', 'token', [diff.authorize, te], diff.detail, diff.data);
        return true;
      }
      if (!trusted) return false;
      c.add(id, 'error', 'token', [te], `The server says the code was issued to another client ${where}${said}.`);
      return true;
    }
    case 'pkce_mismatch': {
      const p = pkceDiff(view, te);
      if (p) {
        c.add(p.id, 'error', 'token', [...(p.authorize ? [p.authorize] : []), te], p.detail);
        return true;
      }
      if (!trusted) return false;
      c.add(id, 'error', 'token', [te], `The server could not verify the code_verifier against the code_challenge ${where}${said}.`);
      return true;
    }
    case 'code_reused': {
      const earlier = earlierUse(view, te);
      if (earlier) {
        c.add(id, 'error', 'token', [earlier, te], `The same authorization code (${ev.code?.fingerprint ?? 'same fingerprint'}) was presented again ${where}, ${gapText(earlier.ev.time, ev.time)} after ${ref(earlier.ev)}; codes are single-use.`, { code: ev.code?.fingerprint });
        return true;
      }
      if (!trusted) return false;
      c.add(id, 'error', 'token', [te], `The server says the authorization code was already used or revoked ${where}${said}.`);
      return true;
    }
    case 'code_expired': {
      const issued = codeIssue(view, te);
      const ttl = view.opts.codeTtlSeconds;
      const gap = issued?.ev.time !== undefined && ev.time !== undefined ? (ev.time - issued.ev.time) / 1000 : undefined;
      if (gap !== undefined && issued) {
        if (!trusted && gap <= ttl) return false;
        const passes10 = gap <= COMMON_LONG_TTL_SEC;
        const detail = `The code was exchanged ${formatSec(gap)} after it was issued (${ref(issued.ev)} → ${ref(ev)}); ` +
          (gap > ttl ? `with the assumed ${formatSec(ttl)} lifetime it had expired` : `that is within the assumed ${formatSec(ttl)} lifetime, yet the server says it expired (its lifetime is shorter)`) +
          `; ${passes10 ? 'it would have passed with a 10 min lifetime' : 'it would have failed even with a 10 min lifetime'}.`;
        c.add(id, 'error', 'token', [issued, te], detail, { gapSeconds: round(gap), assumedTtlSeconds: ttl, passesAt10Min: passes10 });
        return true;
      }
      if (!trusted) return false;
      c.add(id, 'error', 'token', [te], `The server says the authorization code expired ${where}${said}; the time it was issued is not in the logs (assumed lifetime ${formatSec(ttl)}).`, { assumedTtlSeconds: ttl });
      return true;
    }
    case 'refresh_token_invalid':
    case 'refresh_token_reused':
      c.add(id, 'error', 'token', [te], `${TITLES[id]} ${where}${said}.`);
      offlineAccess(c, view, te);
      return true;
    case 'pkce_verifier_invalid': {
      const v = ev.codeVerifier ?? view.codeTokens.find((t) => t.ev.codeVerifier)?.ev.codeVerifier;
      c.add(id, 'error', 'token', [te], `The code_verifier was refused as malformed ${where}${v ? ` (it is ${v.length} characters${v.charsetOk ? '' : ', with characters outside [A-Za-z0-9-._~]'}; RFC 7636 needs 43–128)` : ''}${said}.`, v ? { length: v.length, charsetOk: v.charsetOk } : undefined);
      return true;
    }
    default:
      c.add(id, 'error', stageFor(id, 'token'), [te], `${TITLES[id] ?? id} ${where}${said}.`);
      return true;
  }
}

function offlineAccess(c: FindingCollector, view: FlowView, te: TrackedEvent): void {
  const scope = pick(view.authorize, (e) => e.scope);
  const text = failureText(te.ev);
  if ((scope && !/\boffline_access\b/.test(scope.value)) || /offline_access/.test(text)) {
    c.add('offline_access_missing', 'warning', 'token', [...(scope ? [scope.te] : []), te], scope
      ? `The authorize request asked for "${redact(scope.value)}" without offline_access, so the server may not issue (or keep) a usable refresh token.`
      : `The server mentions offline_access ${describe(te.ev)}: the refresh token needs the offline_access scope.`);
  }
}

function redirectDiff(view: FlowView, te: TrackedEvent): { authorize: TrackedEvent; detail: string; data: Record<string, unknown> } | undefined {
  // `??=` would not cache a null (none found): test for undefined so the scan runs once per flow.
  if (view.firstTokenRedirectUri === undefined) view.firstTokenRedirectUri = view.codeTokens.find((t) => t.ev.redirectUri)?.ev.redirectUri ?? null;
  const tokenUri = exchangeField(view, te, (e) => e.redirectUri) ?? view.firstTokenRedirectUri ?? undefined;
  const auth = pickAuthorizeBefore(view, te, 'redirectUri', (e) => e.redirectUri);
  if (!tokenUri || !auth) return undefined;
  const cmp = compareRedirectUris(auth.value, tokenUri);
  if (cmp.equal) return undefined;
  return {
    authorize: auth.te,
    detail: `redirect_uri differs between the authorize request (${ref(auth.te.ev)}) and the token request (${ref(te.ev)}) – ${cmp.kind ?? 'different'}: ${cmp.detail}`,
    data: { kind: cmp.kind, authorize: redact(auth.value), token: redact(tokenUri), expectedRange: cmp.expectedRange, actualRange: cmp.actualRange },
  };
}

function clientDiff(view: FlowView, te: TrackedEvent): { authorize: TrackedEvent; detail: string; data: Record<string, unknown>; whitespace: boolean } | undefined {
  const tokenClient = exchangeField(view, te, (e) => e.clientId);
  const auth = pickAuthorizeBefore(view, te, 'clientId', (e) => e.clientId);
  if (tokenClient === undefined || !auth || auth.value === tokenClient) return undefined;
  const whitespace = cleanId(auth.value) === cleanId(tokenClient);
  return {
    authorize: auth.te,
    whitespace,
    detail: whitespace
      ? `client_id differs only by whitespace or invisible characters between authorize (${ref(auth.te.ev)}: ${visible(auth.value)}) and token (${ref(te.ev)}: ${visible(tokenClient)}).`
      : `The token request uses client_id "${redact(tokenClient)}" (${ref(te.ev)}) but the code was requested for "${redact(auth.value)}" (${ref(auth.te.ev)}).`,
    data: { authorize: redact(auth.value), token: redact(tokenClient) },
  };
}

function pkceDiff(view: FlowView, te: TrackedEvent): { id: FindingId; detail: string; authorize?: TrackedEvent } | undefined {
  view.anyChallenge ??= view.authorize.some((e) => e.ev.codeChallenge !== undefined && e.ev.codeChallenge !== '');
  const auth = view.anyChallenge ? pickBefore(view.authorize, te, (e) => e.codeChallenge) : undefined;
  const verifier = exchangeField(view, te, (e) => e.codeVerifier);
  const computed = exchangeField(view, te, (e) => e.codeVerifierS256);
  if (verifier && (verifier.length < 43 || verifier.length > 128 || !verifier.charsetOk)) {
    return { id: 'pkce_verifier_invalid', detail: `The code_verifier sent to the token endpoint (${ref(te.ev)}) is ${verifier.length} characters${verifier.charsetOk ? '' : ' with characters outside [A-Za-z0-9-._~]'}; RFC 7636 needs 43–128 unreserved characters.`, authorize: auth?.te };
  }
  if (!auth) return undefined;
  if (!verifier && !computed) {
    // Only a line that dumps the request's parameters (the code among them) shows the verifier
    // was missing; nginx and most servers log no bodies, and there its absence is no evidence.
    const logged = exchangeField(view, te, (e) => e.code?.fingerprint);
    if (logged === undefined) return undefined;
    return { id: 'pkce_missing', detail: `The authorize request sent a code_challenge (${ref(auth.te.ev)}) but the token request (${ref(te.ev)}) carries no code_verifier.`, authorize: auth.te };
  }
  if (!computed) return undefined;
  const challenge = auth.value;
  const method = (pick(view.authorize, (e) => e.codeChallengeMethod)?.value ?? 'S256').toLowerCase();
  if (method === 'plain' || computed === challenge) return undefined;
  const asUrl = challenge.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  if (asUrl === computed) {
    return { id: 'pkce_base64_not_base64url', detail: `The code_challenge (${ref(auth.te.ev)}) is SHA-256 of the verifier in standard base64 (+ / =) instead of base64url; the server computes ${computed.slice(0, 8)}… and rejects the exchange.`, authorize: auth.te };
  }
  return { id: 'pkce_mismatch', detail: `BASE64URL(SHA256(code_verifier)) from the token request (${ref(te.ev)}) is ${computed.slice(0, 8)}…, but the authorize request (${ref(auth.te.ev)}) sent code_challenge ${challenge.slice(0, 8)}…: the verifier does not belong to this flow.`, authorize: auth.te };
}

function clientIdChecks(c: FindingCollector, view: FlowView): void {
  for (const te of view.ordered) {
    const id = te.ev.clientId;
    if (id !== undefined && id !== cleanId(id)) {
      c.add('client_id_whitespace', 'error', te.stage, [te], `client_id ${visible(id ?? '')} has leading/trailing whitespace or invisible characters (${ref(te.ev)}); the server compares it byte for byte.`);
      return;
    }
  }
  // client_id differs between authorize and token, even when the exchange's outcome is not logged.
  for (const te of view.codeTokens) {
    if (isSuccess(te.ev)) continue;
    const d = clientDiff(view, te);
    if (d) c.add(d.whitespace ? 'client_id_whitespace' : 'client_id_mismatch', 'error', 'token', [d.authorize, te], d.detail, d.data);
  }
}

function codeReuse(c: FindingCollector, view: FlowView): void {
  for (const te of view.codeTokens) {
    const earlier = earlierUse(view, te);
    if (!earlier) continue;
    const ok = outcome(te) === 'ok';
    c.add('code_reused', ok ? 'warning' : 'error', 'token', [earlier, te], `The same authorization code (${te.ev.code?.fingerprint}) was presented ${ok ? 'again and accepted' : 'again'} (${ref(earlier.ev)} then ${ref(te.ev)}, ${gapText(earlier.ev.time, te.ev.time)} apart); codes are single-use${ok ? ' – the server should have refused the second exchange' : ''}.`, { code: te.ev.code?.fingerprint });
  }
}

function parameterDiffs(c: FindingCollector, view: FlowView): void {
  const outcomeOk = view.codeTokens.some((te) => outcome(te) === 'ok');
  if (outcomeOk) return;
  for (const te of view.codeTokens) {
    const d = redirectDiff(view, te);
    if (d) c.add('redirect_uri_mismatch', 'error', 'token', [d.authorize, te], d.detail, d.data);
    const p = pkceDiff(view, te);
    // A missing verifier explains a failed exchange only when nothing else already does.
    const explained = c.list().some((f) => f.severity === 'error');
    if (p && (p.id !== 'pkce_missing' || (isFailure(te.ev) && !explained))) c.add(p.id, 'error', 'token', [...(p.authorize ? [p.authorize] : []), te], p.detail);
  }
}

function pkceShape(c: FindingCollector, view: FlowView): void {
  const failed = view.codeTokens.some((te) => isFailure(te.ev));
  const auth = pick(view.authorize, (e) => e.codeChallenge);
  const succeeded = view.codeTokens.some((te) => outcome(te) === 'ok');
  if (auth && /[+/=]/.test(auth.value) && !c.has('pkce_base64_not_base64url')) {
    c.add('pkce_base64_not_base64url', failed || !succeeded ? 'error' : 'warning', 'authorize', [auth.te], `The code_challenge (${ref(auth.te.ev)}) contains ${[...new Set(auth.value.match(/[+/=]/g) ?? [])].join(' ')}: standard base64, not base64url; servers computing S256 will not match it.`);
  }
}

function stateCheck(c: FindingCollector, view: FlowView): void {
  const sent = pick(view.authorize, (e) => e.state);
  if (!sent || !view.callbacks.length) return;
  const withCode = view.callbacks.filter((te) => te.ev.code || isSuccess(te.ev));
  const other = view.callbacks.find((te) => te.ev.state && te.ev.state !== sent.value);
  if (other) {
    c.add('state_mismatch', 'error', 'callback', [sent.te, other], `The callback (${ref(other.ev)}) came back with a different state than the authorize request sent (${ref(sent.te.ev)}): a stale tab, another device, or a state the client did not keep – the client must reject it.`, { sent: redact(sent.value), received: redact(other.ev.state ?? '') });
    return;
  }
  if (withCode.length && withCode.every((te) => !te.ev.state)) {
    c.add('state_mismatch', 'warning', 'callback', [sent.te, withCode[0]!], `The authorize request sent a state (${ref(sent.te.ev)}) but the callback (${ref(withCode[0]!.ev)}) came back without one: the client cannot tie the response to its request (CSRF protection is off).`);
  }
}

function scopeGrant(c: FindingCollector, view: FlowView): void {
  const requested = pick(view.authorize, (e) => e.scope);
  if (!requested) return;
  const granted = view.tokens.find((te) => outcome(te) === 'ok' && te.ev.scope !== undefined);
  if (!granted?.ev.scope) return;
  const want = new Set(requested.value.split(/[\s+]+/).filter(Boolean));
  const got = new Set(granted.ev.scope.split(/[\s+]+/).filter(Boolean));
  const missing = [...want].filter((s) => !got.has(s));
  if (missing.includes('offline_access')) {
    c.add('offline_access_missing', 'warning', 'token_issued', [requested.te, granted], `offline_access was requested (${ref(requested.te.ev)}) but not granted (${ref(granted.ev)}): no refresh token, so the client must log in again when the access token expires.`);
  }
  if (missing.length) {
    c.add('scope_partially_granted', 'warning', 'token_issued', [requested.te, granted], `The token was issued with fewer scopes than requested: missing ${missing.map((s) => `"${redact(s)}"`).join(', ')} (${ref(requested.te.ev)} → ${ref(granted.ev)}).`, { missing, requested: [...want], granted: [...got] });
  }
}

/** Flows that stopped: abandoned at authorize, no token exchange, and the "Connected" summary. */
function incomplete(c: FindingCollector, view: FlowView): void {
  if (view.tokens.length) return;
  const cbError = c.get('callback_server_error');
  if (cbError) {
    c.add('connected_without_token', 'error', 'token_issued', view.callbacks.filter((te) => isFailure(te.ev)), `No token was issued: the client's callback failed (HTTP ${cbError.data?.status ?? '5xx'}) before exchanging the code – see callback_server_error.`, { cause: 'callback_server_error' });
    return;
  }
  const errors = c.list().filter((f) => f.severity === 'error');
  if (errors.length) return;
  const codeBack = view.callbacks.find((te) => te.ev.code && !isFailure(te.ev)) ??
    view.ordered.find((te) => (te.stage === 'consent' || te.stage === 'authorize') && te.ev.status !== undefined && te.ev.status >= 300 && te.ev.status < 400 && te.ev.code);
  if (codeBack) {
    c.add('flow_no_token_exchange', 'error', 'token', [codeBack], `A code was delivered (${ref(codeBack.ev)}) but no token request followed: the redirect did not complete or the client lost the code.`);
    c.add('connected_without_token', 'error', 'token_issued', [codeBack], `The client may show "Connected", but the server never issued a token – the code from ${ref(codeBack.ev)} was never exchanged – see flow_no_token_exchange.`, { cause: 'flow_no_token_exchange' });
    return;
  }
  const lastAuth = view.authorize[view.authorize.length - 1];
  const later = view.ordered.some((te) => te.stage === 'callback' || te.stage === 'token' || te.stage === 'token_issued' || te.stage === 'api');
  if (lastAuth && !later && !view.ordered.some((te) => isFailure(te.ev) && !isTransientStatus(te.ev.status))) {
    c.add('flow_abandoned_at_authorize', 'warning', 'authorize', [lastAuth], `The authorize request (${ref(lastAuth.ev)}${lastAuth.ev.clientId ? `, client ${redact(lastAuth.ev.clientId)}` : ''}) was never followed by consent, callback or token – the user closed the page or the login failed silently.`);
  }
}

// ——— helpers ———

/**
 * The token-stage lines that describe the same exchange as `te`: a request line with the
 * parameters, the error line the server logged for it, the proxy's access-log line.
 */
function sameExchange(view: FlowView, te: TrackedEvent): TrackedEvent[] {
  const memo = (view.exchanges ??= new Map());
  const hit = memo.get(te);
  if (hit) return hit;
  // Every event the predicate below can accept is among these candidates: itself, a merge link,
  // the same requestId, or a time within 2 s (sameRequest's own window is 1 s).
  let candidates: TrackedEvent[];
  if (view.tokens.length <= SMALL_TOKEN_LIST) {
    // A few token lines: judge them all (the index below would cost more than it saves).
    candidates = [te];
    for (const o of view.tokens) if (o !== te) candidates.push(o);
  } else {
    candidates = exchangeCandidates(view, te);
  }
  const result = candidates
    .filter((o) => o === te || sameRequest(o, te) || (o.ev.time !== undefined && te.ev.time !== undefined && Math.abs(o.ev.time - te.ev.time) <= 2000 && !(o.ev.code && te.ev.code && o.ev.code.fingerprint !== te.ev.code.fingerprint) && !outcomesConflict(o, te)))
    .sort((a, b) => Math.abs(a.seq - te.seq) - Math.abs(b.seq - te.seq) || b.seq - a.seq);
  memo.set(te, result);
  return result;
}

/** The token lines sameExchange must judge for `te`, from the flow's token index. */
function exchangeCandidates(view: FlowView, te: TrackedEvent): TrackedEvent[] {
  const idx = (view.tokenIndex ??= indexTokens(view.tokens));
  const candidates = new Set<TrackedEvent>([te]);
  if (te.sameRequestAs !== undefined) {
    const o = idx.bySeq.get(te.sameRequestAs);
    if (o) candidates.add(o);
  }
  for (const o of idx.bySameRequestAs.get(te.seq) ?? []) candidates.add(o);
  if (te.ev.requestId) for (const o of idx.byRequestId.get(te.ev.requestId) ?? []) candidates.add(o);
  const t = te.ev.time;
  if (t !== undefined && Number.isFinite(t)) {
    const times = idx.byTime;
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (times[mid]!.ev.time! < t - 2000) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < times.length && times[i]!.ev.time! <= t + 2000; i++) candidates.add(times[i]!);
  }
  return [...candidates];
}

/** Up to this many authorize lines in a flow, pickAuthorizeBefore scans them instead of indexing them. */
const SMALL_AUTHORIZE_LIST = 8;

/** Up to this many token lines in a flow, sameExchange judges them all instead of indexing them. */
const SMALL_TOKEN_LIST = 16;

function indexTokens(tokens: TrackedEvent[]): TokenIndex {
  const idx: TokenIndex = { byTime: [], byRequestId: new Map(), bySeq: new Map(), bySameRequestAs: new Map() };
  for (const o of tokens) {
    idx.bySeq.set(o.seq, o);
    if (o.ev.time !== undefined && Number.isFinite(o.ev.time)) idx.byTime.push(o);
    if (o.ev.requestId) push(idx.byRequestId, o.ev.requestId, o);
    if (o.sameRequestAs !== undefined) push(idx.bySameRequestAs, o.sameRequestAs, o);
  }
  idx.byTime.sort((a, b) => a.ev.time! - b.ev.time!);
  return idx;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/** One request cannot have both succeeded and failed. */
function outcomesConflict(a: TrackedEvent, b: TrackedEvent): boolean {
  const oa = outcome(a);
  const ob = outcome(b);
  return oa !== 'unknown' && ob !== 'unknown' && oa !== ob;
}

function outcome(te: TrackedEvent): 'ok' | 'fail' | 'unknown' {
  if (isFailure(te.ev)) return 'fail';
  if (isSuccess(te.ev) || te.stage === 'token_issued') return 'ok';
  return 'unknown';
}

/** A parameter of the exchange `te` belongs to: from `te` itself, else from a line of the same exchange. */
function exchangeField<T>(view: FlowView, te: TrackedEvent, get: (e: OAuthEvent) => T | undefined): T | undefined {
  const own = get(te.ev);
  if (own !== undefined) return own;
  for (const o of sameExchange(view, te)) {
    const v = get(o.ev);
    if (v !== undefined) return v;
  }
  return undefined;
}

function earlierUse(view: FlowView, te: TrackedEvent): TrackedEvent | undefined {
  const fp = te.ev.code?.fingerprint;
  if (!fp) {
    // An error line without the code: judge the request line logged with it.
    const req = sameExchange(view, te).find((o) => o.ev.code && o !== te);
    return req && req !== te ? earlierUse(view, req) : undefined;
  }
  if (!fp) return undefined;
  for (const o of view.codeTokens) {
    if (o === te) return undefined;
    if (o.ev.code?.fingerprint !== fp) continue;
    if (sameRequest(o, te)) continue;
    return o;
  }
  return undefined;
}

/** Two lines about one request: merged across sources, or within a second in one source (request + error line). */
function sameRequest(a: TrackedEvent, b: TrackedEvent): boolean {
  if (a.sameRequestAs === b.seq || b.sameRequestAs === a.seq) return true;
  if (a.ev.requestId && a.ev.requestId === b.ev.requestId) return true;
  if (a.ev.time === undefined || b.ev.time === undefined) return false;
  const near = Math.abs(a.ev.time - b.ev.time) <= 1000;
  return near && !outcomesConflict(a, b) && (a.ev.ref.file !== b.ev.ref.file || !a.ev.method || !b.ev.method);
}

function codeIssue(view: FlowView, te: TrackedEvent): TrackedEvent | undefined {
  const fp = exchangeField(view, te, (e) => e.code)?.fingerprint;
  // The first code-bearing event before `te`, else the last successful callback/consent before it.
  const idx = (view.issueIndex ??= indexIssues(view.ordered));
  const end = idx.position.get(te) ?? -1;
  const n = end < 0 ? view.ordered.length - 1 : end;
  const first = fp ? idx.firstWithCodeByFp.get(fp) ?? -1 : idx.firstWithCode;
  if (first >= 0 && first < n) return view.ordered[first];
  const cbs = idx.callbacks;
  let lo = 0;
  let hi = cbs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cbs[mid]! < n) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? view.ordered[cbs[lo - 1]!] : undefined;
}

function indexIssues(ordered: TrackedEvent[]): IssueIndex {
  const idx: IssueIndex = { position: new Map(), firstWithCode: -1, firstWithCodeByFp: new Map(), callbacks: [] };
  ordered.forEach((o, i) => {
    // indexOf semantics: the first position of an event.
    if (!idx.position.has(o)) idx.position.set(o, i);
    if (o.stage !== 'token' && o.ev.code && o.ev.time !== undefined) {
      if (idx.firstWithCode < 0) idx.firstWithCode = i;
      if (!idx.firstWithCodeByFp.has(o.ev.code.fingerprint)) idx.firstWithCodeByFp.set(o.ev.code.fingerprint, i);
    }
    if ((o.stage === 'callback' || o.stage === 'consent') && o.ev.time !== undefined && !isFailure(o.ev)) idx.callbacks.push(i);
  });
  return idx;
}

function pick<T>(events: TrackedEvent[], get: (e: OAuthEvent) => T | undefined): { te: TrackedEvent; value: T } | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    const v = get(e.ev);
    if (v !== undefined && v !== '') return { te: e, value: v };
  }
  return undefined;
}

/** pickBefore(view.authorize, te, get), through an index built once per field. */
function pickAuthorizeBefore<T>(view: FlowView, te: TrackedEvent, field: string, get: (e: OAuthEvent) => T | undefined): { te: TrackedEvent; value: T } | undefined {
  const events = view.authorize;
  // A few authorize lines: the plain scan is cheaper than building the index.
  if (events.length <= SMALL_AUTHORIZE_LIST) return pickBefore(events, te, get);
  const map = (view.beforeIndex ??= new Map());
  let idx = map.get(field);
  if (!idx) {
    const withValue: number[] = [];
    let minSeq = Infinity;
    let minTime: number | undefined;
    events.forEach((e, i) => {
      if (e.seq < minSeq) minSeq = e.seq;
      if (e.ev.time !== undefined && !Number.isNaN(e.ev.time) && (minTime === undefined || e.ev.time < minTime)) minTime = e.ev.time;
      const v = get(e.ev);
      if (v !== undefined && v !== '') withValue.push(i);
    });
    const prefix = (list: { key: number; i: number }[]): { key: number; best: number }[] => {
      list.sort((a, b) => a.key - b.key);
      let best = -1;
      return list.map((x) => ({ key: x.key, best: (best = Math.max(best, x.i)) }));
    };
    idx = {
      bySeq: prefix(withValue.map((i) => ({ key: events[i]!.seq, i }))),
      byTime: prefix(withValue.filter((i) => events[i]!.ev.time !== undefined && !Number.isNaN(events[i]!.ev.time)).map((i) => ({ key: events[i]!.ev.time!, i }))),
      minSeq,
      minTime,
    };
    map.set(field, idx);
  }
  const t = te.ev.time;
  const anyBefore = idx.minSeq < te.seq || (t !== undefined && idx.minTime !== undefined && idx.minTime <= t);
  if (!anyBefore) return pick(events, get);
  // Highest index with key < seq (bySeq) or key <= t (byTime).
  const best = Math.max(lastBest(idx.bySeq, (k) => k < te.seq), t === undefined ? -1 : lastBest(idx.byTime, (k) => k <= t));
  if (best < 0) return undefined;
  const e = events[best]!;
  return { te: e, value: get(e.ev) as T };
}

/** The prefix maximum at the last entry whose key passes `ok` (keys ascending, ok monotone), or -1. */
function lastBest(list: { key: number; best: number }[], ok: (k: number) => boolean): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ok(list[mid]!.key)) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? -1 : list[lo - 1]!.best;
}

function pickBefore<T>(events: TrackedEvent[], te: TrackedEvent, get: (e: OAuthEvent) => T | undefined): { te: TrackedEvent; value: T } | undefined {
  const t = te.ev.time;
  // pick() over the events before `te` (from the newest back), or over all when none is before.
  let anyBefore = false;
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (!(e.seq < te.seq || (t !== undefined && e.ev.time !== undefined && e.ev.time <= t))) continue;
    anyBefore = true;
    const v = get(e.ev);
    if (v !== undefined && v !== '') return { te: e, value: v };
  }
  return anyBefore ? undefined : pick(events, get);
}

function notRegistered(ev: OAuthEvent): boolean {
  return /not registered|unregistered|not (?:an )?allowed|not in the list|not whitelisted/.test(failureText(ev));
}

const INVISIBLE_RE = /[\u200B-\u200D\u2060\uFEFF\u00A0]/g;
const HAS_INVISIBLE_RE = /[\u200B-\u200D\u2060\uFEFF\u00A0]/;

function cleanId(s: string): string {
  // Most ids hold no invisible character: skip the replace (and its copy) for them.
  return (HAS_INVISIBLE_RE.test(s) ? s.replace(INVISIBLE_RE, '') : s).trim();
}

/** Shows whitespace and invisible characters in a value. */
function visible(s: string): string {
  return spelledOut(redact(s));
}

function ref(ev: OAuthEvent): string {
  return `${ev.ref.file}:${ev.ref.line}`;
}

function describe(ev: OAuthEvent): string {
  const req = ev.method && ev.path ? ` ${ev.method} ${redact(stripQuery(ev.path))}` : '';
  return `(${ref(ev)}${req})`;
}

function serverSaid(ev: OAuthEvent): string {
  const words = [ev.error, ev.errorDescription].filter(Boolean).join(': ');
  if (!words) return '';
  const w = redact(words);
  return `; server said "${w.length > 160 ? w.slice(0, 157) + '…' : w}"`;
}

function stageFor(id: FindingId, fallback: Stage): Stage {
  return FIXED_STAGE[id] ?? fallback;
}

const FIXED_STAGE: Partial<Record<FindingId, Stage>> = {
  access_denied: 'consent',
  otp_required: 'consent',
  jar_required: 'authorize',
  jar_invalid: 'authorize',
  jar_expired: 'authorize',
  jar_request_and_request_uri: 'authorize',
  registration_failed: 'registration',
  insufficient_scope: 'api',
  code_expired: 'token',
  code_reused: 'token',
  code_not_found: 'token',
  unsupported_grant_type: 'token',
  refresh_token_invalid: 'token',
  refresh_token_reused: 'token',
};

const TITLES: Partial<Record<FindingId, string>> = {
  invalid_client: 'Client authentication failed',
  unauthorized_client: 'The client is not allowed to use this grant type',
  unsupported_grant_type: 'The server does not support the grant_type sent',
  otp_required: 'The login needs a one-time password (2FA)',
  jar_required: 'The server requires a signed request object (request or request_uri)',
  jar_request_and_request_uri: 'Both request and request_uri were sent',
  jar_invalid: 'The request object (JAR) was refused as invalid',
  jar_expired: 'The request object (JAR) has expired or its lifetime is too long',
  refresh_token_invalid: 'The refresh token is expired or revoked',
  refresh_token_reused: 'An already-rotated refresh token was used again',
  session_expired: "The server's login session expired before the flow finished",
  state_mismatch: 'The state returned to the callback does not match',
  environment_mismatch: 'Credentials from another environment (sandbox vs production)',
  client_auth_method_mismatch: 'The server expects client credentials another way',
  registration_failed: 'Dynamic client registration was rejected',
  endpoint_not_found: 'An OAuth endpoint answered 404 (wrong URL)',
  code_not_found: 'The authorization code is unknown to the server',
  pkce_missing: 'PKCE is required but code_challenge / code_verifier is missing',
  wrong_token_used: 'The wrong token was sent to the API',
  token_expired: 'The access token had expired',
};

function gapText(a: number | undefined, b: number | undefined): string {
  return a !== undefined && b !== undefined ? formatSec((b - a) / 1000) : 'some time';
}

function formatSec(s: number): string {
  if (s < 120) return `${round(s)} s`;
  if (s < 7200) return `${round(s / 60)} min`;
  return `${round(s / 3600)} h`;
}

function humanDuration(sec: number): string {
  return formatSec(sec);
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

