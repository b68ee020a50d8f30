/**
 * Discovery probes: the protected resource (its unauthenticated answer and RFC 9728 metadata), the
 * authorization server metadata (RFC 8414 path-aware, OpenID Connect Discovery as fallback), the
 * JWKS and the MCP manifest. Each is one timeline step; independent ones run concurrently.
 */
import type { HttpOutcome } from '../http/httpClient';
import { bearerChallenge } from '../core/probes/wwwAuthenticate';
import { asMetadataCandidates, mcpManifestUrl, protectedResourceMetadataCandidates } from '../core/probes/wellKnown';
import type { MetadataSource } from '../core/probes/wellKnown';
import { checkAsMetadata, checkProtectedResourceMetadata, checkUrlField, isRecord, parseJsonBody } from '../core/probes/metadataChecks';
import { checkJwks } from '../core/jwt/verifyJwt';
import type { ProbeRun, StepContext } from './probeRun';

export interface ResourceAnswer {
  status?: number;
  /** `resource_metadata` from the Bearer challenge, when the 401 carried one. */
  resourceMetadataUrl?: string;
  hasBearerChallenge: boolean;
  outcome: HttpOutcome;
}

/** GET the target without a token; only the status and headers matter (it may stream forever). */
export async function fetchResourceAnswer(run: ProbeRun, target: string): Promise<ResourceAnswer | undefined> {
  return run.step<ResourceAnswer | undefined>('protected resource without a token', 'discovery', async (ctx) => {
    const out = await ctx.request({ url: target, headersOnly: true, headers: { accept: 'application/json, text/event-stream' } });
    if (out.error) return { status: 'failed', summary: out.error.message, value: undefined };
    const challenge = bearerChallenge(out.headers['www-authenticate']);
    const value: ResourceAnswer = {
      status: out.status,
      resourceMetadataUrl: challenge?.params.resource_metadata,
      hasBearerChallenge: !!challenge,
      outcome: out,
    };
    return { status: 'ok', summary: `HTTP ${out.status}${out.headers['www-authenticate'] ? `, WWW-Authenticate: ${out.headers['www-authenticate'].slice(0, 160)}` : ''}`, value };
  }, undefined);
}

/** Judges the unauthenticated answer of something that is a protected resource. */
export function judgeEnforcement(run: ProbeRun, target: string, a: ResourceAnswer): void {
  const ex = [a.outcome.exchange];
  const s = a.status ?? 0;
  if (s >= 200 && s < 300) {
    run.raise({ id: 'resource_not_protected', severity: 'error', detail: `${target} answered HTTP ${s} without any token: the endpoint is not protected, so clients never start the OAuth flow` }, 'api', ex);
  } else if (s === 401 && !a.hasBearerChallenge) {
    run.raise({
      id: 'www_authenticate_missing',
      severity: 'error',
      detail: a.outcome.headers['www-authenticate']
        ? `the 401 carries WWW-Authenticate "${a.outcome.headers['www-authenticate'].slice(0, 120)}" but no Bearer challenge`
        : 'the 401 carries no WWW-Authenticate header: MCP clients cannot discover where to authenticate (RFC 9728 §5.1)',
    }, 'discovery', ex);
  } else if (s === 401 && !a.resourceMetadataUrl) {
    run.raise({ id: 'www_authenticate_missing', severity: 'warning', detail: 'the Bearer challenge has no resource_metadata parameter (RFC 9728 §5.1): clients must guess the metadata URL' }, 'discovery', ex);
  } else if (s >= 300 && s < 400) {
    run.raise({ id: 'www_authenticate_missing', severity: 'warning', detail: `${target} answers a redirect (HTTP ${s} to ${a.outcome.headers.location ?? '?'}) instead of 401 with WWW-Authenticate; API clients do not follow login pages` }, 'discovery', ex);
  } else if (s === 404) {
    run.raise({ id: 'endpoint_not_found', severity: 'warning', detail: `${target} answered 404` }, 'discovery', ex);
  }
}

export interface ProtectedResourceMetadata {
  url: string;
  meta: Record<string, unknown>;
  authorizationServers: string[];
  resource?: string;
}

