/**
 * Signature verification of a JWT against a JWKS the caller already has (fetching it is the
 * probes' job, so this stays pure), and a health check of the JWKS itself.
 *
 * jose does the cryptography (`createLocalJWKSet` + `compactVerify`). The claims are then checked
 * by `checkJwt`, not by jose's `jwtVerify`: jwtVerify stops at the first failed claim with a terse
 * message, while the user needs every problem at once ("expired 3 h ago *and* wrong audience").
 */
import { compactVerify, createLocalJWKSet } from 'jose';
import type { CryptoKey, JWK, JSONWebKeySet } from 'jose';
import { decodeJwt } from './decodeJwt';
import { checkJwt, stringDifference } from './checkJwt';
import type { JwtProblem } from './checkJwt';

export interface VerifyResult {
  /** Signature verified with a key from the JWKS and no error-level claim problem. */
  verified: boolean;
  /** The signature alone verified (claims may still be wrong). */
  signatureValid?: boolean;
  kid?: string;
  alg?: string;
  /** Plain-language reason when the signature could not be verified. */
  error?: string;
  problems: JwtProblem[];
}

export interface VerifyOptions {
  issuer?: string;
  audience?: string | string[];
  /** Moment of use, ms since the epoch (seconds accepted, see `checkJwt`). Default: now. */
  at?: number;
  /** Algorithms the resource server accepts; others are refused before any key lookup. */
  algorithms?: string[];
  clockSkewSec?: number;
}

const ASYMMETRIC_ALGS = new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519']);
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv'] as const;
const PUBLIC_MEMBERS: Record<string, string[]> = { RSA: ['n', 'e'], EC: ['crv', 'x', 'y'], OKP: ['crv', 'x'] };
const COMMON_MEMBERS = ['kty', 'kid', 'alg', 'use', 'key_ops', 'x5c', 'x5t', 'x5t#S256', 'x5u'];
const EC_CURVES: Record<string, number> = { 'P-256': 32, 'P-384': 48, 'P-521': 66 };
const OKP_SIGNING_CURVES = new Set(['Ed25519', 'Ed448']);
/** Bigger sets are hostile or broken; only this many keys are examined. */
const MAX_KEYS = 200;
const CLAIM_IDS = new Set(['token_expired', 'token_not_yet_valid', 'token_audience_mismatch', 'token_issuer_mismatch', 'token_signature_invalid']);

/**
 * Verifies `token` against `jwks` (a JWKS object or its JSON text).
 *
 * @example await verifyJwtWithJwks(token, await (await fetch(jwksUri)).json(), { issuer, audience: 'api' })
 *   // { verified: false, kid: 'k1', alg: 'RS256', error: 'No key in the JWKS has kid "k1"…', problems: [...] }
 */
