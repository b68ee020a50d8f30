/**
 * JWT decoding for diagnosis: splits a compact JWS with jose (no signature check – that is
 * `verifyJwt.ts`), says in plain words why a value is not a JWT, and guesses which kind of token
 * it is, because "an ID token sent where the access token belongs" is a classic failure.
 *
 * Never throws: tokens come from log lines, pasted text and hostile servers.
 */
import { decodeJwt as joseDecodeJwt, decodeProtectedHeader } from 'jose';
import { fingerprint } from '../redact/redact';

export type JwtKind = 'access_token' | 'id_token' | 'logout_token' | 'request_object' | 'unknown';

export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  kind: JwtKind;
  /** `fp:xxxxxxxx` of the whole token: lets the UI say "the same token as line 12" without showing it. */
  fingerprint: string;
  /** First characters of the header part plus an ellipsis: safe to display. */
  preview: string;
}

export type DecodeResult = { ok: true; jwt: DecodedJwt } | { ok: false; error: string };

/** Longest token accepted; real JWTs are a few KB, anything bigger is noise or an attack. */
const MAX_TOKEN_CHARS = 256 * 1024;
const B64URL_RE = /^[A-Za-z0-9_-]*$/;
const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/**
 * Decodes a compact JWT (an optional `Bearer ` prefix and surrounding quotes/whitespace are tolerated).
 *
 * @example decodeJwt('eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.') // { ok: true, jwt: { header: { alg: 'none' }, ... } }
 */
export function decodeJwt(token: string): DecodeResult {
  if (typeof token !== 'string') return { ok: false, error: 'No token given.' };
  const t = cleanToken(token);
  if (t.length === 0) return { ok: false, error: 'The token is empty.' };
  if (t.length > MAX_TOKEN_CHARS) return { ok: false, error: `The value is ${t.length} characters long; that is not a JWT (limit ${MAX_TOKEN_CHARS}).` };
  const parts = t.split('.');
  if (parts.length === 5) {
    return { ok: false, error: 'This is an encrypted JWT (JWE, five parts); its claims cannot be read without the decryption key.' };
  }
  if (parts.length !== 3) {
    const opaque = parts.length === 1 ? ' It looks like an opaque token (a random string the server looks up), which has no readable claims; ask the server (token introspection, RFC 7662) instead.' : '';
    return { ok: false, error: `Not a JWT: expected three base64url parts separated by dots, found ${parts.length}.${opaque}` };
  }
  const [h, p] = parts as [string, string, string];
  for (const [name, part] of [['header', h], ['payload', p], ['signature', parts[2] as string]] as const) {
    if (!B64URL_RE.test(part)) {
      const bad = [...part].find((ch) => !/[A-Za-z0-9_-]/.test(ch)) ?? '';
      const hint = bad === '+' || bad === '/' || bad === '=' ? ' (standard base64 instead of base64url)' : '';
      return { ok: false, error: `Not a JWT: the ${name} part contains ${JSON.stringify(bad)}${hint}; JWT parts use base64url only.` };
    }
  }
  if (h.length === 0 || p.length === 0) return { ok: false, error: `Not a JWT: the ${h.length === 0 ? 'header' : 'payload'} part is empty.` };

  // The common case without jose: it decodes through atob, a byte loop and a fatal TextDecoder,
  // and parses the header twice over. Anything unusual takes jose's path below, which words the error.
  const fastHeader = plainJsonObject(h);
  if (fastHeader !== undefined && typeof fastHeader['alg'] === 'string') {
    const fastPayload = plainJsonObject(p);
    if (fastPayload !== undefined) {
      return { ok: true, jwt: { header: fastHeader, payload: fastPayload, kind: classifyJwt(fastHeader, fastPayload), fingerprint: fingerprint(t), preview: t.slice(0, 10) + '…' } };
    }
  }

  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(t) as Record<string, unknown>;
  } catch (e) {
    return { ok: false, error: `The header is not valid base64url-encoded JSON (${joseMessage(e)}).` };
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return { ok: false, error: 'The header is not a JSON object.' };
  if (typeof header['alg'] !== 'string') return { ok: false, error: 'The header has no "alg": not a JWS.' };

  let payload: Record<string, unknown>;
  try {
    payload = joseDecodeJwt(t) as Record<string, unknown>;
  } catch (e) {
    const raw = base64urlText(p);
    if (raw !== undefined && raw.length > 0 && !raw.trimStart().startsWith('{')) {
      return { ok: false, error: 'The payload is not a JSON object (a signed blob, not a JWT with claims).' };
    }
    return { ok: false, error: `The payload is not valid base64url-encoded JSON (${joseMessage(e)}).` };
  }

  return {
    ok: true,
    jwt: { header, payload, kind: classifyJwt(header, payload), fingerprint: fingerprint(t), preview: t.slice(0, 10) + '…' },
  };
}