/** Fetches RFC 9728 metadata: the URL from the challenge first, then the path-aware and root forms. */
export async function fetchProtectedResourceMetadata(run: ProbeRun, target: string, fromChallenge?: string): Promise<ProtectedResourceMetadata | undefined> {
  return run.step<ProtectedResourceMetadata | undefined>('protected resource metadata', 'discovery', async (ctx) => {
    const urls = [...new Set([...(fromChallenge ? [fromChallenge] : []), ...protectedResourceMetadataCandidates(target)])];
    const results = await Promise.all(urls.map((url) => getJson(ctx, url)));
    const r = results.find((x) => x.json !== undefined);
    if (!r) {
      const bad = results.find((x) => x.outcome.status === 200 && x.reason);
      if (bad) {
        ctx.raise({ id: 'discovery_invalid', severity: 'error', detail: `${bad.url}: ${bad.reason}` }, [bad.outcome.exchange]);
        return { status: 'failed', summary: `${bad.url}: ${bad.reason}`, value: undefined };
      }
      // Absent metadata is only a problem for a protected resource; runProbes decides and raises it.
      return { status: 'skipped', summary: `no protected resource metadata at ${urls.join(' or ')}`, value: undefined };
    }
    const checked = checkProtectedResourceMetadata(r.json, target);
    for (const p of checked.problems) ctx.raise(p, [r.outcome.exchange]);
    return {
      status: checked.problems.some((p) => p.severity === 'error') ? 'failed' : checked.problems.length ? 'warning' : 'ok',
      summary: `${r.url}: authorization servers ${checked.authorizationServers.join(', ') || 'none'}`,
      value: { url: r.url, meta: r.json as Record<string, unknown>, authorizationServers: checked.authorizationServers, resource: checked.resource },
    };
  }, undefined);
}

export interface AsMetadata {
  url: string;
  source: MetadataSource;
  meta: Record<string, unknown>;
  issuer: string;
}

/** What looking for metadata found: the document, or why there is none. */
export interface AsMetadataLookup {
  found?: AsMetadata;
  /** A document answered but is unusable (HTML, not JSON, too large…): already reported. */
  invalid?: boolean;
  /** Every candidate failed at the network level (TLS, refused, timeout): the reason. */
  unreachable?: string;
  /** What each candidate URL answered, for the discovery_missing detail. */
  tried?: string;
}

/**
 * Fetches authorization server metadata for `issuer`, trying every well-known form concurrently and
 * taking the first in order of preference. `quiet` suppresses discovery_missing (for fallbacks).
 */
export async function fetchAsMetadata(run: ProbeRun, issuer: string, opts: { quiet?: boolean } = {}): Promise<AsMetadataLookup> {
  return run.step<AsMetadataLookup>('authorization server metadata', 'discovery', async (ctx) => {
    let candidates;
    try {
      candidates = asMetadataCandidates(issuer);
    } catch {
      return { status: 'failed', summary: `not a URL: ${issuer}`, value: {} };
    }
    const results = await Promise.all(candidates.map((c) => getJson(ctx, c.url)));
    const hit = results.findIndex((x) => x.json !== undefined);
    const r = results[hit];
    const cand = candidates[hit];
    if (!r || !cand) {
      const bad = results.find((r) => r.outcome.status !== undefined && r.outcome.status >= 200 && r.outcome.status < 300 && r.reason);
      if (bad) {
        ctx.raise({ id: 'discovery_invalid', severity: 'error', detail: `${bad.url}: ${bad.reason}` }, [bad.outcome.exchange]);
        return { status: 'failed', summary: `${bad.url}: ${bad.reason}`, value: { invalid: true } };
      }
      const net = results.find((r) => r.outcome.error);
      const unreachable = net && results.every((r) => r.outcome.error) ? net.outcome.error?.message : undefined;
      if (!opts.quiet) {
        ctx.raise(net && results.every((r) => r.outcome.error)
          ? { id: 'discovery_missing', severity: 'error', detail: `metadata for ${issuer} could not be fetched: ${net.outcome.error?.message}` }
          : { id: 'discovery_missing', severity: 'error', detail: `no metadata for ${issuer}: ${results.map((r) => `${r.url} → ${r.outcome.status ?? r.outcome.error?.code}${r.outcome.headers.location ? ` (redirect to ${r.outcome.headers.location}, not followed)` : ''}`).join('; ')}` });
      }
      const tried = results.map((r) => `${r.url} → ${r.outcome.status ?? r.outcome.error?.code}${r.outcome.headers.location ? ` (redirect to ${r.outcome.headers.location}, not followed)` : ''}`).join('; ');
      if (unreachable) return { status: 'failed', summary: unreachable, value: { unreachable, tried } };
      return opts.quiet
        ? { status: 'skipped', summary: `${issuer} is not an authorization server (no metadata at its well-known URLs)`, value: { tried } }
        : { status: 'failed', summary: `no authorization server metadata for ${issuer}`, value: { tried } };
    }
    const meta = r.json as Record<string, unknown>;
    const problems = checkAsMetadata(meta, { expectedIssuer: issuer, source: cand.source });
    for (const p of problems) ctx.raise(p, [r.outcome.exchange]);
    return {
      status: problems.some((p) => p.severity === 'error') ? 'failed' : problems.some((p) => p.severity === 'warning') ? 'warning' : 'ok',
      summary: `${r.url} (${cand.source}): issuer ${typeof meta.issuer === 'string' ? meta.issuer : '?'}`,
      value: { found: { url: r.url, source: cand.source, meta, issuer } },
    };
  }, {});
}

