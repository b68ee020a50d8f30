/**
 * `runLiveFlow`: one real authorization-code run, each step a timeline entry with its exchanges.
 * Discovery (the probes), a loopback callback server on 127.0.0.1, an authorize URL with PKCE S256,
 * state, nonce and the resource indicator, the browser (injected: VS Code's openExternal, the CLI's
 * "open this URL", a test's headless Chromium), the callback checks (state, RFC 9207 `iss`,
 * `error`), the code exchange with the client authentication the probes found, token decoding and
 * verification against the JWKS, and optionally userinfo and one API call. Cancellable; the
 * loopback server always closes; a timeout names the step that never happened.
 */
import { s256Challenge } from '../core/checks/pkce';
import { compareRedirectUris } from '../core/checks/redirectUri';
import { decodeJwt } from '../core/jwt/decodeJwt';
import { verifyJwtWithJwks } from '../core/jwt/verifyJwt';
import { buildFlavorRequest, CLIENT_AUTH_FLAVORS } from '../core/probes/clientAuthFlavors';
import { redactExchange } from '../core/probes/exchangeRedaction';
import { isRecord, parseJsonBody, parseOAuthError } from '../core/probes/metadataChecks';
import { findingForOAuthError } from '../core/probes/oauthErrors';
import type { ProbeReport, ProbeStep } from '../core/probes/probeReport';
import { dedupeFindings, sortFindings } from '../core/probes/probeReport';
import { bearerChallenge } from '../core/probes/wwwAuthenticate';
import type { HttpOutcome, HttpPort } from '../http/httpClient';
import { HttpClient } from '../http/httpClient';
import { endpoint, randomToken } from './clientProbes';
import { LoopbackServer } from './loopbackServer';
import { ProbeRun } from './probeRun';
import { runProbesWithFacts } from './runProbes';

export interface LiveFlowOptions {
  /** The issuer, or a protected resource URL (its authorization server is discovered). */
  issuer: string;
  clientId: string;
  clientSecret?: string;
  /** A registered loopback redirect URI to listen on (its port and path); wins over port/callbackPath. */
  redirectUri?: string;
  port?: number;
  callbackPath?: string;
  scope?: string;
  /** Resource indicator (RFC 8707); default: the protected resource when the target is one. */
  resource?: string;
  /** One API call with the access token (default: the protected resource, when the target is one). */
  apiUrl?: string;
  /** Call the userinfo endpoint (default true when advertised and the token is not resource-bound). */
  userinfo?: boolean;
  /** Per-request HTTP timeout (default 10 s). */
  timeoutMs?: number;
  /** How long to wait for the browser to come back (default 5 minutes). */
  callbackTimeoutMs?: number;
  caFile?: string;
  /** Test option: present the code a second time after the exchange (code_reused). */
  reuseCode?: boolean;
  /** Test option: wait this long between callback and exchange (code_expired). */
  exchangeDelayMs?: number;
}

export interface LiveFlowDeps {
  openBrowser: (url: string) => Promise<void>;
  signal?: AbortSignal;
  onStep?: (s: ProbeStep) => void;
  http?: HttpPort;
}

const LIVE = 'live';

/**
 * @example const report = await runLiveFlow({ issuer, clientId: 'app', redirectUri: 'http://127.0.0.1:8765/callback' }, { openBrowser: async (u) => { console.log(u); } });
 */
