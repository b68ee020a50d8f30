import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FlowAnalysis } from '../../../src/core/engine/flowAnalysis';
import type { Finding, OAuthEvent } from '../../../src/core/model';
import { CHALLENGE, REDIRECT, code, epochSec, ev, healthyFlow, jwtSeen } from '../flows/eventBuilder';

function findings(events: OAuthEvent[], opts: ConstructorParameters<typeof FlowAnalysis>[0] = {}): Finding[] {
  const a = new FlowAnalysis(opts);
  for (const e of events) a.add(e);
  a.end();
  return a.snapshot().findings;
}

function ids(fs: Finding[]): string[] {
  return fs.map((f) => f.id).sort();
}

const AUTH = (line: number, sec: number, extra: Partial<OAuthEvent> = {}): OAuthEvent =>
  ev('laravel.log', line, sec, { stage: 'authorize', method: 'GET', path: '/oauth/authorize', status: 200, clientId: 'chatgpt-client-123', redirectUri: REDIRECT, state: 'st-aaaaaaaaaaaa', codeChallenge: CHALLENGE, codeChallengeMethod: 'S256', scope: 'openid profile', ...extra });
const CALLBACK = (line: number, sec: number, raw = 'def502aaaa'): OAuthEvent =>
  ev('laravel.log', line, sec, { stage: 'callback', method: 'GET', path: '/callback', status: 200, code: code(raw), state: 'st-aaaaaaaaaaaa' });
const TOKEN = (line: number, sec: number, extra: Partial<OAuthEvent> = {}): OAuthEvent =>
  ev('laravel.log', line, sec, { stage: 'token', method: 'POST', path: '/oauth/token', clientId: 'chatgpt-client-123', redirectUri: REDIRECT, grantType: 'authorization_code', code: code('def502aaaa'), codeVerifierS256: CHALLENGE, ...extra });
const LEAGUE_GENERIC = 'The provided authorization grant (e.g. authorization code, resource owner credentials) or refresh token is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.';

test('redirect_uri_mismatch names the exact difference (trailing slash) behind a generic invalid_grant', () => {
  const fs = findings([AUTH(1, 0), CALLBACK(2, 5), TOKEN(3, 6, { redirectUri: REDIRECT + '/', status: 400, error: 'invalid_grant', errorDescription: LEAGUE_GENERIC })]);
  assert.deepEqual(ids(fs), ['redirect_uri_mismatch']);
  const f = fs[0]!;
  assert.equal(f.data?.kind, 'trailing_slash');
  assert.equal(f.stage, 'token');
  assert.deepEqual(f.evidence, [{ file: 'laravel.log', line: 1 }, { file: 'laravel.log', line: 3 }]);
  assert.match(f.detail, /trailing_slash/);
});

test('code_expired reports the measured gap, the assumed lifetime and the 10 min verdict', () => {
  const fs = findings([AUTH(1, 0), CALLBACK(2, 5), TOKEN(3, 80, { status: 400, error: 'invalid_grant', errorDescription: LEAGUE_GENERIC })]);
  assert.deepEqual(ids(fs), ['code_expired']);
  assert.deepEqual(fs[0]!.data, { gapSeconds: 75, assumedTtlSeconds: 60, passesAt10Min: true });
  assert.match(fs[0]!.detail, /75 s after it was issued/);
  // With a 10 min lifetime the same gap does not explain a generic invalid_grant.
  const fs2 = findings([AUTH(1, 0), CALLBACK(2, 5), TOKEN(3, 80, { status: 400, error: 'invalid_grant', errorDescription: LEAGUE_GENERIC })], { codeTtlSeconds: 600 });
  assert.deepEqual(ids(fs2), ['code_not_found']);
});

test('the server naming the expiry wins even without a measured gap', () => {
  const fs = findings([TOKEN(3, 80, { status: 400, error: 'invalid_grant', errorDescription: 'Authorization code has expired' })]);
  assert.deepEqual(ids(fs), ['code_expired']);
  assert.equal(fs[0]!.data?.assumedTtlSeconds, 60);
});

