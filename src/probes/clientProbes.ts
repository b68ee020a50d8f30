/**
 * Probes that involve the user's client: token endpoint client authentication (the six flavors
 * with a deliberately invalid code), an authorize request that stops before login (does the AS
 * accept this client id, redirect URI and PKCE?), client credentials and dynamic registration.
 */
import { randomBytes } from 'node:crypto';
import { s256Challenge } from '../core/checks/pkce';
import { compareRedirectUris } from '../core/checks/redirectUri';
import type { ClientAuthEvaluation, ClientAuthFlavor, FlavorResult } from '../core/probes/clientAuthFlavors';
import { buildFlavorRequest, CLIENT_AUTH_FLAVORS, encodingMatters, evaluateClientAuth, judgeFlavorAnswer } from '../core/probes/clientAuthFlavors';
import { checkUrlField, isRecord, parseJsonBody, parseOAuthError } from '../core/probes/metadataChecks';
import { findingForOAuthError } from '../core/probes/oauthErrors';
import type { ProbeProblem } from '../core/probes/probeReport';
import type { HttpOutcome } from '../http/httpClient';
import type { ProbeRun, StepContext } from './probeRun';

/** A random value in the unreserved charset: codes, states, verifiers, nonces. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** The URL of an endpoint named in the metadata, if it is one we may call. */
export function endpoint(meta: Record<string, unknown>, field: string): string | undefined {
  const v = meta[field];
  if (typeof v !== 'string') return undefined;
  return checkUrlField(field, v).some((p) => p.id === 'discovery_invalid') ? undefined : v;
}

export interface ClientAuthOptions {
  clientId: string;
  clientSecret?: string;
  redirectUri?: string;
}

/**
 * Sends the token request of each flavor with an invalid code, concurrently, and judges them.
 * Public clients (no secret) get a single request with `client_id` in the body.
 */
export async function probeClientAuth(run: ProbeRun, meta: Record<string, unknown>, opts: ClientAuthOptions): Promise<ClientAuthEvaluation | undefined> {
  const tokenEndpoint = endpoint(meta, 'token_endpoint');
  if (!tokenEndpoint) {
    run.skip('client authentication', 'token', 'the metadata names no usable token_endpoint');
    return undefined;
  }
  return run.step<ClientAuthEvaluation | undefined>('client authentication', 'token', async (ctx) => {
    const params: Record<string, string> = {
      grant_type: 'authorization_code',
      code: `oauth-debugger-probe-invalid-${randomToken(12)}`,
      code_verifier: randomToken(32),
      ...(opts.redirectUri ? { redirect_uri: opts.redirectUri } : {}),
    };
    if (opts.clientSecret === undefined) {
      const out = await ctx.request({ method: 'POST', url: tokenEndpoint, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ ...params, client_id: opts.clientId }).toString() });
      const answer = parseOAuthError(out.body, out.headers['content-type']);
      const verdict = judgeFlavorAnswer(out.status, answer, 'form');
      if (verdict === 'authenticated') return { status: 'ok', summary: 'the AS accepts the client as public (client_id only); the invalid code was rejected with invalid_grant', value: { workingMethods: ['none'], workingFlavors: [], problems: [], summary: 'none' } };
      if (verdict === 'client_rejected') {
        ctx.raise({ id: 'invalid_client', severity: 'error', detail: `the AS rejected the client as a public client (no secret given): ${answer.error ?? out.status}${answer.description ? ` (“${answer.description}”)` : ''}; it is confidential (give its secret) or unknown` });
      }
      return { status: verdict === 'client_rejected' ? 'failed' : 'warning', summary: out.error?.message ?? `${out.status} ${answer.error ?? ''}`, value: undefined };
    }
    const secret = opts.clientSecret;
    const matters = encodingMatters(opts.clientId, secret);
    const results: FlavorResult[] = await Promise.all(CLIENT_AUTH_FLAVORS.map(async (flavor): Promise<FlavorResult> => {
      if (!matters && flavor.credentials === 'basic_raw') return { flavor, verdict: 'inconclusive', skipped: true };
      const built = buildFlavorRequest(flavor, opts.clientId, secret, params);
      const out = await ctx.request({ method: 'POST', url: tokenEndpoint, headers: built.headers, body: built.body });
      const answer = parseOAuthError(out.body, out.headers['content-type']);
      return { flavor, verdict: judgeFlavorAnswer(out.status, answer, flavor.body), status: out.status, error: answer.error ?? out.error?.code, description: answer.description };
    }));
    const evaluation = evaluateClientAuth(results, { advertised: meta.token_endpoint_auth_methods_supported, clientId: opts.clientId, encodingMatters: matters });
    for (const p of evaluation.problems) ctx.raise(p);
    const failed = evaluation.workingFlavors.length === 0;
    return { status: failed ? 'failed' : evaluation.problems.length ? 'warning' : 'ok', summary: evaluation.summary, value: evaluation };
  }, undefined);
}