export async function runLiveFlow(opts: LiveFlowOptions, deps: LiveFlowDeps): Promise<ProbeReport> {
  const startedAt = Date.now();
  const http = deps.http ?? new HttpClient({ timeoutMs: opts.timeoutMs, caFile: opts.caFile });
  const loopbackCfg = loopbackConfig(opts);

  // 1. Discovery and client authentication, through the probes.
  const { report: probeReport, facts } = await runProbesWithFacts(
    { target: opts.issuer, clientId: opts.clientId, clientSecret: opts.clientSecret, redirectUri: loopbackCfg.fixed ? loopbackCfg.redirectUri : undefined, scope: opts.scope, timeoutMs: opts.timeoutMs, caFile: opts.caFile },
    { signal: deps.signal, onStep: deps.onStep, http },
  );
  const run = new ProbeRun(http, deps.signal, deps.onStep, LIVE);
  const finish = (): ProbeReport => ({
    ...probeReport,
    startedAt,
    steps: [...probeReport.steps, ...run.steps],
    findings: sortFindings(dedupeFindings([...probeReport.findings.map((f) => ({ ...f, flowId: LIVE })), ...run.findings])),
  });
  const as = facts.asMetadata;
  if (!as) return finish();
  const meta = as.meta;
  const issuer = typeof meta.issuer === 'string' ? meta.issuer : as.issuer;
  const authz = endpoint(meta, 'authorization_endpoint');
  const tokenEndpoint = endpoint(meta, 'token_endpoint');
  if (!authz || !tokenEndpoint) {
    run.skip('authorize', 'authorize', 'the metadata has no usable authorization or token endpoint');
    return finish();
  }
  if (opts.clientSecret !== undefined && facts.clientAuth && !facts.clientAuth.preferred) {
    run.skip('authorize', 'authorize', 'no client authentication flavor worked at the token endpoint; a live run would fail at the exchange');
    return finish();
  }
  if (probeReport.findings.some((f) => f.id === 'redirect_uri_mismatch' || (f.stage === 'authorize' && f.severity === 'error'))) {
    run.skip('authorize', 'authorize', 'the authorize request is already rejected (see the findings above); fix that first');
    return finish();
  }

  // 2. The loopback server, then the authorize URL.
  let loopback: LoopbackServer;
  try {
    loopback = await LoopbackServer.start({ port: loopbackCfg.port, path: loopbackCfg.path, hostName: loopbackCfg.hostName });
  } catch (e) {
    run.skip('callback server', 'callback', (e as Error).message);
    return finish();
  }
  try {
    const redirectUri = loopback.redirectUri;
    const verifier = randomToken(48);
    const state = randomToken(16);
    const scope = opts.scope ?? defaultScope(meta);
    const nonce = scope.split(' ').includes('openid') ? randomToken(16) : undefined;
    const resource = opts.resource ?? facts.resource;
    const url = new URL(authz);
    const q: Record<string, string | undefined> = {
      response_type: 'code', client_id: opts.clientId, redirect_uri: redirectUri, scope: scope || undefined, state, nonce,
      code_challenge: s256Challenge(verifier), code_challenge_method: 'S256', resource,
    };
    for (const [k, v] of Object.entries(q)) if (v !== undefined) url.searchParams.set(k, v);
    const authorizeUrl = url.toString();

    const opened = await run.step<boolean>('authorize', 'authorize', async () => {
      try {
        await deps.openBrowser(authorizeUrl);
      } catch (e) {
        return { status: 'failed', summary: `could not open the browser: ${(e as Error).message}; open this URL yourself: ${authorizeUrl}`, value: true };
      }
      return { status: 'ok', summary: `opened ${authorizeUrl} (PKCE S256, state${nonce ? ', nonce' : ''}${resource ? `, resource ${resource}` : ''}); waiting for the browser at ${redirectUri}`, value: true };
    }, false);
    if (!opened) return finish();

    // 3. The callback.
    const timeoutMs = opts.callbackTimeoutMs ?? 5 * 60_000;
    const waited = await loopback.waitForCallback(timeoutMs, deps.signal);
    if (waited.kind !== 'callback') {
      if (waited.kind === 'aborted') {
        run.skip('callback', 'callback', 'cancelled while waiting for the browser');
      } else {
        const stray = loopback.strayPaths.filter((p) => p !== '/favicon.ico');
        if (stray.length) {
          const cmp = compareRedirectUris(redirectUri, `${new URL(redirectUri).origin}${stray[0] ?? ''}`);
          run.raise({ id: 'redirect_uri_mismatch', severity: 'error', detail: `the browser came back to ${stray[0] ?? '?'} instead of ${loopback.path}: ${cmp.detail}`, data: { kind: cmp.kind } }, 'callback');
        }
        run.raise({
          id: 'flow_abandoned_at_authorize',
          severity: 'error',
          detail: `the browser never came back to the callback ${redirectUri} within ${Math.round(timeoutMs / 1000)} s: the login or consent page was closed, failed silently, or redirected elsewhere`,
        }, 'consent');
        run.skip('callback', 'callback', `no callback within ${Math.round(timeoutMs / 1000)} s (step never happened)`);
      }
      return finish();
    }
    const cb = waited.capture;
    const callbackExchange = redactExchange({ method: 'GET', url: cb.url.toString(), requestHeaders: {}, status: 200, durationMs: cb.receivedAt - startedAt });
    const code = await run.step<string | undefined>('callback', 'callback', async (ctx) => {
      ctx.exchanges.push(callbackExchange);
      const p = cb.url.searchParams;
      const error = p.get('error');
      const gotState = p.get('state');
      const gotIss = p.get('iss');
      if (gotState !== state) {
        ctx.raise({ id: 'state_mismatch', severity: 'error', detail: gotState === null ? 'the callback carries no state (CSRF protection lost)' : 'the state in the callback differs from the state sent (stale tab, other device, or a forged response)' });
      }
      if (gotIss !== null && gotIss !== issuer) {
        ctx.raise({ id: 'discovery_issuer_mismatch', severity: 'error', detail: `the callback's iss "${gotIss}" differs from the issuer "${issuer}" (RFC 9207 mix-up protection)`, data: { advertised: gotIss, expected: issuer } });
      } else if (gotIss === null && meta.authorization_response_iss_parameter_supported === true) {
        ctx.raise({ id: 'missing_required_parameter', severity: 'warning', detail: 'the AS advertises authorization_response_iss_parameter_supported but the callback carries no iss (RFC 9207)' });
      }
      if (error) {
        const found = findingForOAuthError(error, p.get('error_description') ?? undefined);
        if (found) ctx.raise(found);
        return { status: 'failed', summary: `the AS answered error=${error}${p.get('error_description') ? ` (“${p.get('error_description')}”)` : ''}`, value: undefined };
      }
      const c = p.get('code');
      if (!c) {
        ctx.raise({ id: 'missing_required_parameter', severity: 'error', detail: 'the callback carries neither code nor error' });
        return { status: 'failed', summary: 'no code in the callback', value: undefined };
      }
      // A client must not redeem a code whose state or issuer does not match (CSRF, mix-up).
      if (gotState !== state) return { status: 'failed', summary: 'code received, but the state does not match: not exchanged (a client must drop it)', value: undefined };
      if (gotIss !== null && gotIss !== issuer) return { status: 'failed', summary: 'code received from another issuer: not exchanged', value: undefined };
      return { status: 'ok', summary: `code received${gotIss ? `, iss ${gotIss}` : ''}`, value: c };
    }, undefined);
    // The consent stage happened in the browser; an access_denied belongs to it.
    for (const f of run.findings) if (f.id === 'access_denied') f.stage = 'consent';
    if (!code) return finish();

    // 4. The exchange.
    if (opts.exchangeDelayMs) await sleep(opts.exchangeDelayMs, deps.signal);
    const flavor = opts.clientSecret === undefined ? undefined : facts.clientAuth?.preferred ?? CLIENT_AUTH_FLAVORS[0];
    const exchangeParams = { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier, ...(resource ? { resource } : {}) };
    const sendExchange = (): Promise<HttpOutcome> => {
      const built = flavor && opts.clientSecret !== undefined
        ? buildFlavorRequest(flavor, opts.clientId, opts.clientSecret, exchangeParams)
        : { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ ...exchangeParams, client_id: opts.clientId }).toString() };
      return http.request({ method: 'POST', url: tokenEndpoint, headers: built.headers, body: built.body, signal: deps.signal });
    };
    const tokens = await run.step<Record<string, unknown> | undefined>('token exchange', 'token', async (ctx) => {
      const out = await sendExchange();
      ctx.exchanges.push(out.exchange);
      const gapSec = (Date.now() - cb.receivedAt) / 1000;
      if (out.error) return { status: 'failed', summary: out.error.message, value: undefined };
      const parsed = parseJsonBody(out.body, out.headers['content-type']);
      if (out.status === 200 && parsed.ok && isRecord(parsed.value) && typeof parsed.value.access_token === 'string') {
        return { status: 'ok', summary: `tokens issued ${gapSec.toFixed(1)} s after the callback${flavor ? ` (client auth: ${flavor.label})` : ''}`, value: parsed.value };
      }
      const e = parseOAuthError(out.body, out.headers['content-type']);
      if (e.error === 'invalid_grant') {
        ctx.raise(gapSec >= 10 || (opts.exchangeDelayMs ?? 0) > 0
          ? { id: 'code_expired', severity: 'error', detail: `the code was exchanged ${gapSec.toFixed(1)} s after the callback and the AS answered invalid_grant${e.description ? ` (“${e.description}”)` : ''}: its code lifetime is shorter than that gap`, data: { gapSeconds: Math.round(gapSec * 10) / 10 } }
          : { id: 'code_not_found', severity: 'error', detail: `the AS does not know the code it just issued (invalid_grant${e.description ? `: “${e.description}”` : ''}) although redirect_uri and code_verifier match: another instance or environment, or a truncated code` });
      } else {
        const found = findingForOAuthError(e.error, e.description, out.status);
        if (found) ctx.raise(found);
      }
      return { status: 'failed', summary: `HTTP ${out.status} ${e.error ?? ''}`.trim(), value: undefined };
    }, undefined);

    if (!tokens) return finish();

    // 5. The tokens themselves.
    await run.step<void>('tokens', 'token_issued', async (stepCtx) => {
      let raised = 0;
      const ctx = { raise: (p: Parameters<typeof stepCtx.raise>[0]): void => { raised++; stepCtx.raise(p); } };
      const jwks = probeReport.jwks;
      const parts: string[] = [];
      const granted = typeof tokens.scope === 'string' ? tokens.scope.split(' ').filter(Boolean) : undefined;
      const requested = scope.split(' ').filter(Boolean);
      if (granted) {
        const missing = requested.filter((s) => !granted.includes(s) && s !== 'openid');
        if (missing.length) ctx.raise({ id: 'scope_partially_granted', severity: 'warning', detail: `requested ${requested.join(' ')}, granted ${granted.join(' ')}: missing ${missing.join(' ')}`, data: { missing } });
      }
      if (requested.includes('offline_access') && typeof tokens.refresh_token !== 'string') {
        ctx.raise({ id: 'offline_access_missing', severity: 'warning', detail: 'offline_access was requested but no refresh token was issued' });
      }
      // Labels in words, not `access_token:` – that would read as a secret assignment to the redactor.
      const label = { id_token: 'ID token', access_token: 'access token' } as const;
      for (const [name, audience] of [['id_token', opts.clientId], ['access_token', resource]] as const) {
        const t = tokens[name];
        if (typeof t !== 'string') continue;
        const d = decodeJwt(t);
        if (!d.ok) {
          parts.push(`${label[name]} opaque`);
          continue;
        }
        if (name === 'id_token' && nonce && d.jwt.payload.nonce !== nonce) {
          ctx.raise({ id: 'token_signature_invalid', severity: 'error', detail: 'the ID token nonce differs from the nonce sent (replayed or mixed-up ID token)' });
        }
        if (!jwks) {
          parts.push(`${label[name]} is a JWT, not verified (no JWKS)`);
          continue;
        }
        const v = await verifyJwtWithJwks(t, jwks, { issuer, audience });
        for (const p of v.problems) ctx.raise({ id: p.id, severity: p.severity, detail: `${label[name]}: ${p.detail}` });
        if (!v.verified && !v.problems.some((p) => p.id === 'token_signature_invalid') && v.error) {
          ctx.raise({ id: 'token_signature_invalid', severity: 'error', detail: `${label[name]}: ${v.error}` });
        }
        parts.push(`${label[name]} ${v.verified ? `verified (${v.alg ?? '?'}, kid ${v.kid ?? '-'})` : `NOT verified${v.error ? ` – ${v.error}` : ''}`}`);
      }
      return { status: raised === 0 && parts.every((p) => !p.includes('NOT')) ? 'ok' : 'warning', summary: parts.join('; ') || 'no JWTs to verify', value: undefined };
    }, undefined);

    // 6. Userinfo and one API call with the access token.
    const accessToken = String(tokens.access_token);
    const userinfoUrl = endpoint(meta, 'userinfo_endpoint');
    const wantUserinfo = opts.userinfo ?? (!!userinfoUrl && !resource && scope.split(' ').includes('openid'));
    const calls: Promise<void>[] = [];
    if (wantUserinfo && userinfoUrl) calls.push(apiCall(run, 'userinfo', userinfoUrl, accessToken));
    const apiUrl = opts.apiUrl ?? (facts.resourceMetadata ? opts.issuer : undefined);
    if (apiUrl) calls.push(apiCall(run, 'api call', apiUrl, accessToken));
    await Promise.all(calls);
    // Last, because a compliant AS revokes what the first exchange issued when a code comes back.
    if (opts.reuseCode) {
      await run.step<void>('code reuse', 'token', async (ctx) => {
        const out = await sendExchange();
        ctx.exchanges.push(out.exchange);
        const e = parseOAuthError(out.body, out.headers['content-type']);
        if (out.status === 200) {
          ctx.raise({ id: 'code_reused', severity: 'error', detail: 'the AS accepted the same authorization code twice: codes must be single-use (RFC 6749 §4.1.2)' });
          return { status: 'failed', summary: 'second exchange of the same code succeeded', value: undefined };
        }
        if (e.error === 'invalid_grant') {
          ctx.raise({ id: 'code_reused', severity: 'info', detail: `presenting the code a second time gets invalid_grant${e.description ? ` (“${e.description}”)` : ''}: this is what a client that retries or double-submits the exchange sees` });
          return { status: 'ok', summary: 'the reused code was rejected with invalid_grant', value: undefined };
        }
        return { status: 'warning', summary: `second exchange: HTTP ${out.status} ${e.error ?? ''}`, value: undefined };
      }, undefined);
    }
    return finish();
  } finally {
    await loopback.close();
  }
}

