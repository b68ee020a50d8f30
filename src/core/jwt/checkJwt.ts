/**
 * Claim checks on a decoded JWT, at a given moment: expiry (and how long ago), not-yet-valid
 * (clock skew), `alg: none`, issuer and audience against what the caller expects (calling out the
 * trailing-slash-only difference that breaks so many setups), an ID or logout token used as a
 * bearer token, and refresh hints. Pure; no signature check (see `verifyJwt.ts`).
 */
import type { FindingId } from '../catalog/findingIds';
import type { Severity } from '../model';
import type { DecodedJwt } from './decodeJwt';

export interface JwtProblem {
  id: FindingId;
  severity: Severity;
  detail: string;
}

export interface JwtCheckOptions {
  /**
   * The moment of use, milliseconds since the epoch (like `OAuthEvent.time`). Values below 1e11 are
   * taken as seconds, so a caller passing a JWT-style timestamp still gets the right answer.
   * Default: now.
   */
  at?: number;
  expectedIssuer?: string;
  expectedAudience?: string | string[];
  /** The token was sent as `Authorization: Bearer` to an API. */
  usedAsBearer?: boolean;
  /** Tolerated clock difference between the AS and the checker, seconds. Default 60. */
  clockSkewSec?: number;
}

/** Default tolerated clock skew: one minute, what most libraries and servers allow. */
export const DEFAULT_CLOCK_SKEW_SEC = 60;

/**
 * Checks the claims of `jwt` and returns every problem found (empty = nothing to report).
 *
 * @example checkJwt(decoded, { at: Date.now(), expectedIssuer: 'https://as.example' })
 *   // [{ id: 'token_expired', severity: 'error', detail: 'The token expired 3 h 12 min ago (exp 2026-…)' }]
 */
export function checkJwt(jwt: DecodedJwt, opts: JwtCheckOptions = {}): JwtProblem[] {
  const problems: JwtProblem[] = [];
  const header = jwt?.header ?? {};
  const payload = jwt?.payload ?? {};
  const nowSec = toSeconds(opts.at);
  const skew = typeof opts.clockSkewSec === 'number' && opts.clockSkewSec >= 0 ? opts.clockSkewSec : DEFAULT_CLOCK_SKEW_SEC;

  const alg = header['alg'];
  if (typeof alg === 'string' && alg.toLowerCase() === 'none') {
    problems.push({ id: 'token_signature_invalid', severity: 'error', detail: 'The token is unsigned ("alg": "none"): anyone could have written it, and a resource server must refuse it. The authorization server should sign tokens with a key published in its JWKS.' });
  }

  const exp = payload['exp'];
  if (exp !== undefined && !isNumericDate(exp)) {
    problems.push({ id: 'token_expired', severity: 'warning', detail: `The "exp" claim is not a number of seconds (${describeValue(exp)}); most validators reject such a token as expired or malformed.` });
  } else if (isNumericDate(exp) && nowSec > exp + skew) {
    problems.push({ id: 'token_expired', severity: 'error', detail: `The token expired ${humanDuration(nowSec - exp)} ago (exp ${isoTime(exp)}${lifetimeNote(payload)}). Get a new access token${jwt.kind === 'access_token' ? ' (refresh it, or restart the login)' : ''}.` });
  }

  const nbf = payload['nbf'];
  if (isNumericDate(nbf) && nbf > nowSec + skew) {
    problems.push({ id: 'token_not_yet_valid', severity: 'error', detail: `The token is not valid before ${isoTime(nbf)}, ${humanDuration(nbf - nowSec)} in the future (allowed skew ${skew} s): the clocks of the issuer and this machine/the API disagree. Sync them with NTP.` });
  }
  const iat = payload['iat'];
  if (isNumericDate(iat) && iat > nowSec + skew && !(isNumericDate(nbf) && nbf > nowSec + skew)) {
    problems.push({ id: 'token_not_yet_valid', severity: 'warning', detail: `The token says it was issued at ${isoTime(iat)}, ${humanDuration(iat - nowSec)} in the future (allowed skew ${skew} s): the issuer's clock runs ahead. Validators that check "iat" reject it; sync the clocks with NTP.` });
  }

  if (opts.expectedIssuer !== undefined && opts.expectedIssuer !== '') {
    const iss = payload['iss'];
    if (typeof iss !== 'string') {
      problems.push({ id: 'token_issuer_mismatch', severity: 'error', detail: `The token has no "iss" claim; the API expects ${quote(opts.expectedIssuer)}.` });
    } else if (iss !== opts.expectedIssuer) {
      problems.push({ id: 'token_issuer_mismatch', severity: 'error', detail: `The token's issuer is ${quote(iss)} but ${quote(opts.expectedIssuer)} is expected${stringDifference(iss, opts.expectedIssuer)}.` });
    }
  }

  if (opts.expectedAudience !== undefined) {
    const expected = (Array.isArray(opts.expectedAudience) ? opts.expectedAudience : [opts.expectedAudience]).filter((a) => typeof a === 'string' && a !== '');
    if (expected.length > 0) {
      const aud = payload['aud'];
      const auds = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
      if (auds.length === 0) {
        problems.push({ id: 'token_audience_mismatch', severity: 'error', detail: `The token has no "aud" claim; the API expects ${expected.map(quote).join(' or ')}. Request the token with the right "resource"/"audience" parameter.` });
      } else if (!auds.some((a) => expected.includes(a))) {
        const near = closestPair(auds, expected);
        problems.push({ id: 'token_audience_mismatch', severity: 'error', detail: `The token is for ${auds.map(quote).join(', ')} but the API expects ${expected.map(quote).join(' or ')}${near ? stringDifference(near[0], near[1]) : ''}. Request the token for this API (resource/audience parameter) or fix the API's expected audience.` });
      }
    }
  }

  const ptyp = typeof payload['typ'] === 'string' ? payload['typ'].toLowerCase() : '';
  if (opts.usedAsBearer && (ptyp === 'refresh' || ptyp === 'offline')) {
    problems.push({ id: 'wrong_token_used', severity: 'error', detail: 'A refresh token (Keycloak "typ": "' + String(payload['typ']) + '") was sent as the Bearer token. Refresh tokens only go to the token endpoint (grant_type=refresh_token); send the access_token to the API.' });
  } else if (opts.usedAsBearer && jwt.kind !== 'access_token' && jwt.kind !== 'unknown') {
    const what = jwt.kind === 'id_token' ? 'an ID token' : jwt.kind === 'logout_token' ? 'a logout token' : 'a request object';
    problems.push({ id: 'wrong_token_used', severity: 'error', detail: `${capitalize(what)} was sent as the Bearer token. ID tokens prove the login to the client; APIs expect the access_token from the token response. Send "access_token", not "${jwt.kind === 'id_token' ? 'id_token' : jwt.kind}".` });
  }

  if (jwt.kind === 'access_token') {
    const scope = typeof payload['scope'] === 'string' ? payload['scope'] : Array.isArray(payload['scp']) ? (payload['scp'] as unknown[]).filter((s) => typeof s === 'string').join(' ') : typeof payload['scp'] === 'string' ? payload['scp'] : undefined;
    if (scope !== undefined && !isMachineToken(payload) && !scope.split(/\s+/).includes('offline_access')) {
      problems.push({ id: 'offline_access_missing', severity: 'info', detail: `The granted scope (${quote(clip(scope, 120))}) has no "offline_access"; many servers only issue a refresh token when it is requested, so the session ends when this token expires.` });
    }
  }
  return problems;
}