export async function verifyJwtWithJwks(token: string, jwks: unknown, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const decoded = decodeJwt(token);
  if (!decoded.ok) return { verified: false, error: decoded.error, problems: [] };
  const { header } = decoded.jwt;
  const alg = typeof header['alg'] === 'string' ? header['alg'] : undefined;
  const kid = typeof header['kid'] === 'string' ? header['kid'] : undefined;
  const base: Pick<VerifyResult, 'kid' | 'alg'> = {};
  if (kid !== undefined) base.kid = kid;
  if (alg !== undefined) base.alg = alg;
  const claimProblems = checkJwt(decoded.jwt, { at: opts.at, expectedIssuer: opts.issuer, expectedAudience: opts.audience, clockSkewSec: opts.clockSkewSec })
    .filter((p) => CLAIM_IDS.has(p.id));
  const fail = (error: string, extra: JwtProblem[] = []): VerifyResult => {
    const sig: JwtProblem = { id: 'token_signature_invalid', severity: 'error', detail: error };
    const others = claimProblems.filter((p) => p.id !== 'token_signature_invalid');
    return { verified: false, signatureValid: false, ...base, error, problems: [sig, ...extra, ...others] };
  };

  if (!alg || alg.toLowerCase() === 'none') {
    return fail('Refused: the token is unsigned ("alg": "none"). A resource server must never accept it, whatever the JWKS holds.');
  }
  if (opts.algorithms && !opts.algorithms.includes(alg)) {
    return fail(`The token is signed with ${alg}, which is not in the allowed algorithms (${opts.algorithms.join(', ')}).`);
  }
  if (/^HS/i.test(alg)) {
    return fail(`The token is signed with ${alg}, a shared-secret (HMAC) algorithm: a public JWKS cannot verify it. Either the server signs with its client secret (then only the server can check it), or it is misconfigured and should sign with an asymmetric key (RS256, ES256, EdDSA).`);
  }
  if (!ASYMMETRIC_ALGS.has(alg)) {
    return fail(`The token's algorithm ${JSON.stringify(alg.slice(0, 40))} is not a JWS signing algorithm this checker supports (RS*, PS*, ES*, EdDSA).`);
  }

  const prepared = prepareKeySet(jwks);
  if (!prepared.ok) {
    return { verified: false, signatureValid: false, ...base, error: prepared.error, problems: [{ id: 'jwks_unavailable', severity: 'error', detail: prepared.error }, ...claimProblems] };
  }
  const { keySet, publicKeys } = prepared;
  const compact = cleanCompact(token);
  try {
    await compactVerify(compact, keySet);
  } catch (e) {
    const code = (e as { code?: string } | null)?.code;
    if (code === 'ERR_JWKS_MULTIPLE_MATCHING_KEYS') {
      // No kid (or a duplicated kid): try every candidate, as jose expects its caller to.
      for await (const key of e as AsyncIterable<CryptoKey>) {
        try {
          await compactVerify(compact, key);
          return succeed(base, claimProblems);
        } catch {
          // try the next candidate
        }
      }
      return fail(`None of the JWKS keys that fit ${alg}${kid ? ` and kid ${JSON.stringify(kid)}` : ''} verifies the signature: the token was signed with a different key${kid ? '' : ' (the token has no "kid", so every candidate was tried)'}.`);
    }
    return fail(explainJoseError(code, e, alg, kid, publicKeys));
  }
  return succeed(base, claimProblems);
}

/**
 * Health check of a JWKS (object or JSON text): how many keys can verify signatures, and what is
 * wrong with it – not JSON, empty, a lone JWK instead of a set, private key material or shared
 * secrets published (a hostile or badly broken server), keys no library will use.
 *
 * @example checkJwks({ keys: [{ kty: 'RSA', n: '…', e: 'AQAB', kid: 'k1' }] }) // { usableKeys: 1, problems: [] }
 */
