/**
 * What every log format has in common once its own syntax is peeled off: OAuth parameters
 * (from query strings, form bodies, JSON fields, `key=value` text), request paths, and error
 * texts. This module turns them into {@link OAuthEvent} fields – with codes, tokens, secrets
 * and verifiers reduced to fingerprints on the spot, so a raw secret never reaches an event.
 */
import type { FindingId } from '../catalog/findingIds';
import type { OAuthEvent, SeenToken, Stage } from '../model';
import { fingerprint, redact, redactSecrets } from '../redact/redact';
import { hash as oneShotHash } from 'node:crypto';
import { s256Challenge } from '../checks/pkce';
import { decodeJwt, findJwts } from '../jwt/decodeJwt';

/**
 * {@link s256Challenge} for the parsers' hot path: the one-shot `crypto.hash` (Node ≥ 20.12) is
 * 2–3× faster than createHash under OpenSSL 3 and gives the same text (a test checks that).
 */
export function verifierS256(verifier: string): string {
  return typeof oneShotHash === 'function' ? oneShotHash('sha256', verifier, 'base64url') : s256Challenge(verifier);
}

/** An event under construction: everything but the reference, format and message. */
export type EventDraft = Omit<OAuthEvent, 'ref' | 'format' | 'message'>;

/** Longest value kept for plain (non-secret) fields; longer ones are cut. */
const MAX_FIELD_CHARS = 512;
/** Longest message stored on an event, after redaction. */
export const MAX_MESSAGE_CHARS = 2048;
/** At most this many tokens per event (a hostile line could hold thousands). */
const MAX_TOKENS = 8;
/** At most this many parameters read from one query string or `key=value` text. */
const MAX_PARAMS = 200;

const VERIFIER_CHARSET_RE = /^[A-Za-z0-9\-._~]*$/;
const ERROR_CODE_RE = /^[a-z][a-z0-9_]{2,63}$/i;
const GRANT_RE = /^[\w:.\-/]{1,128}$/;
const HTTP_METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS']);

/** Normalises a parameter name: `client_id`, `clientId`, `Client-Id` all become `clientid`. */
export function normKey(key: string): string {
  const known = NORM_KEYS.get(key);
  if (known !== undefined) return known;
  const out = computeNormKey(key);
  // A log uses a few dozen distinct keys; a hostile one cannot grow the map past its cap.
  if (key.length <= 64 && NORM_KEYS.size < 4096) NORM_KEYS.set(key, out);
  return out;
}

const NORM_KEYS = new Map<string, string>();

function computeNormKey(key: string): string {
  let out = '';
  for (let i = 0; i < key.length && i < 64; i++) {
    const c = key.charCodeAt(i);
    if (c >= 65 && c <= 90) out += String.fromCharCode(c + 32);
    else if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) out += key[i];
  }
  return out;
}

/**
 * Redacts a URL or path only when it could hold a secret (a query or fragment parameter, userinfo,
 * a JWT): plain URLs are the common case and redaction is the costliest step of a parse.
 */
function redactUrl(value: string): string {
  return value.includes('=') || value.includes('@') || value.includes('eyJ') || value.includes(' ') ? redact(value) : value;
}

function cap(value: string, max = MAX_FIELD_CHARS): string {
  return value.length > max ? value.slice(0, max) : value;
}

/** A token as an event may hold it: fingerprint, a safe preview, and for JWTs the header and claims. */
export function seenToken(raw: string, where: SeenToken['where']): SeenToken {
  const value = raw.length > 16_384 ? raw.slice(0, 16_384) : raw;
  const isJwt = value.startsWith('eyJ') && value.indexOf('.') > 0;
  const t: SeenToken = { fingerprint: fingerprint(value), preview: isJwt ? value.slice(0, 10) + '…' : '', where };
  if (isJwt) {
    const d = decodeJwt(value);
    if (d.ok) {
      t.header = d.jwt.header;
      t.claims = d.jwt.payload;
    }
  }
  return t;
}

export function addToken(ev: EventDraft, t: SeenToken): void {
  const list = (ev.tokens ??= []);
  if (list.length >= MAX_TOKENS || list.some((x) => x.fingerprint === t.fingerprint)) return;
  list.push(t);
}

