/** Builds OAuthEvents by hand for correlation and detector tests (no parser involved). */
import type { OAuthEvent, SeenToken } from '../../../src/core/model';
import { fingerprint } from '../../../src/core/redact/redact';

const BASE = Date.parse('2026-11-28T10:00:00Z');

/** An event at `sec` seconds after 10:00:00, from `file`:`line`. */
export function ev(file: string, line: number, sec: number | undefined, fields: Partial<OAuthEvent> = {}): OAuthEvent {
  const e: OAuthEvent = { ref: { file, line }, format: 'generic', message: fields.message ?? `line ${line}`, ...fields };
  if (sec !== undefined) e.time = BASE + sec * 1000;
  return e;
}

/** A masked code reference, as parsers produce it. */
export function code(raw: string): { fingerprint: string; preview: string } {
  return { fingerprint: fingerprint(raw), preview: '' };
}

/** A SeenToken with decoded claims (no raw token). */
export function jwtSeen(claims: Record<string, unknown>, where: SeenToken['where'] = 'authorization', header: Record<string, unknown> = { alg: 'RS256', typ: 'JWT' }): SeenToken {
  const fp = fingerprint(JSON.stringify(claims));
  return { fingerprint: fp, preview: 'eyJhbGciOi…', where, header, claims };
}

/** Seconds since epoch of 10:00:00 + sec. */
export function epochSec(sec: number): number {
  return Math.floor(BASE / 1000) + sec;
}

export const REDIRECT = 'https://chatgpt.com/backend-api/aip/connectors/oauth/callback';
export const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

/** A complete healthy authorization-code flow for `client`, starting at `t`. */
export function healthyFlow(file: string, firstLine: number, t: number, client = 'chatgpt-client-123', state = 'st-aaaaaaaaaaaa', rawCode = 'def502aaaa'): OAuthEvent[] {
  return [
    ev(file, firstLine, t, { stage: 'authorize', method: 'GET', path: '/oauth/authorize', status: 200, clientId: client, redirectUri: REDIRECT, state, scope: 'openid profile', codeChallenge: CHALLENGE, codeChallengeMethod: 'S256', responseType: 'code' }),
    ev(file, firstLine + 1, t + 5, { stage: 'consent', method: 'POST', path: '/oauth/authorize', status: 302, clientId: client }),
    ev(file, firstLine + 2, t + 6, { stage: 'callback', method: 'GET', path: '/callback', status: 200, code: code(rawCode), state }),
    ev(file, firstLine + 3, t + 7, { stage: 'token', method: 'POST', path: '/oauth/token', status: 200, clientId: client, redirectUri: REDIRECT, grantType: 'authorization_code', code: code(rawCode), codeVerifierS256: CHALLENGE }),
  ];
}