export function checkJwks(jwks: unknown): { usableKeys: number; problems: JwtProblem[] } {
  const parsed = parseJwks(jwks);
  if (!parsed.ok) return { usableKeys: 0, problems: [{ id: 'jwks_unavailable', severity: 'error', detail: parsed.error }] };
  const problems: JwtProblem[] = [];
  const unusable: string[] = [];
  let usable = 0;
  const kids = new Map<string, number>();
  let withoutKid = 0;

  parsed.keys.forEach((key, i) => {
    const label = keyLabel(key, i);
    if (typeof key !== 'object' || key === null || Array.isArray(key)) {
      unusable.push(`${label}: not a JSON object`);
      return;
    }
    const k = key as Record<string, unknown>;
    const kty = typeof k['kty'] === 'string' ? k['kty'] : undefined;
    const privateFound = PRIVATE_MEMBERS.filter((m) => m in k && (m !== 'k' || kty === 'oct'));
    if (kty === 'oct') {
      problems.push({ id: 'jwks_unavailable', severity: 'error', detail: `${label} is a symmetric key ("kty": "oct")${'k' in k ? ' with its secret "k"' : ''} published in the JWKS. A shared secret in a public document lets anyone sign tokens; remove it from the JWKS and rotate that secret now.` });
      unusable.push(`${label}: symmetric`);
      return;
    }
    if (privateFound.length > 0) {
      problems.push({ id: 'jwks_unavailable', severity: 'error', detail: `${label} publishes PRIVATE key material (${privateFound.map((m) => `"${m}"`).join(', ')}). Anyone can now forge tokens that verify with this key: remove the private members from the JWKS, rotate the key and revoke tokens signed with it.` });
    }
    if (!kty) {
      unusable.push(`${label}: no "kty"`);
      return;
    }
    const why = unusableReason(k, kty);
    if (why) {
      unusable.push(`${label}: ${why}`);
      if (/bits/.test(why)) problems.push({ id: 'jwks_unavailable', severity: 'warning', detail: `${label}: ${why}.` });
      return;
    }
    usable++;
    if (typeof k['kid'] === 'string') kids.set(k['kid'], (kids.get(k['kid']) ?? 0) + 1);
    else withoutKid++;
  });

  for (const [kid, n] of kids) {
    if (n > 1) problems.push({ id: 'jwks_unavailable', severity: 'warning', detail: `${n} keys share kid ${JSON.stringify(kid)}; verifiers pick by kid, so some will choose the wrong key. Give every key its own kid.` });
  }
  if (usable > 1 && withoutKid > 0) {
    problems.push({ id: 'jwks_unavailable', severity: 'info', detail: `${withoutKid} of ${usable} usable keys have no "kid"; with several keys, tokens and keys should carry a kid so verifiers can pick the right one.` });
  }
  if (parsed.truncated) problems.push({ id: 'jwks_unavailable', severity: 'warning', detail: `The JWKS lists more than ${MAX_KEYS} keys; only the first ${MAX_KEYS} were examined.` });
  if (usable === 0) {
    const reasons = unusable.slice(0, 5).join('; ') + (unusable.length > 5 ? `; and ${unusable.length - 5} more` : '');
    problems.unshift({ id: 'jwks_unavailable', severity: 'error', detail: `The JWKS holds no usable public signing key (${parsed.keys.length} key${parsed.keys.length === 1 ? '' : 's'}: ${reasons || 'none'}). Tokens from this server cannot be verified.` });
  }
  return { usableKeys: usable, problems };
}

// ---------------------------------------------------------------------------------------------

function succeed(base: Pick<VerifyResult, 'kid' | 'alg'>, claimProblems: JwtProblem[]): VerifyResult {
  const errors = claimProblems.filter((p) => p.severity === 'error');
  return { verified: errors.length === 0, signatureValid: true, ...base, problems: claimProblems };
}

type PreparedKeySet = { ok: true; keySet: ReturnType<typeof createLocalJWKSet>; publicKeys: JWK[] } | { ok: false; error: string };

/**
 * Key sets are prepared once per JWKS and reused: jose caches the imported keys inside a key set,
 * and importing an RSA key costs far more than verifying with it. Objects are cached by identity
 * (the caller's cached JWKS), JSON text by value in a small bounded map.
 */
const PREPARED_BY_OBJECT = new WeakMap<object, PreparedKeySet>();
const PREPARED_BY_TEXT = new Map<string, PreparedKeySet>();
const MAX_PREPARED_TEXTS = 16;

function prepareKeySet(jwks: unknown): PreparedKeySet {
  if (typeof jwks === 'object' && jwks !== null) {
    const hit = PREPARED_BY_OBJECT.get(jwks);
    if (hit) return hit;
  } else if (typeof jwks === 'string') {
    const hit = PREPARED_BY_TEXT.get(jwks);
    if (hit) return hit;
  }
  const prepared = buildKeySet(jwks);
  if (typeof jwks === 'object' && jwks !== null && !(jwks instanceof Uint8Array)) {
    PREPARED_BY_OBJECT.set(jwks, prepared);
  } else if (typeof jwks === 'string' && jwks.length < 256 * 1024) {
    if (PREPARED_BY_TEXT.size >= MAX_PREPARED_TEXTS) PREPARED_BY_TEXT.delete(PREPARED_BY_TEXT.keys().next().value as string);
    PREPARED_BY_TEXT.set(jwks, prepared);
  }
  return prepared;
}

