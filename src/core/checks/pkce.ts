/**
 * PKCE (RFC 7636) pair checking: given the code_verifier the token request sent and the
 * code_challenge the authorize request sent, says whether they match and, if not, which of the
 * usual mistakes explains it (standard base64 instead of base64url, a hex digest, plain vs S256,
 * a verifier outside the allowed length or alphabet, a stray newline).
 *
 * The verifier is a secret until the exchange is over, so details never quote it: they give its
 * length and the position of a bad character instead.
 */
import { createHash } from 'node:crypto';

export interface PkceProblem {
  id: 'pkce_mismatch' | 'pkce_base64_not_base64url' | 'pkce_verifier_invalid' | 'pkce_missing';
  detail: string;
}

export interface PkceCheckResult {
  ok: boolean;
  problems: PkceProblem[];
  /** BASE64URL(SHA256(verifier)): what the challenge should have been for S256. */
  expectedChallenge?: string;
  /** Advice that is not a failure (e.g. `plain` works but protects nothing if the request leaks). */
  notes?: string[];
}

const VERIFIER_RE = /^[A-Za-z0-9\-._~]+$/;
const MIN_LEN = 43;
const MAX_LEN = 128;

/**
 * The S256 code_challenge for a verifier: BASE64URL-ENCODE(SHA256(ASCII(code_verifier))), no padding
 * (RFC 7636 §4.2).
 *
 * @example s256Challenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk') // 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'
 */
export function s256Challenge(verifier: string): string {
  return createHash('sha256').update(String(verifier ?? ''), 'utf8').digest('base64url');
}

/**
 * Checks a verifier/challenge pair. `method` is the code_challenge_method of the authorize
 * request. When it is not given (unknown: not in the log, not pasted) a pair that matches either
 * S256 or plain is accepted, with a note that the wire must then carry the right method.
 *
 * @example checkPkcePair(v, s256Challenge(v), 'S256') // { ok: true, problems: [], expectedChallenge: ... }
 */
export function checkPkcePair(verifier: string | undefined, challenge: string | undefined, method?: string): PkceCheckResult {
  const v = typeof verifier === 'string' ? verifier : undefined;
  const c = typeof challenge === 'string' ? challenge : undefined;
  const m = typeof method === 'string' && method.length > 0 ? method : undefined;
  const problems: PkceProblem[] = [];
  const notes: string[] = [];

  if (!v && !c) {
    problems.push({ id: 'pkce_missing', detail: 'Neither a code_challenge (authorize request) nor a code_verifier (token request) was sent. Servers that require PKCE reject this with invalid_request; generate a verifier, send its S256 challenge on /authorize and the verifier on /token.' });
    return { ok: false, problems };
  }
  if (!v) {
    problems.push({ id: 'pkce_missing', detail: `The authorize request carried a code_challenge${m ? ` (method ${m})` : ''} but the token request has no code_verifier; the server cannot check PKCE and rejects the exchange. Send the verifier you generated for this flow.` });
    return { ok: false, problems };
  }

  const expected = s256Challenge(v);
  problems.push(...verifierProblems(v));

  if (!c) {
    problems.push({ id: 'pkce_missing', detail: 'The token request sends a code_verifier but the authorize request had no code_challenge; either send code_challenge + code_challenge_method=S256 on /authorize or drop the verifier.' });
    return { ok: false, problems, expectedChallenge: expected };
  }

  const methodNorm = m?.toUpperCase();
  if (m !== undefined && m !== 'S256' && m !== 'plain') {
    if (methodNorm === 'S256' || methodNorm === 'PLAIN') {
      problems.push({ id: 'pkce_mismatch', detail: `code_challenge_method is "${clip(m)}", but the method names are case-sensitive: use exactly "S256" or "plain".` });
    } else {
      problems.push({ id: 'pkce_mismatch', detail: `Unknown code_challenge_method "${clip(m)}"; only "S256" and "plain" exist (RFC 7636 §4.3).` });
    }
  }
  const wantS256 = methodNorm === 'S256';
  const wantPlain = methodNorm === 'PLAIN';

  if (c === expected) {
    if (wantPlain) {
      problems.push({ id: 'pkce_mismatch', detail: 'The challenge is the S256 hash of the verifier but code_challenge_method says "plain"; the server compares the verifier to the challenge directly and fails. Send code_challenge_method=S256.' });
    } else if (m === undefined) {
      // The method is often simply not known (not in the log, not pasted): matching S256 is a match.
      notes.push('The pair matches with S256. Make sure the authorize request sends code_challenge_method=S256: without it the server assumes "plain" (RFC 7636 §4.3) and the check fails.');
    }
  } else if (c === v) {
    if (wantS256) {
      problems.push({ id: 'pkce_mismatch', detail: 'The challenge equals the verifier itself (the "plain" method) but code_challenge_method says S256; send BASE64URL(SHA256(verifier)) as the challenge.' });
    } else {
      notes.push('The pair uses the "plain" method: it matches, but plain gives no protection if the authorize request is seen by someone else. Prefer S256; some servers refuse plain.');
    }
  } else {
    problems.push(...explainMismatch(v, c, expected));
  }

  if (!problems.some((p) => p.id === 'pkce_mismatch' || p.id === 'pkce_base64_not_base64url') && c !== v && c !== expected) {
    problems.push({ id: 'pkce_mismatch', detail: `BASE64URL(SHA256(code_verifier)) is ${expected}, the authorize request sent ${clip(c)}: this verifier does not belong to this challenge.` });
  }
  const result: PkceCheckResult = { ok: problems.length === 0, problems, expectedChallenge: expected };
  if (notes.length) result.notes = notes;
  return result;
}

