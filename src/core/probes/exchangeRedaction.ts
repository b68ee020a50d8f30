/**
 * Redaction of recorded HTTP exchanges. Headers that carry credentials are masked whole; bodies and
 * URLs go through the shared redactor, and JSON bodies additionally get every secret-named field
 * masked (the text redactor misses compound names such as `registration_access_token`).
 * Pure: used by the HTTP client before anything is stored, shown or exported.
 */
import type { HttpExchange } from '../model';
import { fingerprint, redact } from '../redact/redact';

/** Bodies kept in a recorded exchange are capped: the UI shows them, it does not archive them. */
export const MAX_RECORDED_BODY = 64 * 1024;

const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'dpop', 'x-api-key', 'api-key', 'x-client-key', 'client-key']);
const SECRET_KEY = /(^|_)(token|secret|password|passwd|code|verifier|assertion|jwt)$/i;

/** Returns a copy of `ex` that is safe to log, show and export. */
export function redactExchange(ex: HttpExchange): HttpExchange {
  return {
    ...ex,
    url: redact(ex.url),
    requestHeaders: redactHeaders(ex.requestHeaders),
    requestBody: ex.requestBody === undefined ? undefined : redactBody(ex.requestBody),
    responseHeaders: ex.responseHeaders ? redactHeaders(ex.responseHeaders) : undefined,
    responseBody: ex.responseBody === undefined ? undefined : redactBody(ex.responseBody),
  };
}

/** Masks credential headers (keeping the scheme word, e.g. `Basic [fp:…]`), redacts the rest. */
export function redactHeaders(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    const key = k.toLowerCase();
    if (SECRET_HEADERS.has(key)) {
      const m = /^(Bearer|Basic|DPoP|Digest)\s+(.*)$/i.exec(v);
      out[key] = m ? `${m[1] ?? ''} [${fingerprint(m[2] ?? '')}]` : `[${fingerprint(v)}]`;
    } else {
      out[key] = redact(v);
    }
  }
  return out;
}

/** Redacts a request or response body (form, JSON or text) and caps it for display. */
export function redactBody(body: string): string {
  let text = body.length > MAX_RECORDED_BODY ? body.slice(0, MAX_RECORDED_BODY) : body;
  const trimmed = text.trimStart();
  if ((trimmed.startsWith('{') || trimmed.startsWith('[')) && body.length <= MAX_RECORDED_BODY) {
    try {
      text = JSON.stringify(maskJson(JSON.parse(text) as unknown));
    } catch {
      // not JSON after all: the text redactor below still applies
    }
  }
  const out = redact(text);
  return body.length > MAX_RECORDED_BODY ? `${out}\n[… ${body.length - MAX_RECORDED_BODY} more characters not recorded]` : out;
}

function maskJson(v: unknown, key = ''): unknown {
  if (typeof v === 'string') return SECRET_KEY.test(key) && v.length > 0 ? `[${kind(key)} ${fingerprint(v)}]` : v;
  if (Array.isArray(v)) return v.map((x) => maskJson(x, key));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = maskJson(x, k);
    return out;
  }
  return v;
}

function kind(key: string): string {
  const k = key.toLowerCase();
  if (k.endsWith('verifier')) return 'verifier';
  if (k.endsWith('code')) return 'code';
  if (k.endsWith('secret')) return 'secret';
  if (k.includes('pass')) return 'password';
  return 'token';
}
