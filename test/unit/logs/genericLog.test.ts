import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLine } from '../../../src/core/logs/parseLine';
import { s256Challenge } from '../../../src/core/checks/pkce';
import { fingerprint } from '../../../src/core/redact/redact';
import { REASON_RULES, REASON_GATE_RE } from '../../../src/core/logs/oauthFields';

const at = (text: string) => parseLine({ source: 'app.log', line: 3, text });

test('generic: URL with OAuth query string, key=value pairs, Authorization header, verifier digest', () => {
  const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
  const e = at(`2024-01-15T10:00:00.500+01:00 INFO http: POST https://as.example.com/oauth2/token grant_type=authorization_code&code=SplxlOBeZQQYbYS6WxSbIA&code_verifier=${verifier}&redirect_uri=https%3A%2F%2Fclient.example.org%2Fcb client_id=s6BhdRkqt3 status=400 error=invalid_grant error_description="PKCE verification failed" request_id=7f3a Authorization: Basic czZCaGRSa3F0MzpnWDFmQmF0M2JW`);
  assert.ok(e);
  assert.equal(e.format, 'generic');
  assert.equal(e.time, Date.UTC(2024, 0, 15, 9, 0, 0, 500));
  assert.equal(e.level, 'INFO');
  assert.equal(e.method, 'POST');
  assert.equal(e.path, '/oauth2/token');
  assert.equal(e.stage, 'token');
  assert.equal(e.grantType, 'authorization_code');
  assert.deepEqual(e.code, { fingerprint: fingerprint('SplxlOBeZQQYbYS6WxSbIA'), preview: '' });
  assert.deepEqual(e.codeVerifier, { fingerprint: fingerprint(verifier), preview: '', length: 43, charsetOk: true });
  assert.equal(e.codeVerifierS256, s256Challenge(verifier));
  assert.equal(e.redirectUri, 'https://client.example.org/cb');
  assert.equal(e.clientId, 's6BhdRkqt3');
  assert.equal(e.status, 400);
  assert.equal(e.error, 'invalid_grant');
  assert.equal(e.errorDescription, 'PKCE verification failed');
  assert.equal(e.reason, 'pkce_mismatch');
  assert.equal(e.requestId, '7f3a');
  assert.equal(e.authScheme, 'Basic');
  assert.equal(e.extra?.['clientAuth'], 'client_secret_basic');
});

test('generic: bearer JWT decoded (claims, no signature), missing Bearer prefix noticed', () => {
  const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'k1' })).toString('base64url');
  const payload = Buffer.from(JSON.stringify({ iss: 'https://as.example.com', aud: 'client-1', exp: 1705312800, nonce: 'n-1' })).toString('base64url');
  const jwt = `${header}.${payload}.c2lnbmF0dXJlLXNpZ25hdHVyZQ`;
  const withBearer = at(`[2024-01-15 10:00:00] api GET /mcp Authorization: Bearer ${jwt} -> 401`);
  assert.equal(withBearer?.stage, 'api');
  assert.equal(withBearer?.authScheme, 'Bearer');
  assert.equal(withBearer?.tokens?.[0]?.where, 'authorization');
  assert.equal(withBearer?.tokens?.[0]?.claims?.['aud'], 'client-1');
  assert.equal(withBearer?.tokens?.[0]?.header?.['kid'], 'k1');
  assert.equal(withBearer?.tokens?.[0]?.preview, jwt.slice(0, 10) + '…');
  assert.ok(!JSON.stringify(withBearer).includes(jwt));
  const noPrefix = at(`GET /api/me authorization=${jwt}`);
  assert.equal(noPrefix?.authScheme, '');
  assert.equal(noPrefix?.stage, 'api');
});

test('generic: error words and precise causes from free text', () => {
  assert.equal(at('token exchange failed: invalid_client (Invalid client IP: 192.168.1.100 is not in whitelist)')?.reason, 'client_ip_not_allowed');
  assert.equal(at('token exchange failed: invalid_client (Invalid client IP: 192.168.1.100 is not in whitelist)')?.extra?.['deniedIp'], '192.168.1.100');
  assert.equal(at('token exchange failed: invalid_client (Invalid client IP: 192.168.1.100 is not in whitelist)')?.error, 'invalid_client');
  assert.equal(at('OAuth error: invalid_grant - OAuth session has expired')?.reason, 'session_expired');
  assert.equal(at('POST /v1/auth/login {"error": "otp_required", "message": "User has 2FA enabled", "requiresOtp": true')?.reason, 'otp_required');
  assert.equal(at('authorize failed: invalid_request Request parameter is required')?.reason, 'jar_required');
  assert.equal(at('authorize failed: invalid_request Missing required parameter: code_challenge')?.reason, 'pkce_missing');
  assert.equal(at('authorize failed: invalid_request Missing required parameter: response_type')?.extra?.['param'], 'response_type');
  assert.equal(at('grant failed: invalid_grant refresh token reuse detected, family revoked')?.reason, 'refresh_token_reused');
  assert.equal(at('Using sandbox credentials against production: invalid_client')?.reason, 'environment_mismatch');
  assert.equal(at('nothing to see, the weather is fine'), undefined);
});

test('generic: numeric "code" values are not authorization codes', () => {
  const e = at('oauth client error code=400 message="bad request"');
  assert.equal(e?.code, undefined);
});

test('the reason gate lets every rule through (each rule holds a gate word)', () => {
  for (const rule of REASON_RULES) assert.ok(REASON_GATE_RE.test(rule.all.join(' ')), `${rule.reason}: ${rule.all.join(' + ')}`);
});