async function apiCall(run: ProbeRun, name: string, url: string, accessToken: string): Promise<void> {
  await run.step<void>(name, 'api', async (ctx) => {
    const out = await ctx.request({ url, headers: { authorization: `Bearer ${accessToken}` } });
    if (out.error) return { status: 'failed', summary: out.error.message, value: undefined };
    const s = out.status ?? 0;
    if (s >= 200 && s < 300) return { status: 'ok', summary: `HTTP ${s} with the access token`, value: undefined };
    const ch = bearerChallenge(out.headers['www-authenticate']);
    const err = ch?.params.error ?? parseOAuthError(out.body, out.headers['content-type']).error;
    const desc = ch?.params.error_description ?? parseOAuthError(out.body, out.headers['content-type']).description ?? '';
    if (s === 403 || err === 'insufficient_scope') {
      ctx.raise({ id: 'insufficient_scope', severity: 'error', detail: `${url} refused the token: HTTP ${s} ${err ?? ''}${desc ? ` (“${desc}”)` : ''}${ch?.params.scope ? `; it needs scope ${ch.params.scope}` : ''}` });
    } else if (s === 401 && /aud/i.test(desc)) {
      ctx.raise({ id: 'token_audience_mismatch', severity: 'error', detail: `${url} rejects the access token's audience: ${desc}` });
    } else if (s === 401 && /expired|exp/i.test(desc)) {
      ctx.raise({ id: 'token_expired', severity: 'error', detail: `${url}: ${desc}` });
    } else if (s === 401) {
      ctx.raise({ id: 'token_signature_invalid', severity: 'warning', detail: `${url} rejected the freshly issued access token (HTTP 401 ${err ?? ''}${desc ? `: “${desc}”` : ''}): it does not trust this issuer's tokens or keys` });
    } else {
      const f = findingForOAuthError(err, desc, s);
      if (f) ctx.raise(f);
    }
    return { status: 'failed', summary: `HTTP ${s} ${err ?? ''}`.trim(), value: undefined };
  }, undefined);
}

