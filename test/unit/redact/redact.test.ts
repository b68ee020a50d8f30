import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { redact, fingerprint } from '../../../src/core/redact/redact';

test('redact masks codes, secrets, JWTs and Authorization values, keeping fingerprints stable', () => {
  const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJlLXBhcnQ';
  const line = `GET /cb?code=def502abcdef&state=xyz client_secret=s3cr3t! Authorization: Bearer ${jwt} {"password":"hunter2"}`;
  const out = redact(line);
  for (const secret of ['def502abcdef', 's3cr3t!', jwt, 'hunter2']) assert.ok(!out.includes(secret), `${secret} survived: ${out}`);
  assert.ok(out.includes('state=xyz'));
  assert.ok(out.includes(fingerprint('def502abcdef')));
  assert.equal(redact(line), out);
});

test('redact masks cookies, URL passwords, bare Bearer tokens, provider secret headers, PEM and private JWK members', () => {
  const cases: [string, string[], string[]][] = [
    ['Cookie: laravel_session=eyJpdiI6IjEyMyJ9abc; XSRF-TOKEN=abcdef123456', ['eyJpdiI6IjEyMyJ9abc', 'abcdef123456'], ['laravel_session=', 'XSRF-TOKEN=']],
    ['Set-Cookie: session=s3cr3tsessionvalue; Path=/; HttpOnly', ['s3cr3tsessionvalue'], ['Path=/', 'HttpOnly']],
    ['DB_URL=mysql://app:Sup3rS3cret@db.internal:3306/app', ['Sup3rS3cret'], ['mysql://app:', '@db.internal:3306/app']],
    ['calling API with Bearer abcdef1234567890abcdef now', ['abcdef1234567890abcdef'], ['Bearer [fp:']],
    ['x-secret-key: sk_live_abcdef1234567890', ['sk_live_abcdef1234567890'], ['x-secret-key: [secret']],
    ['x-api-key: AKIAxyz1234567890abcd api_secret=abc123456 otpCode=123456', ['AKIAxyz1234567890abcd', 'abc123456', '123456'], []],
    ['{"kty":"RSA","n":"abc","e":"AQAB","d":"X4cTteJY_gn4FYPsXB8rdXix5vwsg1FLN5E3EaG6RJoV"}', ['X4cTteJY_gn4FYPsXB8rdXix5vwsg1FLN5E3EaG6RJoV'], ['"n":"abc"', '"e":"AQAB"']],
    ['key=-----BEGIN PRIVATE KEY-----MIIEvQIBADANBgkqhkiG9w0BAQEFAASC-----END PRIVATE KEY----- ok', ['MIIEvQIBADANBgkqhkiG9w0BAQEFAASC'], ['-----END PRIVATE KEY----- ok']],
    ['-----BEGIN RSA PRIVATE KEY----- MIIEvQIBADANBgkq', ['MIIEvQIBADANBgkq'], ['-----BEGIN RSA PRIVATE KEY-----']],
  ];
  for (const [line, secrets, kept] of cases) {
    const out = redact(line);
    for (const s of secrets) assert.ok(!out.includes(s), `${s} survived: ${out}`);
    for (const k of kept) assert.ok(out.includes(k), `${k} lost: ${out}`);
    assert.equal(redact(out), out, 'idempotent');
  }
});

test('redact keeps diagnostic values that are not secrets', () => {
  for (const line of [
    'WWW-Authenticate: Bearer resource_metadata="https://mcp.example/.well-known/oauth-protected-resource"',
    'www-authenticate: Bearer error="invalid_token", error_description="expired"',
    '{"token_type":"Bearer","expires_in":3600}',
    'code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256',
    'x-client-key: pk_abc123',
    'https://user@host.example/path',
  ]) assert.equal(redact(line), line);
});

test('redact is idempotent and never prints "undefined", even on header names nested in values', () => {
  assert.equal(redact(redact('Authorization: Bearer abcdef123456')), redact('Authorization: Bearer abcdef123456'));
  const part = fc.constantFrom('Authorization: ', 'authorization=', 'Bearer ', 'Basic ', 'code=', 'client_secret=', 'Cookie: ', 'Set-Cookie: ', 'a=b; ',
    'https://u:p@h/', '"d":"', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig', 'abcdefghijklmnop', ' ', '"', ';', '=', '&', '-----BEGIN PRIVATE KEY-----',
    '-----END PRIVATE KEY-----', 'x', '[', 'password: ', '?', '#');
  fc.assert(fc.property(fc.array(part, { maxLength: 12 }).map((a) => a.join('')), (t) => {
    const r = redact(t);
    assert.equal(redact(r), r);
    assert.ok(!r.includes('undefined') || t.includes('undefined'));
  }), { numRuns: 3000 });
});

test('redact stays linear on long hostile lines', () => {
  for (const line of ['Cookie: ' + 'a=b; '.repeat(13_000), 'Bearer ' + 'x'.repeat(65_000), '-----BEGIN PRIVATE KEY-----'.repeat(2_000), 'Authorization: ' .repeat(4_000), 'https://u:' + 'p'.repeat(65_000)]) {
    // CPU time, so a busy machine does not make the test flaky.
    const c0 = process.cpuUsage();
    redact(line);
    const c = process.cpuUsage(c0);
    const ms = (c.user + c.system) / 1000;
    assert.ok(ms < 300, `${line.slice(0, 20)}: ${ms} ms CPU`);
  }
});
