/**
 * Checks of values the user pastes (a redirect URI pair, a PKCE verifier/challenge pair, a request
 * object), returned as findings in the same shape as everything else, so the UI and the CLI show
 * them like probe results. Pure wrappers over the checks modules, with the stage each belongs to.
 */
import { compareRedirectUris } from '../checks/redirectUri';
import { checkPkcePair } from '../checks/pkce';
import { checkRequestObject } from '../checks/jar';
import type { RequestObjectOptions } from '../checks/jar';
import type { Finding } from '../model';

/**
 * @example checkRedirectUriPair('https://app/cb/', 'https://app/cb') // [{ id: 'redirect_uri_mismatch', data: { kind: 'trailing_slash', … } }]
 */
export function checkRedirectUriPair(registered: string, sent: string): Finding[] {
  const c = compareRedirectUris(registered, sent);
  if (c.equal) return [];
  return [{
    id: 'redirect_uri_mismatch',
    severity: 'error',
    stage: 'authorize',
    evidence: [],
    detail: c.detail,
    data: { kind: c.kind, expectedRange: c.expectedRange, actualRange: c.actualRange },
  }];
}

/** A verifier/challenge pair: base64 vs base64url, length, charset, mismatch. */
export function checkPkceInput(verifier: string | undefined, challenge: string | undefined, method?: string): Finding[] {
  const r = checkPkcePair(verifier, challenge, method);
  return r.problems.map((p) => ({
    id: p.id,
    severity: 'error' as const,
    stage: 'token' as const,
    evidence: [],
    detail: p.detail,
    ...(r.expectedChallenge ? { data: { expectedChallenge: r.expectedChallenge } } : {}),
  }));
}

/** A request object (JAR): structure, alg, kid, claims, lifetime. */
export function checkRequestObjectInput(jwt: string, opts: RequestObjectOptions = {}): Finding[] {
  return checkRequestObject(jwt, opts).map((p) => ({ id: p.id, severity: p.severity, stage: 'authorize' as const, evidence: [], detail: p.detail }));
}