export interface AuthorizeProbeOptions {
  clientId: string;
  redirectUri: string;
  scope?: string;
  resource?: string;
}

type AuthorizeVerdict = { accepted: true; how: string } | { accepted: false; problem?: ProbeProblem; how: string };

/**
 * An authorize request with PKCE S256 and state, stopped at the first answer (never followed into
 * the login page). A redirect_uri rejection triggers a search over near variants of the URI to name
 * the exact difference from what is registered. A second request without PKCE tells whether the AS
 * requires it.
 */
export async function probeAuthorize(run: ProbeRun, meta: Record<string, unknown>, opts: AuthorizeProbeOptions): Promise<boolean> {
  const authz = endpoint(meta, 'authorization_endpoint');
  if (!authz) {
    run.skip('authorize request', 'authorize', 'the metadata names no usable authorization_endpoint');
    return false;
  }
  const scopesSupported = Array.isArray(meta.scopes_supported) ? meta.scopes_supported : [];
  const scope = opts.scope ?? (scopesSupported.includes('openid') ? 'openid' : undefined);
  return run.step<boolean>('authorize request', 'authorize', async (ctx) => {
    const send = (redirectUri: string, pkce: boolean): Promise<AuthorizeVerdict & { outcome: HttpOutcome }> =>
      sendAuthorize(ctx, authz, { ...opts, redirectUri, scope }, pkce);
    const [main, noPkce] = await Promise.all([send(opts.redirectUri, true), send(opts.redirectUri, false)]);
    if (main.accepted) {
      if (!noPkce.accepted && noPkce.problem?.id === 'pkce_missing') {
        ctx.raise({ id: 'pkce_missing', severity: 'info', detail: `the AS requires PKCE for this client (a request without code_challenge was rejected: ${noPkce.problem.detail}); clients that omit it fail at authorize` }, [noPkce.outcome.exchange]);
      }
      return { status: 'ok', summary: `accepted: ${main.how}`, value: true };
    }
    if (main.problem?.id === 'redirect_uri_mismatch') {
      const found = await findRegisteredVariant(opts.redirectUri, (v) => send(v, true));
      if (found) {
        const cmp = compareRedirectUris(found.variant, opts.redirectUri);
        ctx.raise({
          id: 'redirect_uri_mismatch',
          severity: 'error',
          // Registered value first, as compareRedirectUris names them ("the first ends with …").
          detail: `the AS accepts redirect_uri ${found.variant} (registered) but rejects ${opts.redirectUri} (sent): ${cmp.detail}`,
          data: { kind: cmp.kind ?? 'not_registered', registered: found.variant, sent: opts.redirectUri, expectedRange: cmp.expectedRange, actualRange: cmp.actualRange },
        }, [main.outcome.exchange, found.outcome.exchange]);
        return { status: 'failed', summary: `redirect_uri not registered; ${found.variant} is (${cmp.kind})`, value: false };
      }
    }
    if (main.problem) ctx.raise(main.problem, [main.outcome.exchange]);
    return { status: 'failed', summary: main.how, value: false };
  }, false);
}

async function sendAuthorize(ctx: StepContext, authz: string, o: AuthorizeProbeOptions, pkce: boolean): Promise<AuthorizeVerdict & { outcome: HttpOutcome }> {
  const url = new URL(authz);
  const verifier = randomToken(32);
  const q: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: o.clientId,
    redirect_uri: o.redirectUri,
    scope: o.scope,
    state: randomToken(16),
    nonce: randomToken(16),
    ...(pkce ? { code_challenge: s256Challenge(verifier), code_challenge_method: 'S256' } : {}),
    resource: o.resource,
  };
  for (const [k, v] of Object.entries(q)) if (v !== undefined) url.searchParams.set(k, v);
  const outcome = await ctx.request({ url: url.toString(), headers: { accept: 'text/html, application/json' } });
  return { ...judgeAuthorizeAnswer(outcome, o.redirectUri), outcome };
}