test('code_reused: the same code twice gives one finding with both lines', () => {
  const fs = findings([AUTH(1, 0), CALLBACK(2, 5), TOKEN(3, 6, { status: 200 }), TOKEN(4, 9, { status: 400, error: 'invalid_grant', errorDescription: 'Authorization code has been revoked' }), TOKEN(5, 12, { status: 400, error: 'invalid_grant' })]);
  assert.deepEqual(ids(fs), ['code_reused']);
  assert.deepEqual(fs[0]!.evidence.map((e) => e.line), [3, 4, 5]);
});

test('pkce_mismatch from the verifier hash, pkce_base64_not_base64url from a standard-base64 challenge', () => {
  const wrong = findings([AUTH(1, 0), CALLBACK(2, 5), TOKEN(3, 6, { status: 400, error: 'invalid_grant', codeVerifierS256: 'AAAAhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM' })]);
  assert.deepEqual(ids(wrong), ['pkce_mismatch']);
  const std = CHALLENGE.replace(/-/g, '+') + '=';
  const b64 = findings([AUTH(1, 0, { codeChallenge: std }), CALLBACK(2, 5), TOKEN(3, 6, { status: 400, error: 'invalid_grant', errorDescription: 'Failed to verify `code_verifier`.' })]);
  assert.deepEqual(ids(b64), ['pkce_base64_not_base64url']);
});

test('client_id_mismatch and client_id_whitespace', () => {
  assert.deepEqual(ids(findings([AUTH(1, 0), CALLBACK(2, 5), TOKEN(3, 6, { clientId: 'chatgpt-client-456', status: 400, error: 'invalid_grant' })])), ['client_id_mismatch']);
  const ws = findings([AUTH(1, 0, { clientId: 'chatgpt-client-123 ' }), CALLBACK(2, 5), TOKEN(3, 6, { status: 401, error: 'invalid_client' })]);
  assert.ok(ids(ws).includes('client_id_whitespace'), ids(ws).join());
});

test('client_ip_not_allowed names the IP; scope_not_allowed names the scopes', () => {
  const ip = findings([TOKEN(3, 6, { status: 401, error: 'invalid_client', errorDescription: 'Client IP address 203.0.113.7 is not whitelisted', ip: '203.0.113.7' })]);
  assert.deepEqual(ids(ip), ['client_ip_not_allowed']);
  assert.equal(ip[0]!.data?.ip, '203.0.113.7');
  assert.match(ip[0]!.detail, /203\.0\.113\.7/);
  const scope = findings([AUTH(1, 0, { status: 302, scope: 'openid admin:all', error: 'invalid_scope', errorDescription: 'The requested scope is invalid, unknown, or malformed: "admin:all"' })]);
  assert.deepEqual(ids(scope), ['scope_not_allowed']);
  assert.deepEqual(scope[0]!.data?.scopes, ['admin:all']);
});

test('incomplete flows: abandoned at authorize, no token exchange (+ connected_without_token), callback 500', () => {
  assert.deepEqual(ids(findings([AUTH(1, 0)])), ['flow_abandoned_at_authorize']);
  const noExchange = findings([AUTH(1, 0), CALLBACK(2, 5)]);
  assert.deepEqual(ids(noExchange), ['connected_without_token', 'flow_no_token_exchange']);
  assert.equal(noExchange.find((f) => f.id === 'connected_without_token')!.data?.cause, 'flow_no_token_exchange');
  const cb500 = findings([AUTH(1, 0), { ...CALLBACK(2, 5), status: 500 }]);
  assert.deepEqual(ids(cb500), ['callback_server_error', 'connected_without_token']);
});

test('a live flow is not called abandoned before it goes idle', () => {
  const a = new FlowAnalysis();
  a.add(AUTH(1, 0));
  assert.deepEqual(a.snapshot().findings, []);
  a.add(ev('other.log', 1, 60 * 11, { stage: 'authorize', clientId: 'someone-else', state: 'zzzzzzzzzzzzzz', method: 'GET', path: '/oauth/authorize', status: 200 }));
  assert.deepEqual(ids(a.snapshot().findings), ['flow_abandoned_at_authorize']);
});

