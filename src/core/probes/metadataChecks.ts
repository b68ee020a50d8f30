/**
 * Evaluation of what discovery returned: authorization server metadata (RFC 8414 / OIDC
 * Discovery), protected resource metadata (RFC 9728) and the bodies they came in. Pure: the
 * probes fetch, these functions judge, so every rule is unit-tested without a network.
 */
import type { ProbeProblem } from './probeReport';
import { isLoopbackHost } from './wellKnown';

export type JsonParse = { ok: true; value: unknown } | { ok: false; reason: string };

/**
 * Parses a body that should be JSON and says plainly why it is not (HTML login pages and proxy
 * error pages are the usual suspects).
 */
export function parseJsonBody(body: string, contentType: string | undefined): JsonParse {
  const text = body.trim();
  if (!text) return { ok: false, reason: 'the body is empty' };
  if (/^<(!doctype|html|\?xml|head|body)/i.test(text) || /text\/html/i.test(contentType ?? '')) {
    const title = /<title[^>]*>([^<]{0,120})/i.exec(text)?.[1]?.trim();
    return { ok: false, reason: `HTML where JSON belongs (content-type ${contentType ?? 'none'}${title ? `, page title "${title}"` : ''})` };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, reason: `not valid JSON (${(e as Error).message.slice(0, 120)}; starts with ${JSON.stringify(text.slice(0, 40))})` };
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Metadata fields that hold URLs the client will call or show. */
const URL_FIELDS = [
  'issuer', 'authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri', 'registration_endpoint',
  'revocation_endpoint', 'introspection_endpoint', 'end_session_endpoint', 'pushed_authorization_request_endpoint',
  'device_authorization_endpoint', 'service_documentation', 'op_policy_uri', 'op_tos_uri', 'check_session_iframe',
];

export interface AsMetadataContext {
  /** The issuer the client expects: the URL the user gave, or the one a protected resource named. */
  expectedIssuer: string;
  /** Which document answered: OIDC discovery requires more fields than RFC 8414. */
  source: 'rfc8414' | 'oidc' | 'oidc_path_inserted';
}

/**
 * Judges authorization server metadata.
 * @example checkAsMetadata({ issuer: 'https://as/' , …}, { expectedIssuer: 'https://as', source: 'rfc8414' })
 * // [{ id: 'discovery_issuer_mismatch', … 'differs only by a trailing slash' }]
 */
export function checkAsMetadata(meta: unknown, ctx: AsMetadataContext): ProbeProblem[] {
  if (!isRecord(meta)) {
    return [{ id: 'discovery_invalid', severity: 'error', detail: 'the metadata document is JSON but not an object' }];
  }
  const out: ProbeProblem[] = [];
  const issuer = meta.issuer;
  if (typeof issuer !== 'string' || !issuer) {
    out.push({ id: 'discovery_invalid', severity: 'error', detail: 'the metadata has no "issuer" (required by RFC 8414 §2)', data: { field: 'issuer' } });
  } else if (issuer !== ctx.expectedIssuer) {
    const slashOnly = issuer.replace(/\/+$/, '') === ctx.expectedIssuer.replace(/\/+$/, '');
    out.push({
      id: 'discovery_issuer_mismatch',
      severity: 'error',
      detail: slashOnly
        ? `metadata issuer "${issuer}" differs from "${ctx.expectedIssuer}" only by a trailing slash; clients compare issuers exactly (RFC 8414 §3.3) and tokens carry this iss`
        : `metadata issuer "${issuer}" differs from the expected issuer "${ctx.expectedIssuer}" (RFC 8414 §3.3 requires them identical)`,
      data: { advertised: issuer, expected: ctx.expectedIssuer, trailingSlashOnly: slashOnly },
    });
  }
  const required = ['authorization_endpoint', 'token_endpoint', 'response_types_supported'];
  if (ctx.source !== 'rfc8414') required.push('jwks_uri', 'subject_types_supported', 'id_token_signing_alg_values_supported');
  const missing = required.filter((f) => meta[f] === undefined || meta[f] === null || meta[f] === '');
  if (missing.length) {
    out.push({
      id: 'discovery_invalid',
      severity: missing.some((f) => ['authorization_endpoint', 'token_endpoint', 'response_types_supported'].includes(f)) ? 'error' : 'warning',
      detail: `required metadata fields missing: ${missing.join(', ')}`,
      data: { missing },
    });
  }
  const urlProblems = URL_FIELDS.flatMap((field) => (meta[field] === undefined || meta[field] === null ? [] : checkUrlField(field, meta[field])));
  out.push(...mergeInsecure(urlProblems));
  const rts = meta.response_types_supported;
  if (rts !== undefined && (!Array.isArray(rts) || !rts.includes('code'))) {
    out.push({ id: 'discovery_invalid', severity: 'error', detail: `response_types_supported ${JSON.stringify(rts)} lacks "code": the authorization-code flow is not offered` });
  }
  const gts = meta.grant_types_supported;
  if (gts !== undefined && (!Array.isArray(gts) || !gts.includes('authorization_code'))) {
    out.push({ id: 'unsupported_grant_type', severity: 'warning', detail: `grant_types_supported ${JSON.stringify(gts)} lacks "authorization_code"`, data: { advertised: gts } });
  }
  const ccm = meta.code_challenge_methods_supported;
  if (ccm === undefined) {
    out.push({
      id: 'pkce_s256_unsupported',
      severity: 'warning',
      detail: 'code_challenge_methods_supported is absent: per RFC 8414 the AS does not advertise PKCE, and MCP clients refuse such servers',
    });
  } else if (!Array.isArray(ccm) || !ccm.includes('S256')) {
    out.push({ id: 'pkce_s256_unsupported', severity: 'error', detail: `code_challenge_methods_supported ${JSON.stringify(ccm)} lacks "S256"`, data: { advertised: ccm } });
  }
  if (meta.require_signed_request_object === true) {
    out.push({ id: 'jar_required', severity: 'info', detail: 'the AS advertises require_signed_request_object: authorize requests must carry a signed request object (JAR, RFC 9101)' });
  }
  return out;
}

/**
 * One insecure_http_endpoint per document and severity instead of one per field: a loopback dev
 * server has every endpoint on http, and ten identical warnings would drown the real findings.
 */
export function mergeInsecure(problems: ProbeProblem[]): ProbeProblem[] {
  const rest = problems.filter((p) => p.id !== 'insecure_http_endpoint');
  for (const severity of ['error', 'warning'] as const) {
    const group = problems.filter((p) => p.id === 'insecure_http_endpoint' && p.severity === severity);
    if (!group.length) continue;
    if (group.length === 1 && group[0]) {
      rest.push(group[0]);
      continue;
    }
    const fields = group.map((p) => String(p.data?.field));
    rest.push({
      id: 'insecure_http_endpoint',
      severity,
      detail: severity === 'error'
        ? `${fields.length} URLs use http:// on a non-loopback host (${fields.join(', ')}); OAuth requires TLS`
        : `${fields.length} URLs use http:// (${fields.join(', ')}); tolerated only because the host is loopback`,
      data: { fields, urls: group.map((p) => p.data?.url) },
    });
  }
  return rest;
}

/** A URL-valued field must be an absolute https URL; http only on loopback; other schemes never. */
export function checkUrlField(field: string, value: unknown): ProbeProblem[] {
  if (typeof value !== 'string') return [{ id: 'discovery_invalid', severity: 'error', detail: `${field} is not a string (${typeof value})`, data: { field } }];
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return [{ id: 'discovery_invalid', severity: 'error', detail: `${field} is not an absolute URL: ${JSON.stringify(value.slice(0, 120))}`, data: { field } }];
  }
  if (u.protocol === 'https:') return [];
  if (u.protocol === 'http:') {
    return isLoopbackHost(u.hostname)
      ? [{ id: 'insecure_http_endpoint', severity: 'warning', detail: `${field} uses http:// (${value}); tolerated only because the host is loopback`, data: { field, url: value } }]
      : [{ id: 'insecure_http_endpoint', severity: 'error', detail: `${field} uses http:// on a non-loopback host (${value}); OAuth requires TLS`, data: { field, url: value } }];
  }
  return [{
    id: 'discovery_invalid',
    severity: 'error',
    detail: `${field} uses the ${u.protocol} scheme (${JSON.stringify(value.slice(0, 80))}); only https URLs belong in metadata – a client must never follow it`,
    data: { field, scheme: u.protocol },
  }];
}