function buildKeySet(jwks: unknown): PreparedKeySet {
  const parsed = parseJwks(jwks);
  if (!parsed.ok) return parsed;
  // A structured clone: later edits to the caller's object cannot change a cached key set.
  const publicKeys = parsed.keys.map(publicPart).filter((k): k is JWK => k !== undefined).map((k) => structuredClone(k));
  if (publicKeys.length === 0) return { ok: false, error: 'The JWKS holds no public signing keys (RSA, EC or OKP) to verify with.' };
  return { ok: true, keySet: createLocalJWKSet({ keys: publicKeys } as JSONWebKeySet), publicKeys };
}

type ParsedJwks = { ok: true; keys: unknown[]; truncated: boolean } | { ok: false; error: string };

function parseJwks(jwks: unknown): ParsedJwks {
  let value = jwks;
  if (value instanceof Uint8Array) value = Buffer.from(value).toString('utf8');
  if (typeof value === 'string') {
    const text = value.trim();
    if (text.length === 0) return { ok: false, error: 'The JWKS response is empty.' };
    try {
      value = JSON.parse(text);
    } catch {
      const html = /^<(!doctype|html)/i.test(text) ? ' (it looks like an HTML page: a login page, an error page or a wrong URL)' : '';
      return { ok: false, error: `The JWKS is not JSON${html}.` };
    }
  }
  if (value === undefined || value === null) return { ok: false, error: 'No JWKS was given (empty response).' };
  if (typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, error: Array.isArray(value) ? 'The JWKS is a bare JSON array; it must be an object {"keys": [...]}.' : 'The JWKS is not a JSON object.' };
  }
  const obj = value as Record<string, unknown>;
  if (!('keys' in obj)) {
    if ('kty' in obj) return { ok: false, error: 'This is a single JWK, not a JWK Set: wrap it as {"keys": [ ... ]} (RFC 7517 §5).' };
    return { ok: false, error: 'The JWKS has no "keys" member (RFC 7517 §5).' };
  }
  if (!Array.isArray(obj['keys'])) return { ok: false, error: 'The JWKS member "keys" is not an array.' };
  const all = obj['keys'] as unknown[];
  if (all.length === 0) return { ok: false, error: 'The JWKS has an empty "keys" array: no key to verify any token with.' };
  return { ok: true, keys: all.slice(0, MAX_KEYS), truncated: all.length > MAX_KEYS };
}

/** Why a key cannot verify signatures, or undefined when it can (structural: no import needed). */
function unusableReason(k: Record<string, unknown>, kty: string): string | undefined {
  if (!(kty in PUBLIC_MEMBERS)) return `key type ${JSON.stringify(kty.slice(0, 20))} is not used for JWT signatures here`;
  if (k['use'] !== undefined && k['use'] !== 'sig') return `"use": ${JSON.stringify(k['use'])} (not for signatures)`;
  if (k['key_ops'] !== undefined && !(Array.isArray(k['key_ops']) && k['key_ops'].includes('verify'))) return '"key_ops" does not include "verify"';
  for (const m of PUBLIC_MEMBERS[kty] ?? []) {
    if (typeof k[m] !== 'string' || (m !== 'crv' && !/^[A-Za-z0-9_-]+$/.test(k[m] as string))) return `"${m}" missing or not base64url`;
  }
  const alg = k['alg'];
  if (typeof alg === 'string') {
    const fits = kty === 'RSA' ? /^(RS|PS)(256|384|512)$/.test(alg) : kty === 'EC' ? /^ES(256|384|512)$/.test(alg) : alg === 'EdDSA' || alg === 'Ed25519';
    if (!fits) return `"alg": ${JSON.stringify(alg.slice(0, 20))} does not fit key type ${kty}`;
  }
  if (kty === 'RSA') {
    const bits = base64urlBytes(k['n'] as string) * 8;
    if (bits < 2048) return `RSA modulus is ${bits} bits; jose and most libraries refuse RSA keys under 2048 bits`;
  }
  if (kty === 'EC') {
    const size = EC_CURVES[k['crv'] as string];
    if (!size) return `curve ${JSON.stringify(String(k['crv']).slice(0, 20))} is not supported for JWS (use P-256, P-384 or P-521)`;
    if (base64urlBytes(k['x'] as string) !== size || base64urlBytes(k['y'] as string) !== size) return `coordinates do not have the length of ${k['crv'] as string}`;
  }
  if (kty === 'OKP' && !OKP_SIGNING_CURVES.has(k['crv'] as string)) return `curve ${JSON.stringify(String(k['crv']).slice(0, 20))} is not a signing curve`;
  return undefined;
}

