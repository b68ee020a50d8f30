import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeJwt, findJwts } from '../../../src/core/jwt/decodeJwt';
import { referenceDecodeJwt, referenceFindJwts } from './decodeJwtReference';

/** Base64url of raw bytes, of text, and deliberately broken variants. */
const b64 = (s: string | Uint8Array): string => Buffer.from(s).toString('base64url');
const jsonText = fc.oneof(
  fc.json(),
  fc.constantFrom('{"alg":"RS256","typ":"at+jwt"}', '{"alg":"none"}', '{"alg":1}', '{}', '[]', '"x"', 'null', '{"alg":"HS256"', ' {"alg":"ES256"} ', '\ufeff{"alg":"RS256"}',
    '{"sub":"1","nonce":"n"}', '{"scope":"a b","client_id":"c","sub":"u"}', '{"__proto__":{"alg":"x"},"alg":"RS256"}', '{"alg":"RS256","alg":"HS256"}'),
);
const part = fc.oneof(
  { weight: 5, arbitrary: jsonText.map((t) => b64(t)) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 40 }).map((b) => b64(b)) },
  { weight: 1, arbitrary: fc.constantFrom('', 'a', 'ab', 'abc', 'abcde', 'eyJ', 'e+/=', '____', '-', '77u_eyJhbGciOiJSUzI1NiJ9') },
  { weight: 1, arbitrary: fc.tuple(jsonText, fc.constantFrom('A', 'AB', 'ABC', '=', '+', ' ')).map(([t, tail]) => b64(t) + tail) },
);
const token = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(part, part, fc.constantFrom('', 'sig', 'c2lnbmF0dXJl', 'a+b')).map(([h, p, s]) => `${h}.${p}.${s}`) },
  { weight: 1, arbitrary: fc.array(part, { minLength: 1, maxLength: 6 }).map((a) => a.join('.')) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('', 'Bearer ', 'bearer  ', ' "', "'"), part, part).map(([pre, h, p]) => `${pre}${h}.${p}.x${pre.includes('"') ? '"' : pre.includes("'") ? "'" : ''}`) },
);

test('decodeJwt (fast path) gives exactly the jose-only reference result on any token', () => {
  fc.assert(fc.property(token, (t) => {
    assert.deepStrictEqual(decodeJwt(t), referenceDecodeJwt(t));
  }), { numRuns: 20_000 });
});

test('findJwts gives exactly the reference result on texts with tokens in them', () => {
  fc.assert(fc.property(fc.array(fc.oneof(token, fc.constantFrom(' ', 'Bearer ', '.', 'x', '"', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.')), { maxLength: 6 }).map((a) => a.join('')), (t) => {
    assert.deepStrictEqual(findJwts(t), referenceFindJwts(t));
  }), { numRuns: 5_000 });
});

test('decodeJwt matches the reference on parts too long for its scratch buffer', () => {
  const big = Buffer.from(JSON.stringify({ sub: '1', pad: 'x'.repeat(9000), name: 'é✓' })).toString('base64url');
  const bad = Buffer.concat([Buffer.from('{"a":"'), Buffer.alloc(9000, 0xff), Buffer.from('"}')]).toString('base64url');
  for (const t of [`eyJhbGciOiJSUzI1NiJ9.${big}.sig`, `eyJhbGciOiJSUzI1NiJ9.${bad}.sig`, `${big}.${big}.`]) assert.deepStrictEqual(decodeJwt(t), referenceDecodeJwt(t));
});