/** Reads an `Authorization` header value: the scheme is kept, the credential only as a fingerprint. */
export function applyAuthorization(ev: EventDraft, value: string): void {
  const v = value.trim();
  if (v.length === 0) return;
  const sp = v.indexOf(' ');
  const first = sp < 0 ? v : v.slice(0, sp);
  const known = /^(bearer|basic|digest|dpop|mac|negotiate|token)$/i.test(first);
  ev.authScheme = known ? first : '';
  const credential = known ? (sp < 0 ? '' : v.slice(sp + 1).trim()) : v;
  if (credential.length === 0) return;
  if (known && /^basic$/i.test(first)) {
    ev.extra = { ...ev.extra, clientAuth: 'client_secret_basic' };
    return;
  }
  // Quotes around the credential are dropped; the scan runs only when there is one at either end.
  const c0 = credential.charCodeAt(0);
  const cn = credential.charCodeAt(credential.length - 1);
  const unquoted = c0 === 34 || c0 === 39 || cn === 34 || cn === 39 ? credential.replace(/^["']|["']$/g, '') : credential;
  addToken(ev, seenToken(unquoted, 'authorization'));
}

/** Percent-decodes a query value (`+` is a space); undecodable input is returned as is. */
export function decodeQueryValue(value: string): string {
  const v = value.indexOf('+') >= 0 ? value.replace(/\+/g, ' ') : value;
  if (v.indexOf('%') < 0) return v;
  // decodeURIComponent costs microseconds, and the encoded values (redirect_uri, scope) repeat on
  // every request of a client: repeated short ones are answered from a bounded map.
  const known = v.length <= 256 ? DECODED.get(v) : undefined;
  if (known !== undefined) return known;
  let out: string;
  try {
    out = decodeURIComponent(v);
  } catch {
    out = v;
  }
  if (v.length <= 256) {
    if (DECODED.size >= 1024) DECODED.clear();
    DECODED.set(v, out);
  }
  return out;
}

const DECODED = new Map<string, string>();

/**
 * Applies one named parameter to the draft. `key` may be in any spelling; `value` is already
 * decoded. Secrets become fingerprints; unknown keys are ignored. Returns true when the key was
 * an OAuth parameter.
 */
export function applyParam(ev: EventDraft, key: string, value: unknown): boolean {
  const k = normKey(key);
  if (typeof value === 'number' || typeof value === 'boolean') value = String(value);
  if (typeof value !== 'string') return false;
  const v = value;
  if (v.length === 0 || v === '-' || v === 'null' || v === 'undefined') return false;
  switch (k) {
    case 'clientid':
    case 'azp':
      if (v.length <= 256) ev.clientId ??= v;
      return true;
    case 'redirecturi':
    case 'redirecturl':
      if (/^[a-z][a-z0-9+.-]*:|^\//i.test(v)) ev.redirectUri ??= cap(redactUrl(v));
      return true;
    case 'state':
      ev.state ??= cap(v);
      return true;
    case 'scope':
    case 'scopes':
      ev.scope ??= cap(v);
      return true;
    case 'codechallenge':
      ev.codeChallenge ??= cap(v);
      return true;
    case 'codechallengemethod':
      ev.codeChallengeMethod ??= cap(v, 32);
      return true;
    case 'codeverifier':
      if (!ev.codeVerifier) {
        ev.codeVerifier = { fingerprint: fingerprint(v), preview: '', length: v.length, charsetOk: VERIFIER_CHARSET_RE.test(v) };
        ev.codeVerifierS256 = verifierS256(v);
      }
      return true;
    case 'code':
    case 'authorizationcode':
    case 'authcode':
      // Numeric 1–4 digit "code" values are error or status codes, not authorization codes.
      if (/^\d{1,4}$/.test(v)) return false;
      ev.code ??= { fingerprint: fingerprint(v), preview: '' };
      return true;
    case 'granttype':
      if (GRANT_RE.test(v)) ev.grantType ??= v;
      return true;
    case 'responsetype':
      ev.responseType ??= cap(v, 64);
      return true;
    case 'refreshtoken':
      ev.refreshToken ??= { fingerprint: fingerprint(v), preview: '' };
      return true;
    case 'accesstoken':
      addToken(ev, seenToken(v, 'access_token'));
      return true;
    case 'idtoken':
      addToken(ev, seenToken(v, 'id_token'));
      return true;
    case 'idtokenhint':
      addToken(ev, seenToken(v, 'id_token_hint'));
      return true;
    case 'token':
      addToken(ev, seenToken(v, v.startsWith('eyJ') ? 'access_token' : 'text'));
      return true;
    case 'request':
      if (v.startsWith('eyJ')) {
        addToken(ev, seenToken(v, 'request_object'));
        ev.extra = { ...ev.extra, jar: ev.extra?.['jar'] === 'request_uri' ? 'both' : 'request' };
        return true;
      }
      return false;
    case 'requesturi':
      ev.extra = { ...ev.extra, requestUri: fingerprint(v), jar: ev.extra?.['jar'] === 'request' ? 'both' : 'request_uri' };
      return true;
    case 'clientsecret':
      ev.extra = { ...ev.extra, clientAuth: ev.extra?.['clientAuth'] ?? 'client_secret_post' };
      return true;
    case 'clientassertion':
      ev.extra = { ...ev.extra, clientAuth: 'private_key_jwt' };
      return true;
    case 'authorization':
      applyAuthorization(ev, v);
      return true;
    case 'password':
    case 'passwd':
    case 'pwd':
    case 'secret':
    case 'otp':
    case 'apikey':
    case 'assertion':
    case 'clientassertiontype':
      return true;
    case 'error':
      if (ERROR_CODE_RE.test(v)) ev.error ??= v;
      return true;
    case 'errordescription':
    case 'errordetail':
    case 'errormessage':
      ev.errorDescription ??= cap(redact(v));
      return true;
    case 'requestid':
    case 'xrequestid':
    case 'reqid':
    case 'correlationid':
    case 'xcorrelationid':
    case 'traceid':
      if (v.length <= 128) ev.requestId ??= v;
      return true;
    case 'ip':
    case 'ipaddress':
    case 'remoteaddr':
    case 'remoteaddress':
    case 'clientip':
    case 'xforwardedfor':
    case 'xrealip':
      if (v.length <= 128) ev.ip ??= v.split(',')[0]!.trim();
      return true;
    case 'user':
    case 'userid':
    case 'username':
    case 'sub':
      if (v.length <= 256) ev.user ??= v;
      return true;
    case 'prompt':
    case 'resource':
    case 'audience':
    case 'responsemode':
    case 'acrvalues':
      ev.extra = { ...ev.extra, [k]: cap(redact(v), 256) };
      return true;
    default:
      return false;
  }
}

/** Applies every `k=v` pair of a query string or form body (`a=1&b=2`). */
export function applyQueryString(ev: EventDraft, qs: string): number {
  let n = 0;
  let start = 0;
  for (let i = 0; i < MAX_PARAMS && start < qs.length; i++) {
    let end = qs.indexOf('&', start);
    if (end < 0) end = qs.length;
    const eq = qs.indexOf('=', start);
    if (eq > start && eq < end) {
      const key = decodeQueryValue(qs.slice(start, eq));
      if (applyParam(ev, key, decodeQueryValue(qs.slice(eq + 1, end)))) n++;
    }
    start = end + 1;
  }
  return n;
}

/**
 * Applies a request target (`/oauth/authorize?client_id=…`, or an absolute URL): sets `path`
 * (redacted, without the query) and reads the query parameters.
 */
export function applyUrl(ev: EventDraft, url: string): void {
  let u = url;
  const scheme = u.indexOf('://');
  if (scheme > 0 && scheme < 12) {
    const slash = u.indexOf('/', scheme + 3);
    const q0 = u.indexOf('?', scheme + 3);
    u = slash < 0 || (q0 >= 0 && q0 < slash) ? '/' + (q0 >= 0 ? u.slice(q0) : '') : u.slice(slash);
  }
  const hash = u.indexOf('#');
  if (hash >= 0) {
    // Implicit / form-fragment responses carry tokens and errors in the fragment.
    const fragment = u.slice(hash + 1);
    u = u.slice(0, hash);
    if (fragment.includes('=')) applyQueryString(ev, fragment);
  }
  const q = u.indexOf('?');
  const path = q >= 0 ? u.slice(0, q) : u;
  ev.path ??= cap(redactUrl(path));
  if (q >= 0) applyQueryString(ev, u.slice(q + 1));
}

/** Sets `method` when `m` is an HTTP method. */
export function applyMethod(ev: EventDraft, m: string): void {
  const up = m.toUpperCase();
  if (HTTP_METHODS.has(up)) ev.method ??= up;
}

/**
 * The flow stage a request belongs to, from its path, method and status and the parameters it
 * carried (error-catalog.md "Flow stages"). Undefined when the path says nothing about OAuth.
 */
export function stageForRequest(ev: EventDraft): Stage | undefined {
  const p = (ev.path ?? '').toLowerCase();
  const ok = ev.status !== undefined && ev.status >= 200 && ev.status < 300;
  if (p.length > 0) {
    // The last two non-empty segments, and how many there are (counted up to 3): what
    // `p.split('/').filter(nonEmpty)` would give, without building the arrays.
    let segCount = 0;
    let last = '';
    let prev = '';
    for (let end = p.length; segCount < 3;) {
      while (end > 0 && p.charCodeAt(end - 1) === 47) end--;
      if (end === 0) break;
      const start = p.lastIndexOf('/', end - 1) + 1;
      if (segCount === 0) last = p.slice(start, end);
      else if (segCount === 1) prev = p.slice(start, end);
      segCount++;
      end = start;
    }
    if (p.includes('/.well-known/') || last === 'jwks' || last === 'jwks.json' || last === 'certs' || last === 'openid-configuration') return 'discovery';
    if (last === 'register' || last === 'registration' || p.includes('/clients-registrations')) return 'registration';
    if (last === 'token' || last === 'access_token' || (last === 'refresh' && prev === 'token')) {
      return ok && ev.error === undefined ? 'token_issued' : 'token';
    }
    if (last === 'authorize' || last === 'authorization' || (last === 'auth' && (prev === 'openid-connect' || segCount <= 2))) {
      // Passport: POST /oauth/authorize approves, DELETE denies – both are the consent step.
      if ((ev.method === 'POST' || ev.method === 'DELETE') && prev === 'oauth') return 'consent';
      return 'authorize';
    }
    if (last === 'approve' || last === 'deny' || last === 'consent' || last === 'decision' || p.includes('/interaction/') || p.includes('/login-actions/')
      || (prev === 'auth' && segCount === 2 && last.length >= 10)) return 'consent';
    if (last.includes('callback') || last === 'cb' || last === 'signin-oidc' || last === 'oauth2callback' || last === 'redirect' || prev === 'callback') return 'callback';
    if (last === 'userinfo' || last === 'introspect' || last === 'revoke' || last === 'me') return 'api';
    if (last === 'login' || last === 'signin' || last === 'sign-in' || last === 'authenticate' || last === 'logon' || last === 'mfa' || last === 'otp') return 'consent';
    if ((ev.code !== undefined || ev.error !== undefined) && ev.state !== undefined) return 'callback';
    // Unfamiliar authorize endpoints (`/o/oauth2/v2/auth`, `/connect/authz`): the parameters tell.
    if (ev.responseType !== undefined || (ev.clientId !== undefined && ev.redirectUri !== undefined && ev.grantType === undefined && ev.code === undefined)) return 'authorize';
  }
  if (ev.authScheme !== undefined || ev.tokens?.some((t) => t.where === 'authorization')) return 'api';
  if (ev.grantType !== undefined || ev.codeVerifier !== undefined) return 'token';
  // "redirecting to the client with code + state": the authorization response.
  if (ev.code !== undefined && ev.state !== undefined) return 'callback';
  if (p.length > 0 && (ev.status === 401 || ev.status === 403) && /^\/(api|sse|mcp|graphql|v\d+)(\/|$)/.test(p)) return 'api';
  return undefined;
}

/** True when the draft holds anything an OAuth diagnosis can use. */
export function isRelevant(ev: EventDraft): boolean {
  return ev.stage !== undefined || ev.error !== undefined || ev.reason !== undefined || ev.clientId !== undefined
    || ev.code !== undefined || ev.grantType !== undefined || ev.tokens !== undefined || ev.refreshToken !== undefined
    || ev.codeVerifier !== undefined || ev.codeChallenge !== undefined || ev.redirectUri !== undefined || ev.authScheme !== undefined;
}

const OAUTH_ERRORS = [
  'invalid_request_object', 'invalid_request_uri', 'invalid_request', 'invalid_client_metadata', 'invalid_client', 'invalid_grant',
  'unauthorized_client', 'unsupported_grant_type', 'unsupported_response_type', 'invalid_scope', 'access_denied',
  'server_error', 'temporarily_unavailable', 'invalid_token', 'insufficient_scope', 'invalid_redirect_uri', 'redirect_uri_mismatch',
  'login_required', 'consent_required', 'interaction_required', 'otp_required', 'expired_token', 'invalid_dpop_proof', 'unmet_authentication_requirements',
];
const OAUTH_ERROR_RE = new RegExp(`(?<![A-Za-z0-9_])(${OAUTH_ERRORS.join('|')})(?![A-Za-z0-9_])`);

/** The first standard OAuth error code written in `text`, if any. */
export function errorCodeInText(text: string): string | undefined {
  if (text.indexOf('_') < 0) return undefined;
  return OAUTH_ERROR_RE.exec(text)?.[1];
}

/**
 * League's generic invalid_grant message lists every possible cause ("…does not match the
 * redirection URI…, or was issued to another client"), so it must not be read as naming one.
 */
const GENERIC_GRANT_MESSAGE = 'the provided authorization grant (e.g., authorization code, resource owner credentials) or refresh token is invalid, expired, revoked, does not match the redirection uri used in the authorization request, or was issued to another client';

export interface ReasonRule { reason: FindingId; all: string[]; none?: string[] }

/** Phrases that name one cause precisely, from League/Passport, Keycloak, oidc-provider, Spring, Hydra and the seed guides. First match wins. */
export const REASON_RULES: readonly ReasonRule[] = [
  { reason: 'pkce_verifier_invalid', all: ['code verifier must follow'] },
  { reason: 'pkce_verifier_invalid', all: ['code_verifier', 'must be between'] },
  { reason: 'pkce_verifier_invalid', all: ['code_verifier', 'invalid format'] },
  { reason: 'pkce_mismatch', all: ['failed to verify `code_verifier`'] },
  { reason: 'pkce_mismatch', all: ['failed to verify code_verifier'] },
  { reason: 'pkce_mismatch', all: ['pkce verification failed'] },
  { reason: 'pkce_mismatch', all: ['pkce', 'mismatch'] },
  { reason: 'pkce_mismatch', all: ['code verifier validation failed'] },
  { reason: 'pkce_mismatch', all: ['invalid_code_verifier'] },
  { reason: 'pkce_mismatch', all: ['code_verifier', 'does not match'] },
  { reason: 'pkce_mismatch', all: ['code verifier', 'does not match'] },
  { reason: 'pkce_mismatch', all: ['check the `code_verifier` parameter', 'invalid'] },
  { reason: 'pkce_missing', all: ['check the `code_challenge` parameter'] },
  { reason: 'pkce_missing', all: ['code_challenge', 'required'] },
  { reason: 'pkce_missing', all: ['pkce', 'required'] },
  { reason: 'pkce_missing', all: ['missing parameter: code_challenge'] },
  { reason: 'pkce_missing', all: ['missing required parameter: code_challenge'] },
  { reason: 'code_expired', all: ['authorization code has expired'] },
  { reason: 'code_expired', all: ['authorization code is expired'] },
  { reason: 'code_expired', all: ['code has expired'], none: ['refresh'] },
  { reason: 'code_expired', all: ['code expired'], none: ['refresh'] },
  { reason: 'code_expired', all: ['expired_code'], none: ['login_error'] },
  { reason: 'code_reused', all: ['authorization code has been revoked'] },
  { reason: 'code_reused', all: ['code has already been used'] },
  { reason: 'code_reused', all: ['code already used'] },
  { reason: 'code_reused', all: ['already been redeemed'] },
  { reason: 'code_reused', all: ['already consumed'] },
  { reason: 'code_reused', all: ['code was already'] },
  { reason: 'code_reused', all: ['authorization_code has been used'] },
  { reason: 'client_id_mismatch', all: ['not issued to this client'] },
  { reason: 'client_id_mismatch', all: ['issued to another client'] },
  { reason: 'client_id_mismatch', all: ['client_id mismatch'] },
  { reason: 'code_not_found', all: ['cannot decrypt the authorization code'] },
  { reason: 'code_not_found', all: ['authorization code not found'] },
  { reason: 'code_not_found', all: ['code not valid'] },
  { reason: 'code_not_found', all: ['invalid authorization code'] },
  { reason: 'code_not_found', all: ['unknown authorization code'] },
  { reason: 'redirect_uri_mismatch', all: ['redirect_uri_mismatch'] },
  { reason: 'redirect_uri_mismatch', all: ['invalid_redirect_uri'] },
  { reason: 'redirect_uri_mismatch', all: ['invalid redirect uri'] },
  { reason: 'redirect_uri_mismatch', all: ['invalid parameter: redirect_uri'] },
  { reason: 'redirect_uri_mismatch', all: ['redirect_uri does not match'] },
  { reason: 'redirect_uri_mismatch', all: ['redirect uri does not match'] },
  { reason: 'redirect_uri_mismatch', all: ['redirect_uri', 'not registered'] },
  { reason: 'redirect_uri_mismatch', all: ['redirect_uri', 'not whitelisted'] },
  { reason: 'redirect_uri_mismatch', all: ['incorrect redirect_uri'] },
  { reason: 'redirect_uri_mismatch', all: ['check the `redirect_uri` parameter'] },
  { reason: 'refresh_token_reused', all: ['refresh token', 'reuse'] },
  { reason: 'refresh_token_reused', all: ['refresh_token', 'reuse'] },
  { reason: 'refresh_token_reused', all: ['refresh token', 'already been used'] },
  { reason: 'refresh_token_reused', all: ['rotated'] , none: ['not rotated'] },
  { reason: 'refresh_token_invalid', all: ['refresh token is invalid'] },
  { reason: 'refresh_token_invalid', all: ['refresh token', 'expired'] },
  { reason: 'refresh_token_invalid', all: ['refresh token', 'revoked'] },
  { reason: 'refresh_token_invalid', all: ['cannot decrypt the refresh token'] },
  { reason: 'refresh_token_invalid', all: ['refresh_token_error'] },
  { reason: 'client_ip_not_allowed', all: ['not in whitelist'] },
  { reason: 'client_ip_not_allowed', all: ['ip', 'not allowed'] },
  { reason: 'client_ip_not_allowed', all: ['invalid client ip'] },
  { reason: 'client_ip_not_allowed', all: ['ip address', 'allow'] , none: ['allowed successfully'] },
  { reason: 'session_expired', all: ['session has expired'] },
  { reason: 'session_expired', all: ['session expired'] },
  { reason: 'session_expired', all: ['session_expired'] },
  { reason: 'otp_required', all: ['otp_required'] },
  { reason: 'otp_required', all: ['requiresotp'] },
  { reason: 'jar_request_and_request_uri', all: ['request and request_uri'] },
  { reason: 'jar_required', all: ['request parameter is required'] },
  { reason: 'jar_required', all: ['request object is required'] },
  { reason: 'jar_expired', all: ['request object', 'expired'] },
  { reason: 'jar_expired', all: ['request object', 'lifetime'] },
  { reason: 'jar_invalid', all: ['invalid_request_object'] },
  { reason: 'jar_invalid', all: ['request object', 'invalid'] },
  { reason: 'environment_mismatch', all: ['sandbox', 'production'] },
  { reason: 'client_key_invalid', all: ['invalid client key'] },
  { reason: 'client_key_missing', all: ['missing client key'] },
  { reason: 'client_key_missing', all: ['x-client-key', 'missing'] },
  { reason: 'missing_bearer_prefix', all: ['missing bearer'] },
  { reason: 'missing_bearer_prefix', all: ['bearer prefix'] },
  { reason: 'insufficient_scope', all: ['insufficient_scope'] },
  { reason: 'token_expired', all: ['jwt expired'] },
  { reason: 'token_expired', all: ['token has expired'], none: ['refresh'] },
  { reason: 'token_expired', all: ['token is expired'], none: ['refresh'] },
  { reason: 'token_expired', all: ['"exp" claim timestamp check failed'] },
  { reason: 'token_expired', all: ['access token expired'] },
  { reason: 'scope_not_allowed', all: ['requested scope is invalid'] },
  { reason: 'scope_not_allowed', all: ['scope', 'not allowed'] },
  { reason: 'scope_not_allowed', all: ['invalid_scope'] },
  { reason: 'unauthorized_client', all: ['not authorized to use this authorization grant type'] },
  { reason: 'unauthorized_client', all: ['public clients are not authorized'] },
  { reason: 'unsupported_grant_type', all: ['grant type is not supported'] },
  { reason: 'access_denied', all: ['denied the request'] },
  { reason: 'access_denied', all: ['rejected_by_user'] },
  { reason: 'access_denied', all: ['consent_denied'] },
];

/**
 * The catalog id a message names precisely, if any (e.g. "Authorization code has expired" →
 * `code_expired`), plus the parameter named by "Check the `x` parameter" / "Missing required
 * parameter: x" texts.
 */
export function reasonFromText(text: string): { reason?: FindingId; param?: string } {
  const head = text.length > 8192 ? text.slice(0, 8192) : text;
  // Every rule names something going wrong; lines without such a word (most request logs) skip the rules.
  if (!REASON_GATE_RE.test(head)) return {};
  let t = head.toLowerCase();
  if (t.includes(GENERIC_GRANT_MESSAGE)) t = t.split(GENERIC_GRANT_MESSAGE).join(' ');
  let reason: FindingId | undefined;
  for (const rule of REASON_RULES) {
    if (rule.all.every((s) => t.includes(s)) && !(rule.none?.some((s) => t.includes(s)))) {
      reason = rule.reason;
      break;
    }
  }
  const param = parameterNamed(t);
  if (reason === undefined && param !== undefined) reason = 'missing_required_parameter';
  return { ...(reason ? { reason } : {}), ...(param ? { param } : {}) };
}

/** Words at least one of which every {@link REASON_RULES} rule contains (a unit test keeps this true). */
export const REASON_GATE_RE = /parameter|fail|lifetime|invalid|denied|expire|revoke|mismatch|not |missing|require|reuse|rotated|reject|whitelist|insufficient|otp|unauthori|already|consumed|redeemed|cannot|does not|unknown|sandbox|allow|bearer|must|issued to|_error|used|incorrect|request and/i;

const PARAM_RES = [
  /check the `([a-z_]{2,40})` parameter/,
  /missing (?:required )?parameter:? `?([a-z_]{2,40})/,
  /missing required parameter ["'`]?([a-z_]{2,40})/,
  /["'`]?([a-z_]{2,40})["'`]? (?:parameter )?is (?:missing|required)/,
];
const PARAM_NAMES = new Set(['response_type', 'client_id', 'redirect_uri', 'state', 'scope', 'code_challenge', 'code_challenge_method', 'code_verifier', 'grant_type', 'code', 'refresh_token', 'client_secret', 'nonce', 'request', 'request_uri', 'username', 'password', 'assertion', 'resource', 'audience']);

function parameterNamed(lower: string): string | undefined {
  if (!lower.includes('parameter') && !lower.includes('missing') && !lower.includes('required')) return undefined;
  for (const re of PARAM_RES) {
    const m = re.exec(lower);
    if (m && PARAM_NAMES.has(m[1]!)) return m[1];
  }
  return undefined;
}

/** Applies {@link reasonFromText} and the OAuth error word of `text` to the draft. */
export function applyText(ev: EventDraft, text: string): void {
  const { reason, param } = reasonFromText(text);
  if (reason !== undefined) ev.reason ??= reason;
  if (param !== undefined) ev.extra = { ...ev.extra, param };
  if (ev.error === undefined) {
    const e = errorCodeInText(text);
    if (e !== undefined) ev.error = e;
  }
  if (ev.reason === 'client_ip_not_allowed' && ev.extra?.['deniedIp'] === undefined) {
    const ip = /(?<![\d.])(\d{1,3}(?:\.\d{1,3}){3})(?![\d.])|\b([0-9a-f]{1,4}(?::[0-9a-f]{0,4}){2,7})\b/i.exec(text.length > 4096 ? text.slice(0, 4096) : text);
    if (ip) ev.extra = { ...ev.extra, deniedIp: ip[1] ?? ip[2]! };
  }
}

const METHOD_URL_RE = /(?<![A-Za-z])(GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS)\s+((?:https?:\/\/|\/)[^\s"'<>]{0,8192})/;
const AUTH_HEADER_RE = /authorization["']?\s*[:=]\s*["']?((?:Bearer|Basic|DPoP|Token)\s+)?([A-Za-z0-9._~+/=-]{4,8192})/i;

/**
 * Scans free text for `key=value` and `key: value` pairs and absolute or rooted URLs with query
 * strings, applying the OAuth ones. Linear in the text length; capped.
 */
export function applyLooseText(ev: EventDraft, text: string): void {
  const t = text.length > 16_384 ? text.slice(0, 16_384) : text;
  if (t.includes('uthorization')) {
    const auth = AUTH_HEADER_RE.exec(t);
    if (auth) applyAuthorization(ev, (auth[1] ?? '') + auth[2]!);
  }
  if (t.includes('eyJ')) for (const jwt of findJwts(t).slice(0, MAX_TOKENS)) addToken(ev, seenToken(jwt, 'text'));
  // Every URL form below contains `/`, every key form `=` or `:`; messages such as "Token
  // request" have none of them and skip the scans.
  const hasSlash = t.includes('/');
  if (!hasSlash && !t.includes('=') && !t.includes(':')) return;
  const req = hasSlash ? METHOD_URL_RE.exec(t) : null;
  if (req) {
    applyMethod(ev, req[1]!);
    applyUrl(ev, req[2]!);
  }
  let n = 0;
  const re = /(?:^|[\s"'(,;{[])(?:(GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS)\s+)?((?:https?:\/\/[^\s"'<>]+)|(?:\/[^\s"'<>?]*\?[^\s"'<>]+)|(?:\/[A-Za-z0-9._~\-/]*(?:authorize|token|callback|register|well-known\/[a-z-]+|userinfo|interaction\/[A-Za-z0-9_-]+|login|consent)\b))|([A-Za-z][A-Za-z0-9_.-]{0,40})["']?\s*[=:]\s*(?:"([^"]{0,2048})"|'([^']{0,2048})'|([^\s,;&"'})\]]{1,4096}))/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(t)) !== null && n < MAX_PARAMS) {
    n++;
    if (m[2] !== undefined) {
      if (m[1] !== undefined) applyMethod(ev, m[1]);
      if (ev.path === undefined || m[1] !== undefined) applyUrl(ev, m[2]);
      else {
        const q = m[2].indexOf('?');
        if (q >= 0) applyQueryString(ev, m[2].slice(q + 1));
      }
    } else if (m[3] !== undefined) {
      const value = m[4] ?? m[5] ?? m[6] ?? '';
      const key = m[3];
      const k = normKey(key);
      if (k === 'status' || k === 'statuscode' || k === 'httpstatus') {
        const s = Number(value);
        if (Number.isInteger(s) && s >= 100 && s <= 599) ev.status ??= s;
      } else if (k === 'method') applyMethod(ev, value);
      else if (k === 'url' || k === 'uri' || k === 'path' || k === 'requesturi' && value.startsWith('/')) applyUrl(ev, value);
      else applyParam(ev, key, k === 'redirecturi' || k === 'scope' || /%[0-9A-Fa-f]{2}/.test(value) || (k === 'errordescription' && !value.includes(' ')) ? decodeQueryValue(value) : value);
    }
  }
}

/**
 * The message an event stores: redacted, and capped at {@link MAX_MESSAGE_CHARS}. The text is
 * cut before redaction (redaction is linear, but a 10 MB line need not be redacted whole);
 * a JWT cut in half at the end is masked too.
 */
export function safeMessage(text: string, holdsSecret = false): string {
  let t = text.length > MAX_MESSAGE_CHARS * 2 ? text.slice(0, MAX_MESSAGE_CHARS * 2) : text;
  t = holdsSecret ? redactSecrets(t) : redact(t);
  if (t.includes('eyJ')) t = t.replace(/eyJ[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*)?$/, (jwtPart) => `${jwtPart.slice(0, 10)}…[${fingerprint(jwtPart)}]`);
  if (t.length > MAX_MESSAGE_CHARS) t = t.slice(0, MAX_MESSAGE_CHARS - 1) + '…';
  return t;
}

/** OAuth error codes that name one catalog id by themselves. */
const ERROR_REASONS: Record<string, FindingId> = {
  otp_required: 'otp_required', insufficient_scope: 'insufficient_scope', invalid_request_object: 'jar_invalid',
  redirect_uri_mismatch: 'redirect_uri_mismatch', invalid_redirect_uri: 'redirect_uri_mismatch', access_denied: 'access_denied',
  invalid_scope: 'scope_not_allowed', unsupported_grant_type: 'unsupported_grant_type', unauthorized_client: 'unauthorized_client',
};

/** Completes a draft into an event. */
export function finishEvent(ev: EventDraft, ref: OAuthEvent['ref'], format: string, message: string): OAuthEvent {
  if (ev.reason === undefined && ev.errorDescription !== undefined) applyText(ev, ev.errorDescription);
  if (ev.reason === undefined && ev.error !== undefined) {
    const r = ERROR_REASONS[ev.error];
    if (r !== undefined) ev.reason = r;
  }
  if (ev.stage === undefined) {
    const s = stageForRequest(ev);
    if (s !== undefined) ev.stage = s;
  }
  // Passport's "Deny" button is DELETE /oauth/authorize, answered with a redirect carrying error=access_denied.
  if (ev.method === 'DELETE' && ev.stage === 'consent' && ev.path !== undefined && /\/oauth\/authorize$/i.test(ev.path)) {
    ev.error ??= 'access_denied';
    ev.reason ??= 'access_denied';
  }
  // A draft with a code, token or verifier came from a line that holds one: redact without the pre-check.
  const holdsSecret = ev.code !== undefined || ev.tokens !== undefined || ev.refreshToken !== undefined || ev.codeVerifier !== undefined;
  return { ref, format, message: safeMessage(message, holdsSecret), ...ev };
}

/**
 * {@link finishEvent}, or undefined when the draft holds nothing OAuth-relevant – decided before
 * the message is redacted, which is the costly part for the many lines that only look relevant.
 */
export function finishRelevantEvent(ev: EventDraft, ref: OAuthEvent['ref'], format: string, message: string): OAuthEvent | undefined {
  if (ev.stage === undefined) {
    const s = stageForRequest(ev);
    if (s !== undefined) ev.stage = s;
  }
  if (!isRelevant(ev) && ev.errorDescription === undefined) return undefined;
  const out = finishEvent(ev, ref, format, message);
  return isRelevant(out) ? out : undefined;
}
