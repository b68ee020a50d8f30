import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT, generateKeyPair } from 'jose';
import { decodeJwt, findJwts, classifyJwt } from '../../../src/core/jwt/decodeJwt';
import { fingerprint } from '../../../src/core/redact/redact';

const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
/** An unsigned token built by hand (jose refuses to produce alg none). */
const unsigned = (payload: Record<string, unknown>, header: Record<string, unknown> = { alg: 'none' }): string => `${b64(header)}.${b64(payload)}.`;

test('decodes a real RS256 token signed with jose, with fingerprint and safe preview', async () => {
  const { privateKey } = await generateKeyPair('RS256');
  const token = await new SignJWT({ scope: 'mcp', client_id: 'c1' }).setProtectedHeader({ alg: 'RS256', kid: 'k1', typ: 'at+jwt' })
    .setIssuer('https://as.example').setSubject('u1').setIssuedAt().setExpirationTime('1h').sign(privateKey);
  const r = decodeJwt(`Bearer ${token}`);
  assert.ok(r.ok);
  assert.equal(r.jwt.header['kid'], 'k1');
  assert.equal(r.jwt.payload['iss'], 'https://as.example');
  assert.equal(r.jwt.kind, 'access_token');
  assert.equal(r.jwt.fingerprint, fingerprint(token));
  assert.equal(r.jwt.preview, token.slice(0, 10) + '…');
  assert.ok(!r.jwt.preview.includes(token.split('.')[2]!));
});

test('classifies id, logout, request-object and access tokens from typ and claims', () => {
  const kind = (p: Record<string, unknown>, h: Record<string, unknown> = { alg: 'RS256' }): string => classifyJwt(h, p);
  assert.equal(kind({ nonce: 'n', sub: 'u' }), 'id_token');
  assert.equal(kind({ at_hash: 'x', sub: 'u' }), 'id_token');
  assert.equal(kind({ events: { 'http://schemas.openid.net/event/backchannel-logout': {} } }), 'logout_token');
  assert.equal(kind({}, { alg: 'RS256', typ: 'logout+jwt' }), 'logout_token');
  assert.equal(kind({ response_type: 'code', client_id: 'c', redirect_uri: 'https://a/cb' }), 'request_object');
  assert.equal(kind({}, { alg: 'RS256', typ: 'oauth-authz-req+jwt' }), 'request_object');
  assert.equal(kind({ nonce: 'n' }, { alg: 'RS256', typ: 'application/at+jwt' }), 'access_token');
  assert.equal(kind({ typ: 'Bearer', nonce: 'n' }), 'access_token', 'Keycloak access tokens carry a nonce but typ Bearer');
  assert.equal(kind({ typ: 'ID' }), 'id_token');
  assert.equal(kind({ scope: 'read' }), 'access_token');
  assert.equal(kind({ sub: 'u' }), 'unknown');
});

test('alg none tokens decode (checks flag them later)', () => {
  const r = decodeJwt(unsigned({ sub: '1' }));
  assert.ok(r.ok);
  assert.equal(r.jwt.header['alg'], 'none');
});

test('bad input gives a plain reason, never a throw', () => {
  const cases: [unknown, RegExp][] = [
    ['', /empty/],
    ['abc', /opaque token/],
    ['a.b', /found 2/],
    ['a.b.c.d.e', /encrypted JWT/],
    ['eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0+.sig', /standard base64/],
    ['e30.eyJzdWIiOiIxIn0.', /no "alg"/],
    ['bm90IGpzb24.eyJzdWIiOiIxIn0.', /header is not valid/],
    [`${b64({ alg: 'HS256' })}.${Buffer.from('hello').toString('base64url')}.x`, /payload is not a JSON object/],
    [`${b64({ alg: 'HS256' })}.${b64([1, 2])}.x`, /payload/],
    [`${b64({ alg: 'HS256' })}..x`, /payload part is empty/],
    [null, /No token/],
    ['x'.repeat(300_000), /not a JWT/],
  ];
  for (const [input, re] of cases) {
    const r = decodeJwt(input as string);
    assert.equal(r.ok, false, String(input).slice(0, 40));
    if (!r.ok) assert.match(r.error, re, String(input).slice(0, 40));
  }
});

test('findJwts finds tokens in log text, skips junk, JWE and duplicates', () => {
  const t1 = unsigned({ sub: '1' });
  const t2 = `${b64({ alg: 'RS256', kid: 'a' })}.${b64({ scope: 'x' })}.c2lnbmF0dXJl`;
  const jwe = `${b64({ alg: 'RSA-OAEP', enc: 'A256GCM' })}.aaaa.bbbb.cccc.dddd`;
  const text = `[2026-11-28] token issued access_token=${t2} id="${t1}" again ${t2}. junk eyJnotajwt.abc.def and ${jwe}`;
  assert.deepEqual(findJwts(text), [t2, t1]);
  assert.deepEqual(findJwts('no tokens here'), []);
});

test('findJwts stays fast on hostile text', () => {
  const hostile = 'eyJ' + 'a.'.repeat(50_000) + ' ' + 'eyJaaaa.bb.'.repeat(5_000);
  const c0 = process.cpuUsage();
  findJwts(hostile);
  const c = process.cpuUsage(c0);
  assert.ok((c.user + c.system) / 1000 < 1000, `${(c.user + c.system) / 1000} ms CPU`);
});
