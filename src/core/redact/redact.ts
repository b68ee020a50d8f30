import { createHash } from 'node:crypto';

/**
 * Masks secrets in free text: JWTs, `Authorization` header values, and the values of
 * parameters that carry codes, tokens, secrets, passwords or verifiers – in query strings,
 * form bodies, JSON and `key=value` text. What remains is safe to log, show and export.
 *
 * @example redact('GET /cb?code=abc123&state=x') // 'GET /cb?code=[code fp:…]&state=x'
 */
export function redact(text: string): string {
  if (text.length === 0) return text;
  let out = text.replace(JWT_RE, (jwt) => maskToken(jwt));
  out = out.replace(AUTH_HEADER_RE, (_m, prefix: string, scheme: string, value: string) =>
    `${prefix}${scheme}${scheme ? ' ' : ''}[${fingerprint(value)}]`);
  out = out.replace(SECRET_PARAM_RE, (_m, pre: string, key: string, sep: string, quote: string, value: string) =>
    value.startsWith('eyJ…') || value.startsWith('[') ? `${pre}${key}${sep}${quote}${value}` :
      `${pre}${key}${sep}${quote}[${kindOf(key)} ${fingerprint(value)}]`);
  return out;
}

/** A short, stable fingerprint of a secret value: the same value always gives the same text. */
export function fingerprint(value: string): string {
  return 'fp:' + createHash('sha256').update(value).digest('hex').slice(0, 8);
}

/** A JWT shown as its first ten characters plus a fingerprint. */
export function maskToken(token: string): string {
  return `${token.slice(0, 10)}…[${fingerprint(token)}]`;
}

function kindOf(key: string): string {
  const k = key.toLowerCase();
  if (k.includes('verifier')) return 'verifier';
  if (k.includes('code')) return 'code';
  if (k.includes('secret')) return 'secret';
  if (k.includes('pass')) return 'password';
  return 'token';
}

const JWT_RE = /\beyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g;
const AUTH_HEADER_RE = /((?:proxy-)?authorization["']?\s*[:=]\s*["']?)(Bearer|Basic|Digest|DPoP|MAC)?\s*([A-Za-z0-9._~+/=:-]{4,})/gi;
const SECRET_PARAM_RE = /(^|[?&#\s,;{"'(])((?:authorization_)?code|code_verifier|client_secret|clientSecret|secret|password|passwd|pwd|access_token|accessToken|refresh_token|refreshToken|id_token|idToken|token|api_key|apiKey|assertion|client_assertion|otp)(["']?\s*[:=]\s*|=)(["']?)([^\s&"',;})\]]{1,})/gi;
