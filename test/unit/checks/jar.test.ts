import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT, generateKeyPair } from 'jose';
import { checkRequestAndRequestUri, checkRequestObject } from '../../../src/core/checks/jar';

const AS = 'https://account.example';
const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);
const NOW_S = NOW / 1000;
const SECRET = new TextEncoder().encode('a-client-secret-that-is-long-enough-for-hs256');
const ids = (p: { id: string }[]): string[] => p.map((x) => x.id);
const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');

function claims(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss: 'client-1', aud: AS, iat: NOW_S - 5, exp: NOW_S + 295, jti: 'j1',
    client_id: 'client-1', redirect_uri: 'https://app.example/cb', response_type: 'code', scope: 'openid', state: 's',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256', ...over,
  };
}
const hs = (c: Record<string, unknown>, hdr: Record<string, unknown> = {}): Promise<string> =>
  new SignJWT(c).setProtectedHeader({ alg: 'HS256', typ: 'oauth-authz-req+jwt', ...hdr }).sign(SECRET);

test('a correct HS256 request object (as seed 004 builds it) has no problems', async () => {
  assert.deepEqual(checkRequestObject(await hs(claims()), { at: NOW, clientId: 'client-1', audience: AS }), []);
});

test('a correct EdDSA request object with kid passes; without kid it is jar_invalid', async () => {
  const { privateKey } = await generateKeyPair('EdDSA');
  const withKid = await new SignJWT(claims()).setProtectedHeader({ alg: 'EdDSA', kid: 'k1' }).sign(privateKey);
  assert.deepEqual(checkRequestObject(withKid, { at: NOW, clientId: 'client-1', audience: AS }), []);
  const noKid = await new SignJWT(claims()).setProtectedHeader({ alg: 'EdDSA' }).sign(privateKey);
  const p = checkRequestObject(noKid, { at: NOW });
  assert.deepEqual(ids(p), ['jar_invalid']);
  assert.match(p[0]!.detail, /no "kid"/);
});

test('alg none and garbage are jar_invalid', () => {
  const none = `${b64({ alg: 'none' })}.${b64(claims())}.`;
  assert.match(checkRequestObject(none, { at: NOW })[0]!.detail, /unsigned/);
  const g = checkRequestObject('not-a-jwt', { at: NOW });
  assert.deepEqual(ids(g), ['jar_invalid']);
  assert.match(g[0]!.detail, /not a usable JWT/);
  assert.equal(checkRequestObject('a.b.c.d.e')[0]!.severity, 'info');
});

test('missing claims are listed together', async () => {
  const c = claims();
  delete c['jti'];
  delete c['redirect_uri'];
  delete c['aud'];
  const p = checkRequestObject(await hs(c), { at: NOW });
  assert.deepEqual(ids(p), ['jar_invalid']);
  assert.match(p[0]!.detail, /claims aud, jti, redirect_uri\./);
});

test('client_id, iss and aud mismatches name the difference', async () => {
  const p = checkRequestObject(await hs(claims({ client_id: 'client-2', iss: 'client-2', aud: AS + '/' })), { at: NOW, clientId: 'client-1', audience: AS });
  assert.equal(p.length, 2);
  assert.match(p[0]!.detail, /client_id inside the request object/);
  assert.match(p[1]!.detail, /trailing slash/);
  assert.match(checkRequestObject(await hs(claims({ iss: 'someone' })), { at: NOW })[0]!.detail, /iss .* should be the client_id/);
});

test('lifetime: expired, too long, iat in the future, exp before iat', async () => {
  const expired = checkRequestObject(await hs(claims({ iat: NOW_S - 900, exp: NOW_S - 600 })), { at: NOW });
  assert.deepEqual(ids(expired), ['jar_expired']);
  assert.match(expired[0]!.detail, /expired 10 min before it was used/);
  const long = checkRequestObject(await hs(claims({ iat: NOW_S, exp: NOW_S + 3600 })), { at: NOW });
  assert.deepEqual(ids(long), ['jar_expired']);
  assert.match(long[0]!.detail, /valid for 1 h, longer than the 5 min/);
  assert.deepEqual(checkRequestObject(await hs(claims({ iat: NOW_S, exp: NOW_S + 3600 })), { at: NOW, maxLifetimeSec: 3600 }), []);
  const future = checkRequestObject(await hs(claims({ iat: NOW_S + 600, exp: NOW_S + 800 })), { at: NOW });
  assert.deepEqual(ids(future), ['jar_expired']);
  assert.match(future[0]!.detail, /in the future/);
  assert.match(checkRequestObject(await hs(claims({ iat: NOW_S, exp: NOW_S - 1 })), { at: NOW })[0]!.detail, /never valid/);
  assert.match(checkRequestObject(await hs(claims({ exp: 'soon' })), { at: NOW })[0]!.detail, /not a number/);
});

test('nested request/request_uri claims and wrong typ are reported', async () => {
  assert.match(checkRequestObject(await hs(claims({ request_uri: 'urn:x' })), { at: NOW })[0]!.detail, /must not nest/);
  const t = checkRequestObject(await hs(claims(), { typ: 'at+jwt' }), { at: NOW });
  assert.equal(t[0]!.severity, 'warning');
});

test('request and request_uri together', () => {
  assert.equal(checkRequestAndRequestUri(new URLSearchParams('client_id=a&request=x.y.z&request_uri=urn:1'))?.id, 'jar_request_and_request_uri');
  assert.equal(checkRequestAndRequestUri(new URLSearchParams('client_id=a&request=x.y.z')), undefined);
  assert.equal(checkRequestAndRequestUri({ request: 'x', request_uri: 'y' })?.id, 'jar_request_and_request_uri');
  assert.equal(checkRequestAndRequestUri(new Map([['request', 'x'], ['request_uri', '']])), undefined);
  assert.equal(checkRequestAndRequestUri(undefined), undefined);
});