/** Reads the first answer of an authorize request. */
export function judgeAuthorizeAnswer(out: HttpOutcome, redirectUri: string): AuthorizeVerdict {
  if (out.error || out.status === undefined) return { accepted: false, how: out.error?.message ?? 'no answer' };
  const s = out.status;
  if (s >= 300 && s < 400) {
    const loc = out.headers.location ?? '';
    let target: URL | undefined;
    try {
      target = new URL(loc, out.exchange.url.startsWith('http') ? out.exchange.url : undefined);
    } catch {
      return { accepted: false, how: `redirect to an unparsable Location` };
    }
    if (sameEndpoint(target, redirectUri)) {
      const params = new URLSearchParams(target.search || target.hash.slice(1));
      const error = params.get('error');
      if (error) {
        const problem = findingForOAuthError(error, params.get('error_description') ?? undefined);
        return { accepted: false, problem, how: `redirected back with error=${error}` };
      }
      return { accepted: true, how: 'redirected straight back to the client (an existing session approved it)' };
    }
    return { accepted: true, how: `HTTP ${s} to the login/consent page` };
  }
  if (s === 200) {
    const e = parseOAuthError(out.body, out.headers['content-type']);
    if (e.error && /^(invalid_|unauthorized_client|unsupported_|access_denied|server_error)/.test(e.error)) {
      return { accepted: false, problem: findingForOAuthError(e.error, e.description, s), how: `error page: ${e.error}` };
    }
    return { accepted: true, how: 'HTTP 200 (login page)' };
  }
  const e = parseOAuthError(out.body, out.headers['content-type']);
  const problem = findingForOAuthError(e.error, e.description, s)
    ?? (/redirect_uri/i.test(out.body) ? { id: 'redirect_uri_mismatch' as const, severity: 'error' as const, detail: `HTTP ${s}: the AS rejected the redirect_uri`, data: { kind: 'not_registered' } } : undefined)
    ?? { id: 'missing_required_parameter' as const, severity: 'error' as const, detail: `HTTP ${s} from the authorization endpoint${e.description ? `: ${e.description}` : ''}` };
  return { accepted: false, problem, how: `HTTP ${s} ${e.error ?? ''}`.trim() };
}

function sameEndpoint(target: URL, redirectUri: string): boolean {
  try {
    const r = new URL(redirectUri);
    return target.origin === r.origin && target.pathname === r.pathname;
  } catch {
    return false;
  }
}

