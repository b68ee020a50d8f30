/**
 * `runProbes`: asks a server what it advertises and whether it enforces it. Given an issuer or a
 * protected resource URL (an MCP `/sse` or `/mcp` endpoint), it discovers the authorization server,
 * checks its metadata and keys, and – with a client – its client authentication, authorize
 * request, client credentials (opt-in) and registration (opt-in). Independent probes run
 * concurrently; every request goes through the guarded, recording HTTP client.
 */
import type { ClientAuthEvaluation } from '../core/probes/clientAuthFlavors';
import type { ProbeReport, ProbeStep } from '../core/probes/probeReport';
import { dedupeFindings, sortFindings } from '../core/probes/probeReport';
import { isWellKnownUrl, issuerFromWellKnownUrl } from '../core/probes/wellKnown';
import type { HttpPort } from '../http/httpClient';
import { HttpClient } from '../http/httpClient';
import { probeAuthorize, probeClientAuth, probeClientCredentials, probeRegistration } from './clientProbes';
import type { AsMetadata, ProtectedResourceMetadata } from './discoveryProbes';
import { fetchAsMetadata, fetchJwks, fetchMcpManifest, fetchProtectedResourceMetadata, fetchResourceAnswer, judgeEnforcement } from './discoveryProbes';
import { ProbeRun } from './probeRun';

export interface ProbeOptions {
  target: string;
  clientId?: string;
  clientSecret?: string;
  redirectUri?: string;
  allowClientCredentials?: boolean;
  allowRegistration?: boolean;
  timeoutMs?: number;
  caFile?: string;
  /** Scope for the authorize and client-credentials probes (default: `openid` when supported). */
  scope?: string;
}

export interface ProbeDeps {
  signal?: AbortSignal;
  onStep?: (s: ProbeStep) => void;
  /** Substitute HTTP client (tests, the host's configured client). */
  http?: HttpPort;
}

/** Extra facts the live flow reuses instead of probing twice. */
export interface ProbeFacts {
  asMetadata?: AsMetadata;
  resourceMetadata?: ProtectedResourceMetadata;
  /** The resource indicator to request, when the target is a protected resource. */
  resource?: string;
  /** How the client authenticated at the token endpoint (the live flow uses the same flavor). */
  clientAuth?: ClientAuthEvaluation;
}

/**
 * @example const report = await runProbes({ target: 'https://mcp.example/sse', clientId: 'abc' });
 * report.findings.map((f) => f.id) // e.g. ['www_authenticate_missing', 'client_auth_method_mismatch']
 */
export async function runProbes(opts: ProbeOptions, deps: ProbeDeps = {}): Promise<ProbeReport> {
  const { report } = await runProbesWithFacts(opts, deps);
  return report;
}