/**
 * Every JWT-looking substring of a text (log line, HTTP response, pasted blob) that decodes, in
 * order of appearance, without duplicates. Capped so a hostile text cannot make it slow.
 *
 * @example findJwts('Authorization: Bearer eyJ...a.b.c') // ['eyJ...a.b.c']
 */
export function findJwts(text: string): string[] {
  if (typeof text !== 'string' || !text.includes('eyJ')) return [];
  const out: string[] = [];
  const seen = new Set<string>();
  for (const m of text.matchAll(FIND_RE)) {
    const candidate = m[0];
    if (seen.has(candidate)) continue;
    seen.add(candidate);
    if (decodeJwt(candidate).ok) out.push(candidate);
    if (out.length >= MAX_FOUND || seen.size >= MAX_FOUND * 4) break;
  }
  return out;
}

/**
 * Header starts with `{"` (eyJ); the signature may be empty (alg none). The guards keep it out of
 * longer base64 runs and JWEs (five parts), while a sentence-ending dot is fine.
 */
const FIND_RE = /(?<![A-Za-z0-9_.-])eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*(?![A-Za-z0-9_-]|\.[A-Za-z0-9_-])/g;
const MAX_FOUND = 100;

/**
 * Guesses the token kind from explicit markers first (`typ`, logout `events`), then from the
 * claims that only one kind carries. Returns `unknown` rather than guessing wildly.
 */
export function classifyJwt(header: Record<string, unknown>, payload: Record<string, unknown>): JwtKind {
  const typ = typeof header['typ'] === 'string' ? header['typ'].toLowerCase().replace(/^application\//, '') : '';
  if (typ === 'at+jwt') return 'access_token';
  if (typ === 'logout+jwt') return 'logout_token';
  if (typ === 'oauth-authz-req+jwt') return 'request_object';
  const events = payload['events'];
  if (events && typeof events === 'object' && BACKCHANNEL_LOGOUT_EVENT in events) return 'logout_token';
  // Keycloak marks its tokens in the payload: "typ": "Bearer" | "ID" | "Refresh" | "Logout".
  const ptyp = typeof payload['typ'] === 'string' ? payload['typ'].toLowerCase() : '';
  if (ptyp === 'bearer') return 'access_token';
  if (ptyp === 'id') return 'id_token';
  if (ptyp === 'logout') return 'logout_token';
  if (typeof payload['response_type'] === 'string' && typeof payload['client_id'] === 'string') return 'request_object';
  if ('nonce' in payload || 'at_hash' in payload || 'c_hash' in payload || 's_hash' in payload) return 'id_token';
  if ('scope' in payload || 'scp' in payload || ('client_id' in payload && 'sub' in payload)) return 'access_token';
  if ('auth_time' in payload && 'azp' in payload) return 'id_token';
  return 'unknown';
}

/**
 * A base64url part decoded and parsed exactly as jose would (atob, fatal UTF-8, a leading BOM
 * dropped, JSON.parse, a plain object required) – or undefined whenever jose might differ or
 * fail, so that the caller takes jose's own path. `part` holds base64url characters only.
 */
function plainJsonObject(part: string): Record<string, unknown> | undefined {
  // atob rejects a length of 4n+1; Buffer would quietly drop the last character.
  if (part.length % 4 === 1) return undefined;
  // Decoded into a reused buffer: a Buffer per part costs more than the decoding itself.
  const small = part.length <= SCRATCH_CHARS;
  const bytes = small ? SCRATCH : Buffer.from(part, 'base64url');
  const n = small ? SCRATCH.write(part, 0, 'base64url') : bytes.length;
  // A BOM (which TextDecoder strips) or invalid UTF-8 (which the fatal decoder rejects): jose decides.
  if (n >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return undefined;
  const text = bytes.toString('utf8', 0, n);
  // Invalid UTF-8 decodes to U+FFFD (so does a real U+FFFD, which jose then handles): jose decides.
  if (text.includes('\ufffd')) return undefined;
  // JSON text of an object starts with `{` after optional whitespace; anything else is not a header or claims set.
  if (!/^[ \t\n\r]*\{/.test(text)) return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}

const SCRATCH_CHARS = 8192;
/** Room for the bytes of SCRATCH_CHARS base64url characters. */
const SCRATCH = Buffer.alloc(SCRATCH_CHARS);

function cleanToken(token: string): string {
  let t = token.trim();
  if (/^bearer\s+/i.test(t)) t = t.replace(/^bearer\s+/i, '');
  if ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'"))) t = t.slice(1, -1).trim();
  return t;
}

function base64urlText(part: string): string | undefined {
  try {
    return Buffer.from(part, 'base64url').toString('utf8');
  } catch {
    return undefined;
  }
}

function joseMessage(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.replace(/\.$/, '');
}
