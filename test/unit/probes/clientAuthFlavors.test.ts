import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFlavorRequest, CLIENT_AUTH_FLAVORS, encodingMatters, evaluateClientAuth, formUrlEncode, judgeFlavorAnswer } from '../../../src/core/probes/clientAuthFlavors';
import type { FlavorResult, FlavorVerdict } from '../../../src/core/probes/clientAuthFlavors';

const flavor = (n: number): (typeof CLIENT_AUTH_FLAVORS)[number] => {
  const f = CLIENT_AUTH_FLAVORS.find((x) => x.n === n);
  assert.ok(f);
  return f;
};
const results = (v: Record<number, FlavorVerdict>): FlavorResult[] => CLIENT_AUTH_FLAVORS.map((f) => ({ flavor: f, verdict: v[f.n] ?? 'client_rejected' }));

test('the six flavors build the requests of seed 003', () => {
  const params = { grant_type: 'authorization_code', code: 'c' };
  const f1 = buildFlavorRequest(flavor(1), 'my-client-id', 'my-client-secret', params);
  assert.equal(f1.headers.authorization, 'Basic bXktY2xpZW50LWlkOm15LWNsaWVudC1zZWNyZXQ='); // the seed's exact header
  assert.equal(f1.body, 'grant_type=authorization_code&code=c');
  const f4 = buildFlavorRequest(flavor(4), 'id', 'sec', params);
  assert.deepEqual(JSON.parse(f4.body), { grant_type: 'authorization_code', code: 'c', client_id: 'id', client_secret: 'sec' });
  assert.equal(f4.headers['content-type'], 'application/json');
  const enc = buildFlavorRequest(flavor(1), 'id', 'a b+c', params).headers.authorization ?? '';
  const raw = buildFlavorRequest(flavor(5), 'id', 'a b+c', params).headers.authorization ?? '';
  assert.equal(Buffer.from(enc.slice(6), 'base64').toString(), 'id:a+b%2Bc');
  assert.equal(Buffer.from(raw.slice(6), 'base64').toString(), 'id:a b+c');
  assert.equal(formUrlEncode('x~y'), 'x%7Ey');
  assert.ok(encodingMatters('id', 'p@ss') && !encodingMatters('id', 'plain-secret_1'));
});

test('verdicts: invalid_grant authenticates, invalid_client/401 does not, JSON rejected as a body format', () => {
  assert.equal(judgeFlavorAnswer(400, { error: 'invalid_grant' }, 'form'), 'authenticated');
  assert.equal(judgeFlavorAnswer(401, {}, 'form'), 'client_rejected');
  assert.equal(judgeFlavorAnswer(400, { error: 'invalid_client' }, 'json'), 'client_rejected');
  assert.equal(judgeFlavorAnswer(400, { error: 'invalid_request' }, 'json'), 'body_rejected');
  assert.equal(judgeFlavorAnswer(503, {}, 'form'), 'server_error');
  assert.equal(judgeFlavorAnswer(undefined, {}, 'form'), 'network_error');
});

test('client_secret_post only: flavor 1 rejected, 3 accepted → client_auth_method_mismatch naming the method', () => {
  const e = evaluateClientAuth(results({ 3: 'authenticated', 2: 'body_rejected', 4: 'body_rejected', 6: 'body_rejected' }), { advertised: ['client_secret_basic'], clientId: 'app', encodingMatters: false });
  assert.deepEqual(e.workingMethods, ['client_secret_post']);
  assert.deepEqual(e.workingFlavors, [3]);
  assert.equal(e.preferred?.n, 3);
  assert.deepEqual(e.problems.map((p) => p.id), ['client_auth_method_mismatch', 'client_auth_method_mismatch']);
  assert.match(e.problems[0]?.detail ?? '', /token_endpoint_auth_method=client_secret_post/);
});

test('encoding: raw-only acceptance is client_secret_encoding (error); encoded-only is a warning', () => {
  const raw = evaluateClientAuth(results({ 5: 'authenticated' }), { clientId: 'app', encodingMatters: true });
  assert.ok(raw.problems.some((p) => p.id === 'client_secret_encoding' && p.severity === 'error'));
  const enc = evaluateClientAuth(results({ 1: 'authenticated', 3: 'authenticated' }), { clientId: 'app', encodingMatters: true });
  assert.deepEqual(enc.problems.map((p) => [p.id, p.severity]), [['client_secret_encoding', 'warning']]);
  const same = evaluateClientAuth(results({ 1: 'authenticated', 3: 'authenticated' }).map((r) => (r.flavor.credentials === 'basic_raw' ? { ...r, skipped: true } : r)), { clientId: 'app', encodingMatters: false });
  assert.deepEqual(same.problems, []);
});

test('nothing authenticates: invalid_client, or client_id_whitespace when the id has stray spaces', () => {
  assert.deepEqual(evaluateClientAuth(results({}), { clientId: 'app', encodingMatters: true }).problems.map((p) => p.id), ['invalid_client']);
  assert.deepEqual(evaluateClientAuth(results({}), { clientId: 'app ', encodingMatters: true }).problems.map((p) => p.id), ['client_id_whitespace']);
  assert.deepEqual(evaluateClientAuth(results({ 1: 'server_error', 2: 'server_error', 3: 'server_error', 4: 'server_error', 5: 'server_error', 6: 'server_error' }), { clientId: 'app', encodingMatters: true }).problems.map((p) => p.id), ['server_error']);
});
