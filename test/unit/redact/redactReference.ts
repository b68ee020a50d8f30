/**
 * The redaction as it was at main 522034e, kept verbatim (exports renamed) as the reference the
 * optimised src/core/redact/redact.ts is compared against, output for output.
 */
import { createHash, hash as oneShotHash } from 'node:crypto';

/**
 * Masks secrets in free text: JWTs, `Authorization` header values, and the values of
 * parameters that carry codes, tokens, secrets, passwords or verifiers – in query strings,
 * form bodies, JSON and `key=value` text – plus cookies, passwords in URLs (`scheme://user:pw@`),
 * bare `Bearer <token>` text, PEM private keys and private JWK members (`"d"`, `"p"`, `"k"`…).
 * What remains is safe to log, show and export.
 *
 * @example redact('GET /cb?code=abc123&state=x') // 'GET /cb?code=[code fp:…]&state=x'
 */
export function referenceRedact(text: string): string {
  if (text.length === 0) return text;
  // Each pass runs only when its trigger word is present: most log lines hold no secret at all,
  // and redact runs on every line shown or exported.
  const lower = text.toLowerCase();
  let out = text;
  if (lower.includes('private key')) {
    out = out.replace(PEM_PRIVATE_RE, (m: string, label: string, body: string) => body.startsWith('[private key ') ? m :
      `-----BEGIN ${label}-----[private key ${referenceFingerprint(body)}]${m.includes(`-----END ${label}-----`) ? `-----END ${label}-----` : ''}`);
  }
  if (out.includes('eyJ')) out = out.replace(JWT_RE, (jwt) => referenceMaskToken(jwt));
  if (lower.includes('://')) out = out.replace(URL_PASSWORD_RE, (_m, head: string, pw: string) => `${head}[password ${referenceFingerprint(pw)}]@`);
  if (out.includes('"')) out = out.replace(JWK_PRIVATE_RE, (_m, head: string, value: string) => `${head}[private key ${referenceFingerprint(value)}]"`);
  if (lower.includes('authorization')) {
    out = out.replace(AUTH_HEADER_RE, (_m, prefix: string, scheme: string | undefined, value: string) =>
      `${prefix}${scheme ? scheme + ' ' : ''}[${referenceFingerprint(value)}]`);
  }
  if (out.includes('Bearer')) {
    out = out.replace(BARE_BEARER_RE, (m: string, token: string, offset: number, whole: string) => {
      // `Bearer resource_metadata="…"` (WWW-Authenticate parameters) is not a token.
      const next = whole.charAt(offset + m.length);
      if (token.endsWith('=') && next !== '' && !/[\s,;)]/.test(next)) return m;
      return `Bearer [${referenceFingerprint(token)}]`;
    });
  }
  if (SECRET_KEY_HINT_RE.test(lower)) {
    out = out.replace(SECRET_PARAM_RE, (_m, pre: string, key: string, sep: string, quote: string, value: string) =>
      value.startsWith('eyJ…') || value.startsWith('[') ? `${pre}${key}${sep}${quote}${value}` :
        `${pre}${key}${sep}${quote}[${kindOf(key)} ${referenceFingerprint(value)}]`);
  }
  // Cookies last: earlier passes may already have masked values inside the header.
  if (lower.includes('cookie')) out = out.replace(COOKIE_HEADER_RE, (_m, prefix: string, value: string) => prefix + maskCookies(value, /set-cookie/i.test(prefix)));
  return out;
}

/** A short, stable fingerprint of a secret value: the same value always gives the same text. */
export function referenceFingerprint(value: string): string {
  // One-shot crypto.hash (Node ≥ 20.12) is about twice as fast as createHash; it runs for every secret on every line.
  const hex = typeof oneShotHash === 'function' ? oneShotHash('sha256', value, 'hex') : createHash('sha256').update(value).digest('hex');
  return 'fp:' + hex.slice(0, 8);
}

/** A JWT shown as its first ten characters plus a fingerprint. */
export function referenceMaskToken(token: string): string {
  return `${token.slice(0, 10)}…[${referenceFingerprint(token)}]`;
}

function kindOf(key: string): string {
  const k = key.toLowerCase();
  if (k.includes('verifier')) return 'verifier';
  if (k.includes('code')) return 'code';
  if (k.includes('secret')) return 'secret';
  if (k.includes('pass')) return 'password';
  return 'token';
}

const COOKIE_ATTRIBUTES = new Set(['path', 'domain', 'expires', 'max-age', 'samesite', 'secure', 'httponly', 'partitioned', 'priority']);

/** Masks every cookie value of a Cookie header, or the first (the cookie itself) of a Set-Cookie header. */
function maskCookies(value: string, isSetCookie: boolean): string {
  return value.split(';').map((part, i) => {
    const eq = part.indexOf('=');
    if (eq < 0) return part;
    const name = part.slice(0, eq);
    const v = part.slice(eq + 1);
    if ((isSetCookie && i > 0) || COOKIE_ATTRIBUTES.has(name.trim().toLowerCase()) || v.length === 0 || v.startsWith('[')) return part;
    return `${name}=[cookie ${referenceFingerprint(v)}]`;
  }).join(';');
}

const PEM_PRIVATE_RE = /-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY)-----([\s\S]*?)(?:-----END \1-----|$)/g;
const URL_PASSWORD_RE = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/?#]+:)([^\s@/?#]+)@/gi;
const COOKIE_HEADER_RE = /((?:^|[\s"'{,])(?:set-)?cookie["']?\s*[:=]\s*["']?)([^\r\n"']+)/gi;
const JWK_PRIVATE_RE = /("(?:d|p|q|dp|dq|qi|k)"\s*:\s*")([A-Za-z0-9_-]{16,})"/g;
const BARE_BEARER_RE = /\bBearer\s+([A-Za-z0-9._~+/-]{12,}=*)/g;
/** Every key SECRET_PARAM_RE knows contains one of these words (lower case). */
const SECRET_KEY_HINT_RE = /code|secret|pass|pwd|token|key|assertion|otp/;
const JWT_RE = /\beyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g;
/** The lookahead skips values that are already masked, so redacting twice changes nothing. */
const AUTH_HEADER_RE = /((?:proxy-)?authorization["']?\s*[:=]\s*["']?)(?!(?:(?:Bearer|Basic|Digest|DPoP|MAC)\s+)?\[)(?:(Bearer|Basic|Digest|DPoP|MAC)\s+)?([A-Za-z0-9._~+/=:-]{4,})/gi;
const SECRET_PARAM_RE = /(^|[?&#\s,;{"'(])((?:authorization_|device_)?code|code_verifier|client_secret|clientSecret|x-client-secret|x-secret-key|secret_key|api_secret|app_secret|private_key|secret|password|passwd|pwd|(?:registration_|initial_)?access_token|accessToken|refresh_token|refreshToken|id_token|idToken|token|session_token|sessionToken|api_key|apiKey|x-api-key|api-key|assertion|client_assertion|otp_?code|otpCode|otp)(["']?\s*[:=]\s*|=)(["']?)([^\s&"',;})\]]{1,})/gi;
