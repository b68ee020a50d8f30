/**
 * The cheap first gate of the log pipeline: most lines of a real server log have nothing to do
 * with OAuth, and they must be rejected before any parsing regex runs.
 *
 * One case-insensitive regex of literal stems. V8 compiles it to native code with a
 * Boyer-Moore-style lookahead whose speed falls with every alternative (measured per CPU second on
 * a mixed log: each stem costs 5–10 %; a three-letter stem such as `eyJ` or a character class
 * more than that), so the list is the smallest that still covers every OAuth line shape:
 * - `auth`: oauth, /authorize, Authorization headers, "unauthorized", Keycloak `/auth/realms`,
 *   League's "authorization grant", `/auth/callback`
 * - `token`, `grant`, `client` (client_id, clientId, "Client authentication failed")
 * - `invalid` and `denied`: error redirects such as `/cb?error=invalid_request&state=…`
 * - `code=` / `code_`: the authorization response `/cb?code=…`, and PKCE texts that name
 *   code_verifier / code_challenge without any other stem
 * - `regist` (dynamic client registration), `well-known` (discovery), `login`, `consent`,
 *   `interaction` (oidc-provider's login/consent pages), `userinfo`
 * Left out on purpose: `callback` (matched `runQueryCallback` noise; OAuth callbacks carry
 * `code=`, `error=invalid_…`, `access_denied` or `/auth/`), `bearer` (always next to
 * `Authorization` / `WWW-Authenticate`), `jwks` (only relevant to probes).
 */
export const CANDIDATE_PATTERN =
  'auth|token|grant|client|invalid|denied|regist|well-known|code[_=]|consent|interaction|login|userinfo';

/**
 * The same stems as a list, for the byte-level gate of `oauth-diagnose scan`
 * (src/cli/candidateScan.wat), which folds case by setting bit 0x20: a test checks that each
 * stem matches {@link CANDIDATE_PATTERN} and that the pattern names no other.
 */
export const CANDIDATE_STEMS: readonly string[] = ['auth', 'token', 'grant', 'client', 'invalid', 'denied', 'regist', 'well-known', 'code_', 'code=', 'consent', 'interaction', 'login', 'userinfo'];

const CANDIDATE_RE = new RegExp(CANDIDATE_PATTERN, 'i');

/**
 * True when `text` may carry something OAuth-relevant. False negatives are the only real risk;
 * false positives just cost a parse.
 *
 * @example isCandidateLine('GET /assets/app.css 200') // false
 */
export function isCandidateLine(text: string): boolean {
  return CANDIDATE_RE.test(text);
}

/**
 * A fresh global regex over {@link CANDIDATE_PATTERN}, for callers that scan a whole chunk of
 * text at once and only split out the lines around a hit (faster than testing every line).
 */
export function candidateScanner(): RegExp {
  return new RegExp(CANDIDATE_PATTERN, 'gi');
}