interface LoopbackConfig {
  fixed: boolean;
  port?: number;
  path?: string;
  hostName?: string;
  redirectUri?: string;
}

/** Port and path from a registered redirect URI, or from the options; http loopback URIs only. */
function loopbackConfig(opts: LiveFlowOptions): LoopbackConfig {
  if (opts.redirectUri) {
    let u: URL;
    try {
      u = new URL(opts.redirectUri);
    } catch {
      throw new Error(`the redirect URI ${JSON.stringify(opts.redirectUri)} is not a URL`);
    }
    if (u.protocol !== 'http:' || !['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) {
      throw new Error(`the live flow listens on 127.0.0.1 only: the redirect URI must be http://127.0.0.1:PORT/PATH or http://localhost:PORT/PATH (got ${opts.redirectUri})`);
    }
    if (!u.port) throw new Error('the redirect URI needs an explicit port for the loopback server to listen on');
    return { fixed: true, port: Number(u.port), path: u.pathname, hostName: u.hostname === 'localhost' ? 'localhost' : '127.0.0.1', redirectUri: opts.redirectUri };
  }
  return { fixed: !!opts.port, port: opts.port, path: opts.callbackPath, redirectUri: opts.port ? `http://127.0.0.1:${opts.port}${opts.callbackPath ?? '/callback'}` : undefined };
}

function defaultScope(meta: Record<string, unknown>): string {
  const supported = Array.isArray(meta.scopes_supported) ? meta.scopes_supported : [];
  return supported.includes('openid') ? 'openid' : '';
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });
}
