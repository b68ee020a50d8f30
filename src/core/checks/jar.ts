/**
 * JWT-secured authorization requests (JAR, RFC 9101): checks a request object the way a strict
 * authorization server would, and names every problem – structure, algorithm, key id, missing
 * claims, lifetime – instead of the server's one-line "invalid_request_object".
 *
 * Pure: the signature itself is not verified here (that needs the client's key or secret).
 */
import { decodeJwt } from '../jwt/decodeJwt';
import { humanDuration, stringDifference, toSeconds } from '../jwt/checkJwt';
import type { JwtProblem } from '../jwt/checkJwt';

export interface RequestObjectOptions {
  /** Moment the request object was used, ms since the epoch (seconds accepted). Default: now. */
  at?: number;
  /** Longest lifetime (exp − iat) the server accepts, seconds. Default 300 (five minutes). */
  maxLifetimeSec?: number;
  /** The client_id of the outer authorize request, when known. */
  clientId?: string;
  /** The authorization server's issuer, which the `aud` claim must name. */
  audience?: string;
  /** Tolerated clock difference, seconds. Default 60. */
  clockSkewSec?: number;
}

/** Claims a request object needs: the JWT claims a strict server checks plus the core authorization parameters. */
export const REQUIRED_REQUEST_OBJECT_CLAIMS = ['iss', 'aud', 'iat', 'exp', 'jti', 'client_id', 'redirect_uri', 'response_type'] as const;
export const DEFAULT_MAX_LIFETIME_SEC = 300;
const ASYMMETRIC = /^(RS|PS|ES)(256|384|512)$|^EdDSA$|^Ed25519$|^Ed448$/;
const SYMMETRIC = /^HS(256|384|512)$/;

/**
 * Checks a request object (the value of the `request` parameter).
 *
 * @example checkRequestObject(jwt, { clientId: 'abc', audience: 'https://as.example' })
 *   // [{ id: 'jar_invalid', severity: 'error', detail: 'The request object lacks the claims jti, redirect_uri…' }]
 */