/**
 * A token with no user behind it (client credentials): RFC 9068 §2.2 has `sub` name the client;
 * Auth0 marks it with `gty`. Such grants never get refresh tokens, so refresh hints do not apply.
 */
function isMachineToken(payload: Record<string, unknown>): boolean {
  if (payload['gty'] === 'client-credentials') return true;
  const sub = payload['sub'];
  if (typeof sub !== 'string') return true;
  const client = typeof payload['client_id'] === 'string' ? payload['client_id'] : payload['azp'];
  return typeof client === 'string' && sub === client;
}

/** Human duration for details: "45 s", "12 min 5 s", "3 h 12 min", "2 days 4 h". */
export function humanDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h${Math.floor((s % 3600) / 60) ? ` ${Math.floor((s % 3600) / 60)} min` : ''}`;
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  return `${d} day${d === 1 ? '' : 's'}${h ? ` ${h} h` : ''}`;
}

/** Converts the `at` option (ms, or seconds if small) to seconds; defaults to now. */
export function toSeconds(at: number | undefined): number {
  if (typeof at !== 'number' || !Number.isFinite(at)) return Date.now() / 1000;
  return at < 1e11 ? at : at / 1000;
}

/** "" when equal; otherwise " – they differ only by …" for the classic near misses. */
export function stringDifference(a: string, b: string): string {
  const trim = (s: string): string => s.replace(/\/+$/, '');
  if (trim(a) === trim(b)) return ' – they differ only by a trailing slash, and the comparison is exact';
  if (a.toLowerCase() === b.toLowerCase()) return ' – they differ only in letter case';
  if (a.replace(/^http:/i, 'https:') === b.replace(/^http:/i, 'https:')) return ' – they differ only in the scheme (http vs https), often a proxy that terminates TLS';
  if (a.trim() === b.trim()) return ' – they differ only by surrounding whitespace';
  return '';
}

function isNumericDate(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function isoTime(sec: number): string {
  const d = new Date(sec * 1000);
  return Number.isNaN(d.getTime()) ? String(sec) : d.toISOString().replace('.000Z', 'Z');
}

function lifetimeNote(payload: Record<string, unknown>): string {
  const iat = payload['iat'];
  const exp = payload['exp'];
  if (!isNumericDate(iat) || !isNumericDate(exp) || exp <= iat) return '';
  return `; it was valid for ${humanDuration(exp - iat)}`;
}

function closestPair(a: string[], b: string[]): [string, string] | undefined {
  for (const x of a) for (const y of b) if (stringDifference(x, y) !== '') return [x, y];
  return undefined;
}

function describeValue(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v;
  return clip(s, 40);
}

function quote(s: string): string {
  return JSON.stringify(clip(s, 200));
}

function clip(s: string, n: number): string {
  return s.length > n ? s.slice(0, n) + '…' : s;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