function verifierProblems(v: string): PkceProblem[] {
  const out: PkceProblem[] = [];
  const trimmed = v.trim();
  if (trimmed !== v) {
    out.push({ id: 'pkce_verifier_invalid', detail: `The code_verifier has ${v.startsWith(trimmed) ? 'trailing' : 'leading'} whitespace (${describeChar(v.startsWith(trimmed) ? v[v.length - 1]! : v[0]!)}), typically a newline from a file or environment variable; strip it before hashing and sending.` });
  }
  if (v.length < MIN_LEN || v.length > MAX_LEN) {
    out.push({ id: 'pkce_verifier_invalid', detail: `The code_verifier is ${v.length} characters long; RFC 7636 §4.1 requires 43 to 128. ${v.length < MIN_LEN ? 'Generate 32 random bytes and base64url-encode them (43 characters).' : 'Use a shorter verifier (32 random bytes base64url-encoded give 43 characters).'}` });
  }
  if (!VERIFIER_RE.test(v) && trimmed === v) {
    const bad = [...v].findIndex((ch) => !/[A-Za-z0-9\-._~]/.test(ch));
    const ch = bad >= 0 ? [...v][bad]! : '';
    const hint = ch === '+' || ch === '/' || ch === '=' ? ' – it looks standard-base64 encoded; use base64url without padding' : '';
    out.push({ id: 'pkce_verifier_invalid', detail: `The code_verifier contains ${describeChar(ch)} at position ${bad + 1}; only A–Z, a–z, 0–9 and "-", ".", "_", "~" are allowed (RFC 7636 §4.1)${hint}.` });
  } else if (!VERIFIER_RE.test(trimmed) && trimmed !== v && trimmed.length > 0) {
    const bad = [...trimmed].findIndex((ch) => !/[A-Za-z0-9\-._~]/.test(ch));
    out.push({ id: 'pkce_verifier_invalid', detail: `The code_verifier also contains ${describeChar([...trimmed][bad] ?? '')} at position ${bad + 1}; only A–Z, a–z, 0–9 and "-", ".", "_", "~" are allowed.` });
  }
  return out;
}

/** Tries the known wrong computations and returns the one that reproduces the challenge. */
function explainMismatch(v: string, c: string, expected: string): PkceProblem[] {
  const digest = createHash('sha256').update(v, 'utf8').digest();
  const std = digest.toString('base64');
  if (c === std || c === std.replace(/=+$/, '')) {
    return [{ id: 'pkce_base64_not_base64url', detail: `The challenge was computed with standard base64 ("+", "/"${c === std ? ', "=" padding' : ''}) instead of base64url. Replace "+" with "-", "/" with "_" and drop "=" – or use digest('base64url'). Expected ${expected}.` }];
  }
  if (c === expected + '=') {
    return [{ id: 'pkce_base64_not_base64url', detail: `The challenge is base64url but keeps the "=" padding; RFC 7636 §4.2 forbids padding. Expected ${expected}.` }];
  }
  if (c.toLowerCase() === digest.toString('hex')) {
    return [{ id: 'pkce_mismatch', detail: `The challenge is the hex SHA-256 of the verifier; it must be the base64url encoding of the raw 32 digest bytes. Expected ${expected}.` }];
  }
  if (c === Buffer.from(digest.toString('hex')).toString('base64url')) {
    return [{ id: 'pkce_mismatch', detail: `The challenge is the base64url of the hex digest string, not of the raw digest bytes. Expected ${expected}.` }];
  }
  const trimmed = v.trim();
  if (trimmed !== v && (c === s256Challenge(trimmed) || c === trimmed)) {
    return [{ id: 'pkce_mismatch', detail: 'The challenge matches the verifier without its surrounding whitespace: one side trimmed the verifier and the other did not.' }];
  }
  if (c === Buffer.from(v, 'utf8').toString('base64url') || c === Buffer.from(v, 'utf8').toString('base64')) {
    return [{ id: 'pkce_mismatch', detail: `The challenge is just the base64 of the verifier, without hashing it with SHA-256 first. Expected ${expected}.` }];
  }
  if (c === s256Challenge(expected)) {
    return [{ id: 'pkce_mismatch', detail: `The challenge was hashed twice (SHA-256 of the S256 challenge). Expected ${expected}.` }];
  }
  if (/[+/=]/.test(c)) {
    return [{ id: 'pkce_mismatch', detail: `The challenge contains "+", "/" or "=" (standard base64), and even converted it does not match this verifier: the verifier belongs to another flow. Expected ${expected}.` }];
  }
  if (c.length !== 43) {
    return [{ id: 'pkce_mismatch', detail: `The challenge is ${c.length} characters long; an S256 challenge is always 43 characters. Expected ${expected}.` }];
  }
  return [];
}

function describeChar(ch: string): string {
  if (ch === '\n') return 'a newline';
  if (ch === '\r') return 'a carriage return';
  if (ch === '\t') return 'a tab';
  if (ch === ' ') return 'a space';
  if (ch === '') return 'an invalid character';
  const cp = ch.codePointAt(0) ?? 0;
  if (cp < 0x20 || (cp >= 0x7f && cp <= 0xa0) || (cp >= 0x200b && cp <= 0x200d) || cp === 0xfeff) return `the invisible character U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  return `"${ch}"`;
}

function clip(s: string): string {
  const one = s.replace(/[\r\n\t]/g, ' ');
  return one.length > 80 ? one.slice(0, 80) + '…' : one;
}
