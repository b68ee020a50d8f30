/**
 * What the engine knows about an event beyond the parser's OAuthEvent (JWT checks at the time of
 * use, the shape of the Authorization header), and the stage and failure classification every
 * detector shares.
 */
import type { OAuthEvent, Stage } from '../model';
import type { FlowState } from './correlator';
import { STAGES } from '../model';

/** A JWT seen on the line, checked at the time of the line (masked: never the raw token). */
export interface TokenFact {
  fingerprint: string;
  preview: string;
  kind: 'access_token' | 'id_token' | 'logout_token' | 'request_object' | 'unknown';
  /** Seconds the token had been expired when the line was written (positive = expired). */
  expiredForSec?: number;
  /** True when the token sat in an `Authorization: Bearer` header on this line. */
  asBearer: boolean;
}

/** Facts derived from an event once, when it arrives (the engine keeps no raw secrets). */
export interface EventFacts {
  /** BASE64URL(SHA256(code_verifier)) when the line carried a verifier (public, like the challenge). */
  verifierS256?: string;
  tokens?: TokenFact[];
  /** `Authorization:` header present without the `Bearer ` scheme: what is wrong with it. */
  bearerPrefixProblem?: string;
}

/** An event as the correlator holds it. */
export interface TrackedEvent {
  ev: OAuthEvent;
  facts: EventFacts;
  /** Arrival order across all sources. */
  seq: number;
  /** Resolved stage (the parser's, else inferred from path and parameters). */
  stage: Stage;
  /** seq of the event in another source that logged the same request, when merged. */
  sameRequestAs?: number;
  /** `METHOD /path` (no query), cached by the correlator. */
  requestKey?: string;
  /** The flow the correlator put it in (kept up to date across merges; a dropped flow says so). */
  flow?: FlowState;
}

export const STAGE_INDEX: Readonly<Record<Stage, number>> = Object.fromEntries(
  STAGES.map((s, i) => [s, i]),
) as Record<Stage, number>;

const STATIC_ASSET_RE = /\.(?:css|js|mjs|map|png|jpe?g|gif|svg|ico|webp|avif|woff2?|ttf|eot|otf|txt|xml|webmanifest)$/i;
const PROBE_PATH_RE = /^\/(?:favicon\.ico|robots\.txt|health(?:z|check)?|healthcheck|ready(?:z)?|readiness|live(?:z)?|liveness|ping|metrics|status|up|_health|server-status|nginx_status)(?:\/|$)/i;

/**
 * Paths that are never part of an OAuth flow: favicons, static assets, health and metrics
 * probes. Their 404s and 401s are noise, not failures (issue 3 "healthy flows").
 */
export function isNoisePath(path: string | undefined): boolean {
  if (!path) return false;
  const p = stripQuery(path);
  return PROBE_PATH_RE.test(p) || (STATIC_ASSET_RE.test(p) && !/\.well-known\//i.test(p) && !/jwks/i.test(p));
}

/** The path without query string or fragment. */
export function stripQuery(path: string): string {
  const q = path.search(/[?#]/);
  return q >= 0 ? path.slice(0, q) : path;
}

/**
 * The stage of an event: the parser's when given, else inferred from the path and parameters.
 * `undefined` when the event does not belong to an OAuth flow at all.
 */
export function resolveStage(ev: OAuthEvent): Stage | undefined {
  if (ev.stage) return ev.stage;
  const p = ev.path ? stripQuery(ev.path).toLowerCase() : '';
  if (p) {
    if (p.includes('/.well-known/')) return 'discovery';
    if (/\/(?:register|registration|clients?)$/.test(p) && (ev.method ?? 'POST').toUpperCase() === 'POST') return 'registration';
    if (/\/(?:authorize|authorization|auth)(?:\/|$)/.test(p) && !p.includes('/approve') && !p.includes('/consent')) {
      return 'authorize';
    }
    if (/\/(?:consent|approve|login|signin|interaction)(?:\/|$)/.test(p)) return 'consent';
    if (/\/(?:callback|redirect|cb|oauth2?-?callback)(?:\/|$)/.test(p)) return 'callback';
    if (/\/(?:token|oauth\/token|oauth2\/token|access_token)(?:\/|$)/.test(p)) return 'token';
  }
  if (ev.grantType) return 'token';
  if (ev.responseType || ev.codeChallenge) return 'authorize';
  if (ev.code && ev.state) return 'callback';
  if (ev.tokens?.length && p) return 'api';
  if (p && /^\/(?:api|mcp|sse|userinfo|graphql|v\d+)(?:\/|$)/.test(p)) return 'api';
  if (ev.error) return errorStage(ev.error);
  return undefined;
}

function errorStage(error: string): Stage | undefined {
  switch (error) {
    case 'access_denied':
    case 'otp_required':
      return 'consent';
    case 'invalid_grant':
    case 'invalid_client':
    case 'unsupported_grant_type':
    case 'unauthorized_client':
      return 'token';
    case 'invalid_token':
    case 'insufficient_scope':
      return 'api';
    case 'invalid_request_object':
    case 'invalid_scope':
      return 'authorize';
    case 'invalid_client_metadata':
    case 'invalid_redirect_uri':
      return 'registration';
    default:
      return undefined;
  }
}

/**
 * Grant types that exchange no authorization code (refresh, client credentials, password, device
 * code, token exchange). A switch, not a Set: no hashing of a fresh string per event.
 */
export function isNonCodeGrant(grantType: string | undefined): boolean {
  switch (grantType) {
    case 'refresh_token':
    case 'client_credentials':
    case 'password':
    case 'urn:ietf:params:oauth:grant-type:device_code':
    case 'urn:ietf:params:oauth:grant-type:token-exchange':
      return true;
    default:
      return false;
  }
}

/** True for an event that reports something going wrong (an OAuth error or an HTTP 4xx/5xx). */
export function isFailure(ev: OAuthEvent): boolean {
  if (ev.error) return true;
  return ev.status !== undefined && ev.status >= 400;
}

/** True for an event that reports success (2xx/3xx without an error). */
export function isSuccess(ev: OAuthEvent): boolean {
  return !ev.error && ev.status !== undefined && ev.status >= 200 && ev.status < 400;
}

/** Statuses a client is expected to retry (overload, gateway): a later success at the same step heals them. */
export function isTransientStatus(status: number | undefined): boolean {
  return status === 502 || status === 503 || status === 504 || status === 429;
}