test('token errors: invalid_client, unsupported_grant_type, unauthorized_client, access_denied, refresh tokens', () => {
  assert.deepEqual(ids(findings([TOKEN(1, 0, { status: 401, error: 'invalid_client', errorDescription: 'Client authentication failed' })])), ['invalid_client']);
  assert.deepEqual(ids(findings([TOKEN(1, 0, { status: 400, error: 'unsupported_grant_type', grantType: 'authorisation_code' })])), ['unsupported_grant_type']);
  assert.deepEqual(ids(findings([TOKEN(1, 0, { status: 400, error: 'unauthorized_client', grantType: 'client_credentials', code: undefined })])), ['unauthorized_client']);
  assert.deepEqual(ids(findings([AUTH(1, 0), ev('laravel.log', 2, 3, { stage: 'callback', path: '/callback', method: 'GET', status: 200, error: 'access_denied', state: 'st-aaaaaaaaaaaa' })])), ['access_denied']);
  assert.deepEqual(ids(findings([TOKEN(1, 0, { status: 400, error: 'invalid_grant', errorDescription: 'Token has been revoked', grantType: 'refresh_token', code: undefined })])), ['refresh_token_invalid']);
});

test('JAR errors', () => {
  assert.deepEqual(ids(findings([AUTH(1, 0, { status: 400, error: 'invalid_request', errorDescription: 'Request parameter is required' })])), ['jar_required']);
  assert.deepEqual(ids(findings([AUTH(1, 0, { status: 400, error: 'invalid_request_object', errorDescription: 'Invalid Request Object: JWT signature verification failed' })])), ['jar_invalid']);
  assert.deepEqual(ids(findings([AUTH(1, 0, { status: 400, error: 'invalid_request', errorDescription: 'JAR token has expired' })])), ['jar_expired']);
});

test('API calls: expired bearer JWT, ID token as bearer, missing Bearer prefix, insufficient scope', () => {
  const api = (line: number, extra: Partial<OAuthEvent>): OAuthEvent => ev('api.log', line, 100, { stage: 'api', method: 'GET', path: '/api/mcp', status: 401, ...extra });
  const expired = findings([api(1, { tokens: [jwtSeen({ sub: '1', scope: 'mcp', exp: epochSec(100) - 3600, iat: epochSec(100) - 7200 })] })]);
  assert.deepEqual(ids(expired), ['token_expired']);
  assert.equal(expired[0]!.data?.expiredForSec, 3600);
  const idTok = findings([api(1, { tokens: [jwtSeen({ sub: '1', nonce: 'n', aud: 'c', exp: epochSec(100) + 3600 })] })]);
  assert.deepEqual(ids(idTok), ['wrong_token_used']);
  assert.deepEqual(ids(findings([api(1, { authScheme: '' })])), ['missing_bearer_prefix']);
  assert.deepEqual(ids(findings([api(1, { status: 403, error: 'insufficient_scope', errorDescription: 'scope "files:write" required' })])), ['insufficient_scope']);
});

test('server errors: 5xx at the AS is server_error unless a retry succeeded; 404 on an OAuth endpoint is endpoint_not_found', () => {
  assert.deepEqual(ids(findings([TOKEN(1, 0, { status: 500 })])), ['server_error']);
  assert.deepEqual(ids(findings([AUTH(1, 0, { status: 503 }), AUTH(2, 3)])), ['flow_abandoned_at_authorize']);
  assert.deepEqual(ids(findings([ev('access.log', 1, 0, { method: 'GET', path: '/.well-known/oauth-authorization-server', status: 404 })])), ['endpoint_not_found']);
});

test('a healthy flow with an expired-looking gap that succeeded is not a failure', () => {
  const fl = healthyFlow('a.log', 1, 0).map((e, i) => (i === 3 ? { ...e, time: e.time! + 120_000 } : e));
  assert.deepEqual(findings(fl), []);
});
