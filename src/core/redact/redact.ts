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
export function redact(text: string): string {
  if (text.length === 0) return text;
  // One scan for anything any pass below could act on: most lines hold no secret at all, and
  // redact runs on every line shown or exported. The check is a necessary condition of every
  // pass, so when it fails no pass would change the text.
  if (!mayHoldSecret(text)) return text;
  return redactSecrets(text);
}

/**
 * {@link redact} without its pre-check, for callers that already know the text holds a secret
 * (the pre-check would only say so again). Same output as redact for every text.
 */
export function redactSecrets(text: string): string {
  if (text.length === 0) return text;
  // Each pass runs only when the text has the shape it needs. (These checks replace trigger words
  // looked up in a lower-cased copy: each check implies its word, because no pass inserts one of
  // the words next to a separator, so the outcome is the same without the copy.)
  let out = text;
  if (text.includes('PRIVATE KEY-----')) {
    out = out.replace(PEM_PRIVATE_RE, (m: string, label: string, body: string) => body.startsWith('[private key ') ? m :
      `-----BEGIN ${label}-----[private key ${fingerprint(body)}]${m.includes(`-----END ${label}-----`) ? `-----END ${label}-----` : ''}`);
  }
  if (out.includes('eyJ')) out = replaceEach(out, JWT_RE, (m) => maskToken(m[0]));
  if (text.includes('://') && URL_PASSWORD_HINT_RE.test(out)) out = out.replace(URL_PASSWORD_RE, (_m, head: string, pw: string) => `${head}[password ${fingerprint(pw)}]@`);
  if (out.includes('"') && JWK_PRIVATE_HINT_RE.test(out)) out = replaceEach(out, JWK_PRIVATE_RE, (m) => `${m[1]!}[private key ${fingerprint(m[2]!)}]"`);
  if (AUTH_HEADER_HINT_RE.test(out)) {
    out = replaceEach(out, AUTH_HEADER_RE, (m) => `${m[1]!}${m[2] ? m[2] + ' ' : ''}[${fingerprint(m[3]!)}]`);
  }
  if (out.includes('Bearer')) {
    out = replaceEach(out, BARE_BEARER_RE, (m, whole) => {
      // `Bearer resource_metadata="…"` (WWW-Authenticate parameters) is not a token.
      const token = m[1]!;
      const next = whole.charAt(m.index + m[0].length);
      if (token.endsWith('=') && next !== '' && !/[\s,;)]/.test(next)) return m[0];
      return `Bearer [${fingerprint(token)}]`;
    });
  }
  if (SECRET_PARAM_HINT_RE.test(out)) {
    out = replaceEach(out, SECRET_PARAM_RE, (m) => {
      const value = m[5]!;
      return value.startsWith('eyJ…') || value.startsWith('[') ? `${m[1]!}${m[2]!}${m[3]!}${m[4]!}${value}` :
        `${m[1]!}${m[2]!}${m[3]!}${m[4]!}[${kindOf(m[2]!)} ${fingerprint(value)}]`;
    });
  }
  // Cookies last: earlier passes may already have masked values inside the header.
  if (COOKIE_HINT_RE.test(out)) out = out.replace(COOKIE_HEADER_RE, (_m, prefix: string, value: string) => prefix + maskCookies(value, /set-cookie/i.test(prefix)));
  return out;
}

/**
 * Fingerprints of recent values. A line's secrets are fingerprinted twice (for its fields and
 * for its redacted message) and reappear on later lines (a code issued then exchanged, a bearer
 * token on every API call), and a SHA-256 costs far more than a map lookup. Bounded: cleared when
 * full. A map lookup hashes the whole key, which for a long token costs a third of the SHA-256, so
 * long values are only kept in a small ring of the latest values, compared by content.
 */
const FP_CACHE = new Map<string, string>();
const FP_CACHE_MAX = 512;
const FP_CACHE_MAX_CHARS = 128;
const RING_SIZE = 8;
const RING_MAX_CHARS = 16_384;
const ringValues: string[] = new Array<string>(RING_SIZE).fill('');
const ringPrints: string[] = new Array<string>(RING_SIZE).fill('');
let ringNext = 0;

