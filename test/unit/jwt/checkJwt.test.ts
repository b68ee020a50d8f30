import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from '../../../src/core/jwt/decodeJwt';
import type { DecodedJwt } from '../../../src/core/jwt/decodeJwt';
import { checkJwt, humanDuration } from '../../../src/core/jwt/checkJwt';

const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
const NOW = Date.UTC(2026, 10, 28, 12, 0, 0); // ms
const NOW_S = NOW / 1000;
function jwt(payload: Record<string, unknown>, header: Record<string, unknown> = { alg: 'RS256', kid: 'k' }): DecodedJwt {
  const r = decodeJwt(`${b64(header)}.${b64(payload)}.c2ln`);
  assert.ok(r.ok);
  return r.jwt;
}
const ids = (p: { id: string }[]): string[] => p.map((x) => x.id);

test('a valid token has no problems', () => {
  const t = jwt({ iss: 'https://as.example', aud: 'api', exp: NOW_S + 600, iat: NOW_S - 10, scope: 'mcp offline_access' });
  assert.deepEqual(checkJwt(t, { at: NOW, expectedIssuer: 'https://as.example', expectedAudience: 'api', usedAsBearer: true }), []);
});

test('token_expired says how long ago, beyond the skew only', () => {
  const t = jwt({ exp: NOW_S - 3 * 3600 - 12 * 60, iat: NOW_S - 4 * 3600 - 12 * 60 });
  const p = checkJwt(t, { at: NOW });
  assert.deepEqual(ids(p), ['token_expired']);
  assert.match(p[0]!.detail, /expired 3 h 12 min ago/);
  assert.match(p[0]!.detail, /valid for 1 h/);
  assert.deepEqual(checkJwt(jwt({ exp: NOW_S - 30 }), { at: NOW }), [], 'within default 60 s skew');
  assert.deepEqual(ids(checkJwt(jwt({ exp: NOW_S - 30 }), { at: NOW, clockSkewSec: 0 })), ['token_expired']);
  assert.deepEqual(ids(checkJwt(jwt({ exp: NOW_S - 3600 }), { at: NOW_S })), ['token_expired'], 'seconds accepted for at');
  assert.deepEqual(ids(checkJwt(jwt({ exp: 'tomorrow' }), { at: NOW })), ['token_expired']);
});

test('token_not_yet_valid for nbf or iat in the future', () => {
  const p = checkJwt(jwt({ nbf: NOW_S + 600, exp: NOW_S + 4000 }), { at: NOW });
  assert.deepEqual(ids(p), ['token_not_yet_valid']);
  assert.match(p[0]!.detail, /10 min in the future/);
  const q = checkJwt(jwt({ iat: NOW_S + 300, exp: NOW_S + 4000 }), { at: NOW });
  assert.deepEqual(ids(q), ['token_not_yet_valid']);
  assert.equal(q[0]!.severity, 'warning');
  assert.deepEqual(checkJwt(jwt({ iat: NOW_S + 30 }), { at: NOW }), []);
});

test('alg none is token_signature_invalid', () => {
  assert.deepEqual(ids(checkJwt(jwt({ sub: 'x' }, { alg: 'none' }), { at: NOW })), ['token_signature_invalid']);
  assert.deepEqual(ids(checkJwt(jwt({ sub: 'x' }, { alg: 'NONE' }), { at: NOW })), ['token_signature_invalid']);
});

test('issuer mismatch calls out a trailing-slash-only difference', () => {
  const p = checkJwt(jwt({ iss: 'https://cupcake.example/' }), { at: NOW, expectedIssuer: 'https://cupcake.example' });
  assert.deepEqual(ids(p), ['token_issuer_mismatch']);
  assert.match(p[0]!.detail, /only by a trailing slash/);
  assert.match(checkJwt(jwt({}), { at: NOW, expectedIssuer: 'https://a' })[0]!.detail, /no "iss"/);
  assert.doesNotMatch(checkJwt(jwt({ iss: 'https://evil' }), { at: NOW, expectedIssuer: 'https://a' })[0]!.detail, /trailing/);
});

test('audience mismatch: string, array, missing, trailing slash', () => {
  assert.deepEqual(checkJwt(jwt({ aud: ['x', 'api'] }), { at: NOW, expectedAudience: 'api' }), []);
  assert.deepEqual(checkJwt(jwt({ aud: 'api' }), { at: NOW, expectedAudience: ['other', 'api'] }), []);
  const p = checkJwt(jwt({ aud: 'https://mcp.example/' }), { at: NOW, expectedAudience: 'https://mcp.example' });
  assert.deepEqual(ids(p), ['token_audience_mismatch']);
  assert.match(p[0]!.detail, /trailing slash/);
  assert.match(checkJwt(jwt({}), { at: NOW, expectedAudience: 'api' })[0]!.detail, /no "aud"/);
});

test('an ID token used as bearer is wrong_token_used; an access token is not', () => {
  const idt = jwt({ nonce: 'n', sub: 'u', aud: 'client' });
  assert.equal(idt.kind, 'id_token');
  const p = checkJwt(idt, { at: NOW, usedAsBearer: true });
  assert.deepEqual(ids(p), ['wrong_token_used']);
  assert.match(p[0]!.detail, /ID token/);
  assert.deepEqual(checkJwt(idt, { at: NOW }), []);
  assert.deepEqual(ids(checkJwt(jwt({ events: { 'http://schemas.openid.net/event/backchannel-logout': {} } }), { at: NOW, usedAsBearer: true })), ['wrong_token_used']);
  const refresh = checkJwt(jwt({ typ: 'Refresh', sub: 'u', azp: 'app' }), { at: NOW, usedAsBearer: true });
  assert.deepEqual(ids(refresh), ['wrong_token_used']);
  assert.match(refresh[0]!.detail, /refresh token/);
});

test('offline_access hint is info, only for user access tokens with a scope claim', () => {
  const p = checkJwt(jwt({ sub: 'user-1', client_id: 'app', scope: 'read write' }), { at: NOW });
  assert.deepEqual(ids(p), ['offline_access_missing']);
  assert.equal(p[0]!.severity, 'info');
  assert.deepEqual(checkJwt(jwt({ sub: 'user-1', scp: ['read', 'offline_access'] }), { at: NOW }), []);
  assert.deepEqual(checkJwt(jwt({ sub: 'user-1', nonce: 'n' }), { at: NOW }), []);
  // Client-credentials tokens (no user; RFC 9068 sub = client, Auth0 gty) never get refresh tokens.
  assert.deepEqual(checkJwt(jwt({ sub: 'app', client_id: 'app', scope: 'api:read' }), { at: NOW }), []);
  assert.deepEqual(checkJwt(jwt({ sub: 'x@clients', gty: 'client-credentials', scope: 'api:read' }), { at: NOW }), []);
  assert.deepEqual(checkJwt(jwt({ scope: 'api:read' }), { at: NOW }), []);
});

test('humanDuration', () => {
  assert.equal(humanDuration(45), '45 s');
  assert.equal(humanDuration(725), '12 min 5 s');
  assert.equal(humanDuration(3 * 86400 + 7200), '3 days 2 h');
});
