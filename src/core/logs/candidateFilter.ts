/**
 * The cheap first gate of the log pipeline: most lines of a real server log have nothing to do
 * with OAuth, and they must be rejected before any parsing regex runs.
 *
 * One case-insensitive regex of literal stems. V8 compiles it to native code with a
 * Boyer-Moore-style lookahead, which only stays fast while every alternative is at least four
 * characters long and the list stays short (measured: adding a three-letter stem such as `eyJ`
 * or a stem starting with a common character like `" 40` more than halves throughput). Every
 * stem was chosen to cover a family of OAuth lines:
 * - `auth`: oauth, /authorize, Authorization headers, "unauthorized", Keycloak `/auth/realms`
 * - `token`, `grant`, `client`, `callback`, `invalid` (invalid_grant, …), `denied`
 *   (no `bearer`: `Authorization: Bearer` and `WWW-Authenticate: Bearer` already hold `auth`)
 * - `regist` (dynamic client registration), `well-known` (discovery), `jwks`
 * - `code_` / `code=` (code_challenge, code_verifier, ?code=…), `consent`, `interaction`
 *   (oidc-provider's login/consent pages), `login`, `userinfo`
 */
export const CANDIDATE_PATTERN =
  'auth|token|grant|client|callback|invalid|denied|regist|well-known|jwks|code[_=]|consent|interaction|login|userinfo';

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
