import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { checkPkcePair, s256Challenge } from '../../../src/core/checks/pkce';

// RFC 7636 Appendix B example.
const V = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const C = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

test('s256Challenge reproduces the RFC 7636 appendix B vector', () => {
  assert.equal(s256Challenge(V), C);
});

test('a matching S256 pair is ok', () => {
  const r = checkPkcePair(V, C, 'S256');
  assert.deepEqual(r.problems, []);
  assert.equal(r.ok, true);
  assert.equal(r.expectedChallenge, C);
});

test('a different verifier is pkce_mismatch with the expected challenge, without quoting the verifier', () => {
  const other = 'x'.repeat(43);
  const r = checkPkcePair(other, C, 'S256');
  assert.equal(r.ok, false);
  assert.deepEqual(r.problems.map((p) => p.id), ['pkce_mismatch']);
  assert.equal(r.expectedChallenge, s256Challenge(other));
  assert.ok(!r.problems[0]!.detail.includes(other));
});

test('standard base64 challenge (with and without padding) is pkce_base64_not_base64url', () => {
  // Find a verifier whose digest has + or / so the difference is visible.
  let v = V;
  for (let i = 0; !/[+/]/.test(createHash('sha256').update(v).digest('base64')); i++) v = V.slice(0, 40) + String(i).padStart(3, '0');
  const std = createHash('sha256').update(v).digest('base64');
  for (const c of [std, std.replace(/=+$/, '')]) {
    const r = checkPkcePair(v, c, 'S256');
    assert.deepEqual(r.problems.map((p) => p.id), ['pkce_base64_not_base64url'], c);
  }
  assert.deepEqual(checkPkcePair(V, C + '=', 'S256').problems.map((p) => p.id), ['pkce_base64_not_base64url']);
});

test('verifier length and charset', () => {
  const short = checkPkcePair('abc', s256Challenge('abc'), 'S256');
  assert.deepEqual(short.problems.map((p) => p.id), ['pkce_verifier_invalid']);
  assert.match(short.problems[0]!.detail, /3 characters long/);
  assert.equal(checkPkcePair('a'.repeat(129), s256Challenge('a'.repeat(129)), 'S256').problems[0]!.id, 'pkce_verifier_invalid');
  const bad = V.slice(0, 42) + '+';
  const r = checkPkcePair(bad, s256Challenge(bad), 'S256');
  assert.equal(r.problems[0]!.id, 'pkce_verifier_invalid');
  assert.match(r.problems[0]!.detail, /"\+" at position 43/);
  const nl = checkPkcePair(V + '\n', C, 'S256');
  assert.ok(nl.problems.some((p) => p.id === 'pkce_verifier_invalid' && /newline/.test(p.detail)));
  assert.ok(nl.problems.some((p) => p.id === 'pkce_mismatch' && /whitespace/.test(p.detail)));
});

test('plain vs S256 confusions and missing method', () => {
  assert.match(checkPkcePair(V, V, 'S256').problems[0]!.detail, /equals the verifier/);
  assert.match(checkPkcePair(V, C, 'plain').problems[0]!.detail, /says "plain"/);
  const unknownMethod = checkPkcePair(V, C);
  assert.equal(unknownMethod.ok, true, 'an unknown method is not a missing one');
  assert.match(unknownMethod.notes?.[0] ?? '', /code_challenge_method=S256/);
  const plain = checkPkcePair(V, V, 'plain');
  assert.equal(plain.ok, true);
  assert.match(plain.notes?.[0] ?? '', /plain/);
  assert.match(checkPkcePair(V, C, 's256').problems[0]!.detail, /case-sensitive/);
});

test('hex digest, unhashed and double-hashed challenges are explained', () => {
  assert.match(checkPkcePair(V, createHash('sha256').update(V).digest('hex'), 'S256').problems[0]!.detail, /hex SHA-256/);
  assert.match(checkPkcePair(V, Buffer.from(V).toString('base64url'), 'S256').problems[0]!.detail, /without hashing/);
  assert.match(checkPkcePair(V, s256Challenge(C), 'S256').problems[0]!.detail, /hashed twice/);
});

test('missing halves are pkce_missing', () => {
  assert.equal(checkPkcePair(undefined, undefined).problems[0]!.id, 'pkce_missing');
  assert.match(checkPkcePair(undefined, C, 'S256').problems[0]!.detail, /no code_verifier/);
  assert.match(checkPkcePair(V, undefined).problems.at(-1)!.detail, /no code_challenge/);
  assert.equal(checkPkcePair('', '').problems[0]!.id, 'pkce_missing');
});