/** Fetches the JWKS and checks it holds usable public keys. */
export async function fetchJwks(run: ProbeRun, meta: Record<string, unknown>): Promise<unknown> {
  const uri = meta.jwks_uri;
  if (typeof uri !== 'string' || checkUrlField('jwks_uri', uri).some((p) => p.id === 'discovery_invalid')) {
    run.skip('jwks', 'discovery', typeof uri === 'string' ? `jwks_uri ${JSON.stringify(uri.slice(0, 80))} is not fetchable` : 'the metadata names no jwks_uri');
    return undefined;
  }
  return run.step<unknown>('jwks', 'discovery', async (ctx) => {
    const r = await getJson(ctx, uri);
    if (r.json === undefined) {
      const why = r.outcome.error?.message ?? r.reason ?? `HTTP ${r.outcome.status}`;
      ctx.raise({ id: 'jwks_unavailable', severity: 'error', detail: `jwks_uri ${uri}: ${why}` });
      return { status: 'failed', summary: why, value: undefined };
    }
    const checked = checkJwks(r.json);
    for (const p of checked.problems) ctx.raise({ id: p.id, severity: p.severity, detail: p.detail });
    if (checked.usableKeys === 0 && !checked.problems.some((p) => p.id === 'jwks_unavailable')) {
      ctx.raise({ id: 'jwks_unavailable', severity: 'error', detail: `jwks_uri ${uri} holds no usable public signing keys` });
    }
    return { status: checked.usableKeys ? (checked.problems.length ? 'warning' : 'ok') : 'failed', summary: `${checked.usableKeys} usable key(s)`, value: r.json };
  }, undefined);
}

/** The MCP manifest of seed 001, when the server publishes one: reported, never required. */
export async function fetchMcpManifest(run: ProbeRun, target: string): Promise<unknown> {
  return run.step<unknown>('mcp manifest', 'discovery', async (ctx) => {
    const url = mcpManifestUrl(target);
    const r = await getJson(ctx, url);
    if (r.json !== undefined) return { status: 'ok', summary: `${url}: present`, value: r.json };
    if (r.outcome.status === 200 && r.reason) {
      ctx.raise({ id: 'discovery_invalid', severity: 'warning', detail: `${url}: ${r.reason}` });
      return { status: 'warning', summary: `${url}: ${r.reason}`, value: undefined };
    }
    return { status: 'skipped', summary: `no MCP manifest (${r.outcome.status ?? r.outcome.error?.code}) – optional`, value: undefined };
  }, undefined);
}

interface JsonFetch {
  url: string;
  outcome: HttpOutcome;
  json?: unknown;
  reason?: string;
}

async function getJson(ctx: StepContext, url: string): Promise<JsonFetch> {
  const outcome = await ctx.request({ url });
  if (outcome.error) return { url, outcome, reason: outcome.error.message };
  if (outcome.status !== 200) {
    const loc = outcome.headers.location;
    return { url, outcome, reason: `HTTP ${outcome.status}${loc ? ` redirect to ${loc} (not followed)` : ''}` };
  }
  const parsed = parseJsonBody(outcome.body, outcome.headers['content-type']);
  if (!parsed.ok) return { url, outcome, reason: parsed.reason };
  if (!isRecord(parsed.value)) return { url, outcome, reason: 'JSON, but not an object' };
  return { url, outcome, json: parsed.value };
}
