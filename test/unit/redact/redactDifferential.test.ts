import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { redact, fingerprint, maskToken } from '../../../src/core/redact/redact';
import { referenceFingerprint, referenceMaskToken, referenceRedact } from './redactReference';

/**
 * The optimised redact (a combined pre-check, per-pass shape checks, a fingerprint cache) must
 * give exactly the output of the straightforward one it replaced, on any text.
 */
const fragments = [
  'Authorization: ', 'authorization=', 'AUTHORIZATION":"', 'Proxy-Authorization: ', '"authorization":"', 'Bearer ', 'bearer ', 'Basic ', 'DPoP ', 'Bearer [',
  'code=', 'CODE:', '"code":"', 'code_verifier=', 'client_secret=', 'clientSecret: ', 'x-client-secret: ', 'x-api-key=', 'api-key:', 'otp_code=', 'otpCode":', 'otp ',
  'access_token=', 'refresh_token":"', 'id_token=', 'token =', 'Token:', 'passwd=', 'password: ', 'pwd=', 'secret_key=', 'private_key":"', 'assertion=', 'client_assertion=',
  'Cookie: ', 'Set-Cookie: ', 'cookie=', 'set-cookie:"', 'a=b; ', 'Path=/; ', 'session=s3cr3t;', 'HttpOnly',
  'https://u:p@h/', 'mysql://app:pw@db:3306', 'http://host/x:y@z', '://', 'redis://:pw@h', 'https://id.example.com/oauth/authorize',
  '"d":"', '"k": "', '"qi":"', '"dp" : "', '"n":"abc"', '"qi":"abcdefghijklmnopqr"', '"dq": "X4cTteJY_gn4FYPsXB8rdX"', '"p":"short"',
  'otp=123456', 'OTP: 99', 'pwd=x', 'assertion=abc', 'x-secret-key: sk_live_1', 'Bearer abcdef1234567890abcdef', 'bearer abcdef1234567890abcdef=',
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.', 'eyJ', 'eyJabc.de', '…[fp:12345678]', 'eyJ…',
  '-----BEGIN PRIVATE KEY-----', '-----END PRIVATE KEY-----', '-----BEGIN RSA PRIVATE KEY-----', 'private key', 'PRIVATE KEY',
  'abcdefghijklmnop', 'AbCdEfGh12345678', 'MIIEvQIBADANBgkq', 'def50200abc', '123456', '==', 'x', 'K', '\u212Aey', 'co\u212Aie', 'Co\u0130', '\u0130', 'to\u212Aen=',
  ' ', '  ', '\t', '\n', '\r', '\u00a0', '\u2028', '\ufeff', '"', "'", ';', ',', '=', ':', '&', '?', '#', '{', '}', '(', ')', '[', ']', '/', '@', '%3A', '+', '|',
];
const text = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.constantFrom(...fragments), { maxLength: 16 }).map((a) => a.join('')) },
  { weight: 1, arbitrary: fc.string({ maxLength: 80 }) },
  { weight: 1, arbitrary: fc.array(fc.oneof(fc.constantFrom(...fragments), fc.string({ maxLength: 6 })), { maxLength: 12 }).map((a) => a.join('')) },
);

test('redact gives exactly the reference output on random texts built from secret-shaped pieces', () => {
  fc.assert(fc.property(text, (t) => {
    assert.equal(redact(t), referenceRedact(t));
  }), { numRuns: 20_000 });
});

test('redact gives exactly the reference output on the shapes of real log lines', () => {
  const jwt = 'eyJhbGciOiJSUzI1NiIsInR5cCI6ImF0K2p3dCJ9.eyJpc3MiOiJodHRwczovL2lkIiwic3ViIjoiOTEifQ.03c5c457d8f007f339f1ce3a868adb05';
  for (const line of [
    '28.161.175.202 - - [28/Nov/2026:00:00:01 +0000] "GET /oauth/authorize?response_type=code&client_id=app&redirect_uri=https%3A%2F%2Fa.example%2Fcb&state=d76&code_challenge=yAiCk&code_challenge_method=S256 HTTP/1.1" 200 5120 "-" "Mozilla/5.0"',
    '28.161.175.202 - - [28/Nov/2026:00:00:05 +0000] "POST /oauth/authorize HTTP/1.1" 302 0 "https://id.example.com/oauth/authorize" "Mozilla/5.0 (X11; Linux x86_64)"',
    '[2026-11-28 00:00:05] production.INFO: Authorization code issued {"client_id":"mcp","user_id":91,"code":"def5020039fd652522acc3","state":"d76deaa2"}',
    '[2026-11-28 00:00:06] production.INFO: Token request {"grant_type":"authorization_code","redirect_uri":"https://a.example/cb","code":"def50200","code_verifier":"d76deaa2e87830b7ee93ecbed76deaa2e87830b7ee93ecbe"}',
    `[2026-11-28 00:00:07] production.DEBUG: MCP request authorized {"path":"/mcp","authorization":"Bearer ${jwt}"}`,
    `GET /cb#access_token=${jwt}&token_type=Bearer&id_token=${jwt}`,
    'WWW-Authenticate: Bearer resource_metadata="https://mcp.example/.well-known/oauth-protected-resource"',
    'Cookie: laravel_session=eyJpdiI6IjEyMyJ9abc; XSRF-TOKEN=abcdef123456',
  ]) assert.equal(redact(line), referenceRedact(line), line);
});

test('fingerprint and maskToken (cached) equal the uncached reference, also after the cache fills', () => {
  fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 40 }), fc.string({ minLength: 100, maxLength: 400 })), (v) => {
    assert.equal(fingerprint(v), referenceFingerprint(v));
    assert.equal(fingerprint(v), referenceFingerprint(v));
    assert.equal(maskToken(v), referenceMaskToken(v));
  }), { numRuns: 3000 });
  // Long values live in a small ring: interleave more of them than it holds, then ask again.
  const longs = Array.from({ length: 20 }, (_, i) => `${'x'.repeat(5000)}${i}`).concat(['y'.repeat(20_000)]);
  for (let round = 0; round < 3; round++) for (const v of longs) assert.equal(fingerprint(v), referenceFingerprint(v));
});