/**
 * Judges RFC 9728 protected resource metadata and extracts the authorization servers it names.
 */
export function checkProtectedResourceMetadata(meta: unknown, resourceUrl: string): { problems: ProbeProblem[]; authorizationServers: string[]; resource?: string } {
  if (!isRecord(meta)) return { problems: [{ id: 'discovery_invalid', severity: 'error', detail: 'protected resource metadata is not a JSON object' }], authorizationServers: [] };
  const problems: ProbeProblem[] = [];
  const urlProblems: ProbeProblem[] = [];
  const resource = typeof meta.resource === 'string' ? meta.resource : undefined;
  if (!resource) {
    problems.push({ id: 'discovery_invalid', severity: 'error', detail: 'protected resource metadata lacks "resource" (RFC 9728 §2)' });
  } else {
    urlProblems.push(...checkUrlField('resource', resource));
    if (!sameResource(resource, resourceUrl)) {
      problems.push({
        id: 'discovery_invalid',
        severity: 'warning',
        detail: `protected resource metadata names resource "${resource}", but it was fetched for "${resourceUrl}" (RFC 9728 §3.3 requires them identical)`,
        data: { advertised: resource, expected: resourceUrl },
      });
    }
  }
  const servers: string[] = [];
  const as = meta.authorization_servers;
  if (as === undefined) {
    problems.push({ id: 'discovery_invalid', severity: 'warning', detail: 'protected resource metadata names no authorization_servers: clients cannot find where to log in' });
  } else if (!Array.isArray(as)) {
    problems.push({ id: 'discovery_invalid', severity: 'error', detail: 'authorization_servers is not an array' });
  } else {
    for (const s of as) {
      const p = checkUrlField('authorization_servers[]', s);
      urlProblems.push(...p);
      if (typeof s === 'string' && !p.some((x) => x.id === 'discovery_invalid')) servers.push(s);
    }
  }
  return { problems: [...problems, ...mergeInsecure(urlProblems)], authorizationServers: servers, resource };
}