/** As `runProbes`, also returning the discovered metadata for the live flow. */
export async function runProbesWithFacts(opts: ProbeOptions, deps: ProbeDeps = {}): Promise<{ report: ProbeReport; facts: ProbeFacts }> {
  const startedAt = Date.now();
  const target = opts.target.trim();
  const report: ProbeReport = { target, startedAt, steps: [], findings: [] };
  const facts: ProbeFacts = {};
  let url: URL;
  try {
    url = new URL(target);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
  } catch {
    throw new Error(`not an http(s) URL: ${JSON.stringify(target.slice(0, 200))}`);
  }
  const http = deps.http ?? new HttpClient({ timeoutMs: opts.timeoutMs, caFile: opts.caFile });
  const run = new ProbeRun(http, deps.signal, deps.onStep);

  // A pasted metadata URL means "this issuer".
  const pastedIssuer = isWellKnownUrl(target) ? issuerFromWellKnownUrl(target) : undefined;
  const issuerGuess = pastedIssuer ?? target;

  // Phase 1: everything that needs only the target, concurrently.
  const [answer, prmAtTarget, asLookup, _manifest] = await Promise.all([
    pastedIssuer ? Promise.resolve(undefined) : fetchResourceAnswer(run, target),
    pastedIssuer ? Promise.resolve(undefined) : fetchProtectedResourceMetadata(run, target),
    fetchAsMetadata(run, issuerGuess, { quiet: true }),
    fetchMcpManifest(run, target),
  ]);

  let prm = prmAtTarget;
  if (answer?.resourceMetadataUrl && (!prm || prm.url !== answer.resourceMetadataUrl)) {
    const fromChallenge = await fetchProtectedResourceMetadata(run, target, answer.resourceMetadataUrl);
    prm = fromChallenge ?? prm;
  }
  const asAtTarget = asLookup.found;
  let invalid = !!asLookup.invalid;
  let unreachable = asLookup.unreachable;
  const tried = asLookup.tried;
  // The target is judged as a protected resource when it says so (RFC 9728 metadata, a 401), or
  // when it has a path and is no authorization server; a bare origin that is neither is left alone.
  const hasPath = url.pathname.replace(/\/$/, '') !== '';
  const isResource = !!prm || answer?.status === 401 || (hasPath && !asAtTarget && !invalid);
  if (answer && isResource) {
    judgeEnforcement(run, target, answer);
    if (!prm) {
      run.raise({
        id: 'protected_resource_metadata_missing',
        severity: answer.status === 401 ? 'error' : 'warning',
        detail: `no protected resource metadata (RFC 9728) for ${target}: MCP clients cannot find its authorization server`,
      }, 'discovery');
    }
  }
  facts.resourceMetadata = prm;
  if (prm) facts.resource = prm.resource ?? target;

  // Which authorization server?
  let as: AsMetadata | undefined = asAtTarget;
  if (!as && prm?.authorizationServers.length) {
    const named = await fetchAsMetadata(run, prm.authorizationServers[0] ?? '');
    as = named.found;
    invalid = true; // fetchAsMetadata (not quiet) already reported what is wrong with it
  } else if (!as && !invalid && hasPath) {
    // Older MCP servers: the authorization server lives at the origin of the resource.
    const atOrigin = await fetchAsMetadata(run, url.origin, { quiet: true });
    as = atOrigin.found;
    invalid = !!atOrigin.invalid;
    unreachable ??= atOrigin.unreachable;
  }
  if (!as && !invalid) {
    const miss = run.steps.filter((s) => s.name === 'authorization server metadata');
    run.raise({
      id: 'discovery_missing',
      severity: 'error',
      detail: unreachable
        ? `metadata for ${issuerGuess} could not be fetched: ${unreachable}`
        : prm && !prm.authorizationServers.length
        ? 'the protected resource names no authorization server, and none answers at the target'
        : `no /.well-known/oauth-authorization-server nor /.well-known/openid-configuration for ${issuerGuess}${tried ? ` (${tried})` : ''}`,
    }, 'discovery', miss.flatMap((s) => s.exchanges).slice(0, 6));
  }
  facts.asMetadata = as;

  if (as) {
    report.issuer = typeof as.meta.issuer === 'string' ? as.meta.issuer : as.issuer;
    report.metadata = as.meta;
    const meta = as.meta;
    const clientId = opts.clientId;
    const [jwks, auth] = await Promise.all([
      fetchJwks(run, meta),
      clientId ? probeClientAuth(run, meta, { clientId, clientSecret: opts.clientSecret, redirectUri: opts.redirectUri }) : Promise.resolve(undefined),
      clientId && opts.redirectUri ? probeAuthorize(run, meta, { clientId, redirectUri: opts.redirectUri, scope: opts.scope, resource: facts.resource }) : Promise.resolve(false),
      opts.allowRegistration ? probeRegistration(run, meta, { redirectUri: opts.redirectUri }) : Promise.resolve(),
    ]);
    report.jwks = jwks;
    if (auth) report.clientAuthMethods = auth.workingMethods;
    facts.clientAuth = auth;
    if (!clientId) run.skip('client authentication', 'token', 'no client id given');
    else if (!opts.redirectUri) run.skip('authorize request', 'authorize', 'no redirect URI given');
    if (!opts.allowRegistration) run.skip('dynamic client registration', 'registration', 'not requested (it would create a client on the server)');
    if (opts.allowClientCredentials) {
      if (clientId && opts.clientSecret !== undefined) {
        await probeClientCredentials(run, meta, { clientId, clientSecret: opts.clientSecret, scope: opts.scope, flavor: auth?.preferred, resource: facts.resource });
      } else {
        run.skip('client credentials', 'token', 'needs a confidential client (client id and secret)');
      }
    }
  }
  report.steps = run.steps;
  report.findings = sortFindings(dedupeFindings(run.findings));
  return { report, facts };
}