/** Keeps only the public members of a usable signing key; drops everything else (defence against hostile sets). */
function publicPart(key: unknown): JWK | undefined {
  if (typeof key !== 'object' || key === null || Array.isArray(key)) return undefined;
  const k = key as Record<string, unknown>;
  const kty = typeof k['kty'] === 'string' ? k['kty'] : '';
  if (!(kty in PUBLIC_MEMBERS) || unusableReason(k, kty)) return undefined;
  const out: Record<string, unknown> = {};
  for (const m of [...COMMON_MEMBERS, ...(PUBLIC_MEMBERS[kty] ?? [])]) if (k[m] !== undefined) out[m] = k[m];
  return out as JWK;
}

function explainJoseError(code: string | undefined, e: unknown, alg: string, kid: string | undefined, keys: JWK[]): string {
  const kidsInSet = keys.map((k) => k.kid).filter((k): k is string => typeof k === 'string');
  switch (code) {
    case 'ERR_JWKS_NO_MATCHING_KEY': {
      if (kid !== undefined && !kidsInSet.includes(kid)) {
        const near = kidsInSet.find((k) => stringDifference(k, kid) !== '');
        return `No key in the JWKS has kid ${JSON.stringify(kid)} (the set has ${kidsInSet.length ? kidsInSet.map((k) => JSON.stringify(k)).join(', ') : 'no kids'})${near ? `; ${JSON.stringify(near)} is close${stringDifference(near, kid)}` : ''}. The server may have rotated its keys (fetch the JWKS again), or the token comes from another issuer or environment.`;
      }
      return `No key in the JWKS fits ${alg}${kid ? ` with kid ${JSON.stringify(kid)}` : ''}: the matching key has another type, curve or "alg" (the set has ${keys.map((k) => `${k.kty}${k.crv ? '/' + k.crv : ''}${k.alg ? ' ' + k.alg : ''}`).join(', ')}).`;
    }
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return `The signature does not match${kid ? ` the key with kid ${JSON.stringify(kid)}` : ''}: the token was altered, or signed with a different private key than the one published under that kid.`;
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return `The algorithm ${alg} is not allowed for the selected key.`;
    case 'ERR_JOSE_NOT_SUPPORTED':
      return `The algorithm or key is not supported: ${e instanceof Error ? e.message : String(e)}.`;
    case 'ERR_JWKS_INVALID':
    case 'ERR_JWK_INVALID':
      return `The matching JWKS key could not be used: ${e instanceof Error ? e.message : String(e)}.`;
    case 'ERR_JWS_INVALID':
      return `The token is not a valid JWS: ${e instanceof Error ? e.message : String(e)}.`;
    default:
      return `The signature could not be verified: ${e instanceof Error ? e.message : String(e)}.`;
  }
}

function cleanCompact(token: string): string {
  let t = token.trim().replace(/^bearer\s+/i, '');
  if ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'"))) t = t.slice(1, -1).trim();
  return t;
}

function base64urlBytes(s: string): number {
  const len = s.replace(/=+$/, '').length;
  return Math.floor((len * 3) / 4);
}

function keyLabel(key: unknown, i: number): string {
  const kid = typeof key === 'object' && key !== null && typeof (key as Record<string, unknown>)['kid'] === 'string' ? (key as Record<string, string>)['kid'] : undefined;
  return kid !== undefined ? `Key ${JSON.stringify(kid.slice(0, 60))}` : `Key #${i + 1}`;
}