export function checkRequestObject(jwt: string, opts: RequestObjectOptions = {}): JwtProblem[] {
  const decoded = decodeJwt(jwt);
  if (!decoded.ok) {
    if (/encrypted JWT/.test(decoded.error)) {
      return [{ id: 'jar_invalid', severity: 'info', detail: 'The request object is encrypted (JWE); its claims cannot be checked here without the server\'s decryption key.' }];
    }
    return [{ id: 'jar_invalid', severity: 'error', detail: `The request object is not a usable JWT: ${decoded.error}` }];
  }
  const { header, payload } = decoded.jwt;
  const problems: JwtProblem[] = [];
  const nowSec = toSeconds(opts.at);
  const skew = typeof opts.clockSkewSec === 'number' && opts.clockSkewSec >= 0 ? opts.clockSkewSec : 60;
  const maxLifetime = typeof opts.maxLifetimeSec === 'number' && opts.maxLifetimeSec > 0 ? opts.maxLifetimeSec : DEFAULT_MAX_LIFETIME_SEC;

  const alg = typeof header['alg'] === 'string' ? header['alg'] : '';
  if (alg.toLowerCase() === 'none') {
    problems.push({ id: 'jar_invalid', severity: 'error', detail: 'The request object is unsigned ("alg": "none"); servers that require request objects refuse unsigned ones. Sign it with the client secret (HS256) or a registered private key (e.g. EdDSA, RS256, ES256).' });
  } else if (!ASYMMETRIC.test(alg) && !SYMMETRIC.test(alg)) {
    problems.push({ id: 'jar_invalid', severity: 'error', detail: `The request object uses the algorithm ${JSON.stringify(alg.slice(0, 30))}, which is not a JWS signing algorithm servers accept; check "request_object_signing_alg_values_supported" in the metadata.` });
  } else if (ASYMMETRIC.test(alg) && (typeof header['kid'] !== 'string' || header['kid'] === '')) {
    problems.push({ id: 'jar_invalid', severity: 'error', detail: `The request object is signed with ${alg} but its header has no "kid"; the server cannot tell which of the client's registered keys to verify with. Put the registered key's kid in the header.` });
  } else if (SYMMETRIC.test(alg) && typeof header['kid'] === 'string') {
    problems.push({ id: 'jar_invalid', severity: 'info', detail: `The request object is signed with ${alg} (the client secret) but carries a "kid"; some servers then look for a registered key with that kid and fail. Leave kid out for HMAC.` });
  }
  const typ = typeof header['typ'] === 'string' ? header['typ'].toLowerCase().replace(/^application\//, '') : undefined;
  if (typ !== undefined && typ !== 'oauth-authz-req+jwt' && typ !== 'jwt') {
    problems.push({ id: 'jar_invalid', severity: 'warning', detail: `The request object's "typ" is ${JSON.stringify(String(header['typ']).slice(0, 40))}; use "oauth-authz-req+jwt" (RFC 9101 §10.8) so it cannot be confused with other JWTs.` });
  }

  const missing = REQUIRED_REQUEST_OBJECT_CLAIMS.filter((c) => payload[c] === undefined || payload[c] === null || payload[c] === '');
  if (missing.length > 0) {
    problems.push({ id: 'jar_invalid', severity: 'error', detail: `The request object lacks the claim${missing.length === 1 ? '' : 's'} ${missing.join(', ')}. All authorization parameters and the JWT claims iss, aud, iat, exp and jti belong inside the signed object.` });
  }
  for (const nested of ['request', 'request_uri'] as const) {
    if (payload[nested] !== undefined) {
      problems.push({ id: 'jar_invalid', severity: 'error', detail: `The request object contains a "${nested}" claim; a request object must not nest another one (RFC 9101 §4).` });
    }
  }

  const clientIdClaim = typeof payload['client_id'] === 'string' ? payload['client_id'] : undefined;
  const iss = typeof payload['iss'] === 'string' ? payload['iss'] : undefined;
  if (opts.clientId !== undefined && clientIdClaim !== undefined && clientIdClaim !== opts.clientId) {
    problems.push({ id: 'jar_invalid', severity: 'error', detail: `The client_id inside the request object (${JSON.stringify(clip(clientIdClaim))}) differs from the client_id of the authorize request (${JSON.stringify(clip(opts.clientId))})${stringDifference(clientIdClaim, opts.clientId)}; they must be identical (RFC 9101 §5).` });
  }
  const expectedIss = clientIdClaim ?? opts.clientId;
  if (iss !== undefined && expectedIss !== undefined && iss !== expectedIss) {
    problems.push({ id: 'jar_invalid', severity: 'error', detail: `The request object's iss (${JSON.stringify(clip(iss))}) should be the client_id (${JSON.stringify(clip(expectedIss))})${stringDifference(iss, expectedIss)}.` });
  }
  if (opts.audience !== undefined && opts.audience !== '' && payload['aud'] !== undefined) {
    const aud = payload['aud'];
    const auds = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
    if (!auds.includes(opts.audience)) {
      const near = auds.find((a) => stringDifference(a, opts.audience as string) !== '');
      problems.push({ id: 'jar_invalid', severity: 'error', detail: `The request object's aud (${auds.map((a) => JSON.stringify(clip(a))).join(', ') || 'not a string'}) does not name the authorization server ${JSON.stringify(clip(opts.audience))}${near ? stringDifference(near, opts.audience) : ''}. Set aud to the server's issuer.` });
    }
  }

  const iat = payload['iat'];
  const exp = payload['exp'];
  for (const [name, v] of [['iat', iat], ['exp', exp]] as const) {
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) {
      problems.push({ id: 'jar_invalid', severity: 'error', detail: `The request object's "${name}" is not a number of seconds since 1970 (${JSON.stringify(v).slice(0, 40)}).` });
    }
  }
  const iatN = typeof iat === 'number' && Number.isFinite(iat) ? iat : undefined;
  const expN = typeof exp === 'number' && Number.isFinite(exp) ? exp : undefined;
  if (expN !== undefined && nowSec > expN + skew) {
    problems.push({ id: 'jar_expired', severity: 'error', detail: `The request object expired ${humanDuration(nowSec - expN)} before it was used (exp ${iso(expN)}). Create it right before redirecting the user; do not prepare or cache it.` });
  }
  if (iatN !== undefined && iatN > nowSec + skew) {
    problems.push({ id: 'jar_expired', severity: 'error', detail: `The request object's iat (${iso(iatN)}) lies ${humanDuration(iatN - nowSec)} in the future: the client's clock runs ahead. Sync it with NTP.` });
  }
  if (iatN !== undefined && expN !== undefined) {
    if (expN <= iatN) {
      problems.push({ id: 'jar_expired', severity: 'error', detail: `The request object's exp (${iso(expN)}) is not after its iat (${iso(iatN)}): it was never valid.` });
    } else if (expN - iatN > maxLifetime) {
      problems.push({ id: 'jar_expired', severity: 'error', detail: `The request object is valid for ${humanDuration(expN - iatN)}, longer than the ${humanDuration(maxLifetime)} the server accepts. Set exp = iat + ${maxLifetime} seconds or less.` });
    }
  }
  return problems;
}

/**
 * Flags an authorize request that carries both `request` and `request_uri` (RFC 9101 §5 allows
 * only one). Accepts a parsed query (URLSearchParams, Map or plain object).
 *
 * @example checkRequestAndRequestUri(new URL(authorizeUrl).searchParams) // undefined when fine
 */
export function checkRequestAndRequestUri(params: URLSearchParams | Map<string, string | undefined> | Record<string, unknown> | undefined): JwtProblem | undefined {
  if (!params) return undefined;
  const get = (k: string): unknown =>
    params instanceof URLSearchParams ? params.get(k) ?? undefined : params instanceof Map ? params.get(k) : (params as Record<string, unknown>)[k];
  const has = (k: string): boolean => {
    const v = get(k);
    return v !== undefined && v !== null && v !== '';
  };
  if (has('request') && has('request_uri')) {
    return { id: 'jar_request_and_request_uri', severity: 'error', detail: 'The authorize request carries both "request" and "request_uri"; send the request object either by value (request) or by reference (request_uri), never both.' };
  }
  return undefined;
}

function iso(sec: number): string {
  const d = new Date(sec * 1000);
  return Number.isNaN(d.getTime()) ? String(sec) : d.toISOString().replace('.000Z', 'Z');
}

function clip(s: string): string {
  return s.length > 120 ? s.slice(0, 120) + '…' : s;
}
