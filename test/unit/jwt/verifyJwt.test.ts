import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT, exportJWK, generateKeyPair, generateSecret } from 'jose';
import type { JWK } from 'jose';
import { checkJwks, verifyJwtWithJwks } from '../../../src/core/jwt/verifyJwt';

const ISS = 'https://as.example';
const NOW = Date.now();
const ids = (p: { id: string }[]): string[] => p.map((x) => x.id);

async function keyPair(alg: string, kid: string): Promise<{ privateKey: CryptoKey; jwk: JWK; privateJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg };
  return { privateKey, jwk, privateJwk };
}

async function sign(alg: string, key: CryptoKey, kid: string | undefined, claims: Record<string, unknown> = {}, exp: number | string = '1h'): Promise<string> {
  const hdr: { alg: string; kid?: string } = { alg };
  if (kid) hdr.kid = kid;
  return new SignJWT(claims).setProtectedHeader(hdr).setIssuer(ISS).setAudience('api').setSubject('u1').setIssuedAt().setExpirationTime(exp).sign(key);
}

for (const alg of ['RS256', 'ES256', 'EdDSA']) {
  test(`${alg}: a real token verifies; tampered payload and wrong key fail`, async () => {
    const a = await keyPair(alg, 'a');
    const b = await keyPair(alg, 'b');
    const jwks = { keys: [a.jwk, b.jwk] };
    const token = await sign(alg, a.privateKey, 'a');
    const ok = await verifyJwtWithJwks(token, jwks, { issuer: ISS, audience: 'api', at: NOW });
    assert.equal(ok.verified, true, ok.error);
    assert.equal(ok.kid, 'a');
    assert.equal(ok.alg, alg);
    assert.deepEqual(ok.problems, []);

    const [h, , s] = token.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ iss: ISS, aud: 'api', sub: 'admin', exp: Math.floor(NOW / 1000) + 3600 })).toString('base64url')}.${s}`;
    const bad = await verifyJwtWithJwks(forged, jwks, { at: NOW });
    assert.equal(bad.verified, false);
    assert.match(bad.error ?? '', /signature does not match/);
    assert.deepEqual(ids(bad.problems), ['token_signature_invalid']);

    // Signed by b's private key but claiming kid a.
    const wrongKey = await sign(alg, b.privateKey, 'a');
    assert.match((await verifyJwtWithJwks(wrongKey, jwks, { at: NOW })).error ?? '', /signature does not match/);
  });
}

test('unknown kid names the kids in the set', async () => {
  const a = await keyPair('RS256', 'key-2026-01');
  const token = await sign('RS256', a.privateKey, 'key-2025-12');
  const r = await verifyJwtWithJwks(token, { keys: [a.jwk] }, { at: NOW });
  assert.equal(r.verified, false);
  assert.match(r.error ?? '', /No key in the JWKS has kid "key-2025-12".*"key-2026-01".*rotated/);
});

test('a token without kid is tried against every fitting key', async () => {
  const a = await keyPair('ES256', 'a');
  const b = await keyPair('ES256', 'b');
  const token = await sign('ES256', b.privateKey, undefined);
  const r = await verifyJwtWithJwks(token, { keys: [a.jwk, b.jwk] }, { at: NOW });
  assert.equal(r.verified, true, r.error);
  const c = await keyPair('ES256', 'c');
  const other = await sign('ES256', c.privateKey, undefined);
  const r2 = await verifyJwtWithJwks(other, { keys: [a.jwk, b.jwk] }, { at: NOW });
  assert.equal(r2.verified, false);
  assert.match(r2.error ?? '', /every candidate was tried/);
});

test('expired, wrong audience and wrong issuer are all reported together with a valid signature', async () => {
  const a = await keyPair('RS256', 'a');
  const token = await sign('RS256', a.privateKey, 'a', {}, Math.floor(NOW / 1000) - 7200);
  const r = await verifyJwtWithJwks(token, JSON.stringify({ keys: [a.jwk] }), { issuer: ISS + '/', audience: 'other', at: NOW });
  assert.equal(r.signatureValid, true);
  assert.equal(r.verified, false);
  assert.deepEqual(ids(r.problems).sort(), ['token_audience_mismatch', 'token_expired', 'token_issuer_mismatch']);
  assert.match(r.problems.find((p) => p.id === 'token_expired')!.detail, /2 h ago/);
  assert.match(r.problems.find((p) => p.id === 'token_issuer_mismatch')!.detail, /trailing slash/);
});

test('alg none built by hand is refused; HS256 cannot be checked against a JWKS', async () => {
  const a = await keyPair('RS256', 'a');
  const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const none = `${b64({ alg: 'none', kid: 'a' })}.${b64({ iss: ISS, sub: 'admin' })}.`;
  const r = await verifyJwtWithJwks(none, { keys: [a.jwk] }, { at: NOW });
  assert.equal(r.verified, false);
  assert.match(r.error ?? '', /alg": "none"/);
  assert.equal(r.problems[0]!.id, 'token_signature_invalid');
  const secret = await generateSecret('HS256');
  const hs = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).sign(secret);
  assert.match((await verifyJwtWithJwks(hs, { keys: [a.jwk] }, { at: NOW })).error ?? '', /shared-secret/);
  const allowed = await verifyJwtWithJwks(await sign('RS256', a.privateKey, 'a'), { keys: [a.jwk] }, { at: NOW, algorithms: ['ES256'] });
  assert.match(allowed.error ?? '', /not in the allowed algorithms/);
});

test('broken JWKS inputs give jwks_unavailable, never a throw', async () => {
  const a = await keyPair('RS256', 'a');
  const token = await sign('RS256', a.privateKey, 'a');
  for (const [jwks, re] of [['<html>login</html>', /HTML page/], ['', /empty/], [undefined, /No JWKS/], [{}, /no "keys"/], [{ keys: [] }, /empty "keys"/], [a.jwk, /single JWK/], [[a.jwk], /bare JSON array/], [{ keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }, /no public signing keys/]] as const) {
    const r = await verifyJwtWithJwks(token, jwks, { at: NOW });
    assert.equal(r.verified, false);
    assert.match(r.error ?? '', re, JSON.stringify(jwks));
    assert.equal(r.problems[0]!.id, 'jwks_unavailable');
  }
  const garbage = await verifyJwtWithJwks('not a token', { keys: [a.jwk] });
  assert.equal(garbage.verified, false);
  assert.match(garbage.error ?? '', /Not a JWT/);
});

test('a JWKS leaking private members still verifies with the public part, and the leak is reported', async () => {
  const a = await keyPair('ES256', 'a');
  const token = await sign('ES256', a.privateKey, 'a');
  assert.equal((await verifyJwtWithJwks(token, { keys: [a.privateJwk] }, { at: NOW })).verified, true);
  const c = checkJwks({ keys: [a.privateJwk] });
  assert.equal(c.usableKeys, 1);
  assert.equal(c.problems[0]!.severity, 'error');
  assert.match(c.problems[0]!.detail, /PRIVATE key material \("d"\)/);
});

test('checkJwks counts usable keys and reports hostile or broken entries', async () => {
  const rsa = await keyPair('RS256', 'r');
  const ec = await keyPair('ES256', 'e');
  const ed = await keyPair('EdDSA', 'o');
  assert.deepEqual(checkJwks({ keys: [rsa.jwk, ec.jwk, ed.jwk] }), { usableKeys: 3, problems: [] });
  assert.equal(checkJwks(JSON.stringify({ keys: [rsa.jwk] })).usableKeys, 1);

  const oct = checkJwks({ keys: [rsa.jwk, { kty: 'oct', k: 'c2VjcmV0', kid: 'hmac' }] });
  assert.equal(oct.usableKeys, 1);
  assert.match(oct.problems[0]!.detail, /symmetric key.*"k"/);

  const rsaPriv = checkJwks({ keys: [rsa.privateJwk] });
  assert.match(rsaPriv.problems[0]!.detail, /"d", "p", "q", "dp", "dq", "qi"/);

  const enc = checkJwks({ keys: [{ ...rsa.jwk, use: 'enc', alg: undefined }] });
  assert.equal(enc.usableKeys, 0);
  assert.match(enc.problems[0]!.detail, /no usable public signing key.*"use": "enc"/);

  const dup = checkJwks({ keys: [rsa.jwk, { ...ec.jwk, kid: 'r' }] });
  assert.equal(dup.usableKeys, 2);
  assert.match(dup.problems[0]!.detail, /share kid "r"/);

  const small = checkJwks({ keys: [{ kty: 'RSA', n: 'AQAB'.repeat(32), e: 'AQAB' }] });
  assert.equal(small.usableKeys, 0);
  assert.ok(small.problems.some((p) => /under 2048 bits/.test(p.detail)));

  for (const bad of ['nope', '', null, 42, { keys: 'x' }, { keys: [null, 1, { kty: 'EC', crv: 'secp256k1', x: 'a', y: 'b' }] }]) {
    const r = checkJwks(bad);
    assert.equal(r.usableKeys, 0);
    assert.equal(r.problems[0]!.id, 'jwks_unavailable');
  }
  const many = checkJwks({ keys: Array.from({ length: 500 }, () => rsa.jwk) });
  assert.ok(many.problems.some((p) => /more than 200 keys/.test(p.detail)));
});

test('prepared key sets are reused per JWKS without mixing sets up', async () => {
  const a = await keyPair('RS256', 'k');
  const b = await keyPair('RS256', 'k');
  const token = await sign('RS256', a.privateKey, 'k');
  const setA = { keys: [a.jwk] };
  const setB = { keys: [b.jwk] };
  for (let i = 0; i < 3; i++) {
    assert.equal((await verifyJwtWithJwks(token, setA, { at: NOW })).verified, true);
    assert.equal((await verifyJwtWithJwks(token, setB, { at: NOW })).verified, false);
    assert.equal((await verifyJwtWithJwks(token, JSON.stringify(setA), { at: NOW })).verified, true);
    assert.equal((await verifyJwtWithJwks(token, JSON.stringify(setB), { at: NOW })).verified, false);
  }
});