/**
 * `text.replace(re, fn)` for a global regex that never matches the empty string, as an exec loop:
 * V8 runs replace-with-a-function through a slow generic path, and most calls here find one or
 * two matches in a long line. `fn` gets the match and the whole text.
 */
function replaceEach(text: string, re: RegExp, fn: (m: RegExpExecArray, whole: string) => string): string {
  re.lastIndex = 0;
  let m = re.exec(text);
  if (m === null) return text;
  let out = '';
  let last = 0;
  do {
    out += text.slice(last, m.index) + fn(m, text);
    last = m.index + m[0].length;
    if (m[0].length === 0) re.lastIndex++;
    m = re.exec(text);
  } while (m !== null);
  re.lastIndex = 0;
  return out + text.slice(last);
}

/** A short, stable fingerprint of a secret value: the same value always gives the same text. */
export function fingerprint(value: string): string {
  const short = value.length <= FP_CACHE_MAX_CHARS;
  let fp = short ? FP_CACHE.get(value) : ringLookup(value);
  if (fp !== undefined) return fp;
  // One-shot crypto.hash (Node ≥ 20.12) is about twice as fast as createHash; it runs for every secret on every line.
  const hex = typeof oneShotHash === 'function' ? oneShotHash('sha256', value, 'hex') : createHash('sha256').update(value).digest('hex');
  fp = 'fp:' + hex.slice(0, 8);
  if (short) {
    if (FP_CACHE.size >= FP_CACHE_MAX) FP_CACHE.clear();
    FP_CACHE.set(value, fp);
  } else if (value.length <= RING_MAX_CHARS) {
    ringValues[ringNext] = value;
    ringPrints[ringNext] = fp;
    ringNext = (ringNext + 1) % RING_SIZE;
  }
  return fp;
}