/** Near variants of a redirect URI, in the order mismatches happen in practice. */
export function redirectVariants(uri: string): string[] {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return [];
  }
  const out = new Set<string>();
  const withPath = (p: string): string => { const c = new URL(u.toString()); c.pathname = p; return c.toString(); };
  if (u.pathname.endsWith('/') && u.pathname.length > 1) out.add(withPath(u.pathname.slice(0, -1)));
  else out.add(u.pathname === '/' ? uri.replace(/\/(?=[?#]|$)/, '') : withPath(`${u.pathname}/`));
  const swapHost = u.hostname === 'localhost' ? '127.0.0.1' : u.hostname === '127.0.0.1' ? 'localhost' : undefined;
  if (swapHost) { const c = new URL(u.toString()); c.hostname = swapHost; out.add(c.toString()); }
  { const c = new URL(u.toString()); c.protocol = u.protocol === 'http:' ? 'https:' : 'http:'; out.add(c.toString()); }
  if (u.search) { const c = new URL(u.toString()); c.search = ''; out.add(c.toString()); }
  if (u.pathname !== u.pathname.toLowerCase()) out.add(withPath(u.pathname.toLowerCase()));
  out.delete(uri);
  return [...out].slice(0, 6);
}

async function findRegisteredVariant<T extends { accepted: boolean }>(uri: string, send: (v: string) => Promise<T>): Promise<(T & { variant: string }) | undefined> {
  const variants = redirectVariants(uri);
  const answers = await Promise.all(variants.map(async (variant) => ({ ...(await send(variant)), variant })));
  return answers.find((a) => a.accepted);
}

/** client_credentials with the flavor that authenticated; only when the user allows it. */
export async function probeClientCredentials(run: ProbeRun, meta: Record<string, unknown>, opts: { clientId: string; clientSecret: string; scope?: string; flavor?: ClientAuthFlavor; resource?: string }): Promise<void> {
  const tokenEndpoint = endpoint(meta, 'token_endpoint');
  if (!tokenEndpoint) return run.skip('client credentials', 'token', 'no usable token_endpoint');
  const flavor: ClientAuthFlavor = opts.flavor ?? CLIENT_AUTH_FLAVORS[0] ?? { n: 1, credentials: 'basic_urlencoded', body: 'form', method: 'client_secret_basic', label: 'Basic' };
  await run.step<void>('client credentials', 'token', async (ctx) => {
    const params: Record<string, string> = { grant_type: 'client_credentials', ...(opts.scope ? { scope: opts.scope } : {}), ...(opts.resource ? { resource: opts.resource } : {}) };
    const built = buildFlavorRequest(flavor, opts.clientId, opts.clientSecret, params);
    const out = await ctx.request({ method: 'POST', url: tokenEndpoint, headers: built.headers, body: built.body });
    if (out.error) return { status: 'failed', summary: out.error.message, value: undefined };
    const parsed = parseJsonBody(out.body, out.headers['content-type']);
    if (out.status === 200 && parsed.ok && isRecord(parsed.value) && typeof parsed.value.access_token === 'string') {
      return { status: 'ok', summary: `access token issued (${String(parsed.value.token_type ?? 'bearer')}, expires in ${String(parsed.value.expires_in ?? '?')} s)`, value: undefined };
    }
    const e = parseOAuthError(out.body, out.headers['content-type']);
    const p = findingForOAuthError(e.error, e.description, out.status);
    if (p) ctx.raise(p.id === 'unauthorized_client' ? { ...p, detail: `client_credentials is not allowed for this client: ${e.description ?? e.error}` } : p);
    return { status: 'failed', summary: `HTTP ${out.status} ${e.error ?? ''}`, value: undefined };
  }, undefined);
}

/** Dynamic client registration (RFC 7591): creates a client on the server, so only on request. */
export async function probeRegistration(run: ProbeRun, meta: Record<string, unknown>, opts: { redirectUri?: string }): Promise<void> {
  const reg = endpoint(meta, 'registration_endpoint');
  if (!reg) {
    run.raise({ id: 'registration_failed', severity: 'warning', detail: 'registration was requested, but the metadata advertises no registration_endpoint: MCP clients that rely on DCR cannot register' }, 'registration');
    return run.skip('dynamic client registration', 'registration', 'no registration_endpoint in the metadata');
  }
  await run.step<void>('dynamic client registration', 'registration', async (ctx) => {
    const body = {
      client_name: 'OAuth Flow Debugger probe',
      redirect_uris: [opts.redirectUri ?? 'http://127.0.0.1:33418/callback'],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
    const out = await ctx.request({ method: 'POST', url: reg, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (out.error) return { status: 'failed', summary: out.error.message, value: undefined };
    const parsed = parseJsonBody(out.body, out.headers['content-type']);
    if ((out.status === 201 || out.status === 200) && parsed.ok && isRecord(parsed.value) && typeof parsed.value.client_id === 'string') {
      return { status: 'ok', summary: `registered client ${parsed.value.client_id}`, value: undefined };
    }
    const e = parseOAuthError(out.body, out.headers['content-type']);
    const why = out.status === 401 || out.status === 403
      ? `the server requires an initial access token to register (HTTP ${out.status}${e.error ? ` ${e.error}` : ''}${e.description ? `: “${e.description}”` : ''})`
      : `HTTP ${out.status}${e.error ? ` ${e.error}` : ''}${e.description ? `: “${e.description}”` : ''}`;
    ctx.raise({ id: 'registration_failed', severity: 'error', detail: `registration rejected: ${why}`, data: { status: out.status, error: e.error, description: e.description, sent: body } });
    return { status: 'failed', summary: why, value: undefined };
  }, undefined);
}