/** The resource identifier may be the endpoint itself or its origin (MCP servers use both). */
function sameResource(advertised: string, fetched: string): boolean {
  if (advertised === fetched) return true;
  try {
    const a = new URL(advertised);
    const f = new URL(fetched);
    return a.origin === f.origin && (a.pathname === '/' || a.pathname === '' || f.pathname.startsWith(a.pathname.replace(/\/$/, '')));
  } catch {
    return false;
  }
}

/** An OAuth error response (RFC 6749 §5.2), read leniently from JSON, a form body or the status. */
export interface OAuthErrorAnswer {
  error?: string;
  description?: string;
}

export function parseOAuthError(body: string, contentType: string | undefined): OAuthErrorAnswer {
  const p = parseJsonBody(body, contentType);
  if (p.ok && isRecord(p.value)) {
    const e = p.value.error;
    const d = p.value.error_description ?? p.value.message;
    return {
      error: typeof e === 'string' ? e : isRecord(e) && typeof e.code === 'string' ? e.code : undefined,
      description: typeof d === 'string' ? d.slice(0, 300) : undefined,
    };
  }
  const form = /(?:^|&)error=([^&]+)/.exec(body);
  if (form) {
    const d = /(?:^|&)error_description=([^&]+)/.exec(body);
    return { error: safeDecode(form[1] ?? ''), description: d ? safeDecode(d[1] ?? '').slice(0, 300) : undefined };
  }
  // HTML error pages (oidc-provider renders `<strong>error</strong>: invalid_redirect_uri`)
  const text = body.slice(0, 65536).replace(/<\/?(strong|b|em|code|span)\b[^>]{0,200}>/gi, '').replace(/<[^>]{0,200}>/g, '\n').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  const html = /\berror\s*[:=]\s*"?([a-z_]{3,40})/.exec(text);
  const htmlDesc = /error_description\s*[:=]\s*"?([^"\n]{1,300})/.exec(text);
  return html ? { error: html[1], description: htmlDesc?.[1]?.trim() } : {};
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}