function ringLookup(value: string): string | undefined {
  for (let i = 0; i < RING_SIZE; i++) if (ringValues[i] === value) return ringPrints[i];
  return undefined;
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

const COOKIE_ATTRIBUTES = new Set(['path', 'domain', 'expires', 'max-age', 'samesite', 'secure', 'httponly', 'partitioned', 'priority']);

/** Masks every cookie value of a Cookie header, or the first (the cookie itself) of a Set-Cookie header. */
function maskCookies(value: string, isSetCookie: boolean): string {
  return value.split(';').map((part, i) => {
    const eq = part.indexOf('=');
    if (eq < 0) return part;
    const name = part.slice(0, eq);
    const v = part.slice(eq + 1);
    if ((isSetCookie && i > 0) || COOKIE_ATTRIBUTES.has(name.trim().toLowerCase()) || v.length === 0 || v.startsWith('[')) return part;
    return `${name}=[cookie ${fingerprint(v)}]`;
  }).join(';');
}

const PEM_PRIVATE_RE = /-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY)-----([\s\S]*?)(?:-----END \1-----|$)/g;
const URL_PASSWORD_RE = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/?#]+:)([^\s@/?#]+)@/gi;
const COOKIE_HEADER_RE = /((?:^|[\s"'{,])(?:set-)?cookie["']?\s*[:=]\s*["']?)([^\r\n"']+)/gi;
const JWK_PRIVATE_RE = /("(?:d|p|q|dp|dq|qi|k)"\s*:\s*")([A-Za-z0-9_-]{16,})"/g;
const BARE_BEARER_RE = /\bBearer\s+([A-Za-z0-9._~+/-]{12,}=*)/g;
const JWT_RE = /\beyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g;
/** The lookahead skips values that are already masked, so redacting twice changes nothing. */
const AUTH_HEADER_RE = /((?:proxy-)?authorization["']?\s*[:=]\s*["']?)(?!(?:(?:Bearer|Basic|Digest|DPoP|MAC)\s+)?\[)(?:(Bearer|Basic|Digest|DPoP|MAC)\s+)?([A-Za-z0-9._~+/=:-]{4,})/gi;
/**
 * Necessary conditions of the passes, as cheap tests. Each pass's regex can only match text that
 * the matching hint regex also matches, so skipping a pass when its hint fails changes nothing.
 */
const URL_PASSWORD_HINT_RE = /:\/\/[^\s:@/?#]+:[^\s@/?#]+@/;
const AUTH_HEADER_HINT_RE = /authorization["']?\s*[:=]/i;
const COOKIE_HINT_RE = /cookie["']?\s*[:=]/i;
/** Every key of SECRET_PARAM_RE ends in one of these words and is followed by `["']?\s*[:=]`. */
const SECRET_PARAM_HINT_RE = /(?:code|verifier|secret|key|passwd|password|pwd|token|assertion|otp)["']?\s*[:=]/i;
const JWK_PRIVATE_HINT_RE = /"(?:dp|dq|qi|d|p|q|k)"\s*:\s*"[A-Za-z0-9_-]{16}/;

/**
 * False only when no pass of {@link redact} could change `text`: the union of the passes'
 * necessary conditions, tested with native substring searches (a regex of many alternatives, or
 * a JS loop over every character, costs several times more on a long line).
 */
function mayHoldSecret(text: string): boolean {
  if (text.includes('eyJ') || text.includes('Bearer') || text.includes('PRIVATE KEY-----')) return true;
  if (text.includes('://') && URL_PASSWORD_HINT_RE.test(text)) return true;
  if (text.includes('"') && JWK_PRIVATE_HINT_RE.test(text)) return true;
  // Every other pass needs a key word followed by `["']?\s*[:=]` (SECRET_PARAM_RE, AUTH_HEADER_RE, COOKIE_HEADER_RE).
  let colon = text.indexOf(':');
  let eq = text.indexOf('=');
  while (colon >= 0 || eq >= 0) {
    let at: number;
    if (eq < 0 || (colon >= 0 && colon < eq)) {
      at = colon;
      colon = text.indexOf(':', colon + 1);
    } else {
      at = eq;
      eq = text.indexOf('=', eq + 1);
    }
    let end = at;
    while (end > 0 && isRegExpSpace(text.charCodeAt(end - 1))) end--;
    const q = text.charCodeAt(end - 1);
    if (q === 34 || q === 39) end--;
    if (end > 0 && endsWithKeyWord(text, end)) return true;
  }
  return false;
}

/** True when `text` (cut at `end`) ends with a key word of the separator passes, in any ASCII case. */
function endsWithKeyWord(text: string, end: number): boolean {
  switch (text.charCodeAt(end - 1) | 32) {
    case 101: // e
      return endsWithLower(text, end, 'code') || endsWithLower(text, end, 'cookie');
    case 114: // r
      return endsWithLower(text, end, 'verifier');
    case 116: // t
      return endsWithLower(text, end, 'secret');
    case 121: // y
      return endsWithLower(text, end, 'key');
    case 100: // d
      return endsWithLower(text, end, 'pwd') || endsWithLower(text, end, 'passwd') || endsWithLower(text, end, 'password');
    case 110: // n
      return endsWithLower(text, end, 'token') || endsWithLower(text, end, 'assertion') || endsWithLower(text, end, 'authorization');
    case 112: // p
      return endsWithLower(text, end, 'otp');
    default:
      return false;
  }
}

/** `text.slice(0, end)` ends with the lower-case ASCII word `word`, compared case-insensitively (ASCII only, like a non-unicode /i). */
function endsWithLower(text: string, end: number, word: string): boolean {
  const start = end - word.length;
  if (start < 0) return false;
  for (let i = 0; i < word.length; i++) if ((text.charCodeAt(start + i) | 32) !== word.charCodeAt(i)) return false;
  return true;
}

/** The characters `\s` matches in a JavaScript regex. */
function isRegExpSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || (c >= 160 && (c === 160 || c === 5760 || (c >= 8192 && c <= 8202) || c === 8232 || c === 8233 || c === 8239 || c === 8287 || c === 12288 || c === 65279));
}

const SECRET_PARAM_RE = /(^|[?&#\s,;{"'(])((?:authorization_|device_)?code|code_verifier|client_secret|clientSecret|x-client-secret|x-secret-key|secret_key|api_secret|app_secret|private_key|secret|password|passwd|pwd|(?:registration_|initial_)?access_token|accessToken|refresh_token|refreshToken|id_token|idToken|token|session_token|sessionToken|api_key|apiKey|x-api-key|api-key|assertion|client_assertion|otp_?code|otpCode|otp)(["']?\s*[:=]\s*|=)(["']?)([^\s&"',;})\]]{1,})/gi;
