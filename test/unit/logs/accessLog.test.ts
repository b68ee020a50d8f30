import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLine } from '../../../src/core/logs/parseLine';
import { fingerprint } from '../../../src/core/redact/redact';

const at = (text: string, line = 1) => parseLine({ source: '/var/log/nginx/access.log', line, text });

test('combined format: every field of an authorize request', () => {
  const e = at('203.0.113.7 - - [15/Jan/2024:10:23:45 +0300] "GET /oauth/authorize?client_id=9b1c4f2e&redirect_uri=https%3A%2F%2Fchatgpt.com%2Fbackend-api%2Faip%2Fconnectors%2Foauth%2Fcallback&response_type=code&state=st-42&scope=read+write&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256 HTTP/2.0" 302 512 "https://chatgpt.com/" "Mozilla/5.0 (X11; Linux x86_64)" 0.012', 12);
  assert.ok(e);
  assert.equal(e.format, 'nginx');
  assert.deepEqual(e.ref, { file: '/var/log/nginx/access.log', line: 12 });
  assert.equal(e.time, Date.UTC(2024, 0, 15, 7, 23, 45));
  assert.equal(e.ip, '203.0.113.7');
  assert.equal(e.method, 'GET');
  assert.equal(e.path, '/oauth/authorize');
  assert.equal(e.status, 302);
  assert.equal(e.stage, 'authorize');
  assert.equal(e.clientId, '9b1c4f2e');
  assert.equal(e.redirectUri, 'https://chatgpt.com/backend-api/aip/connectors/oauth/callback');
  assert.equal(e.responseType, 'code');
  assert.equal(e.state, 'st-42');
  assert.equal(e.scope, 'read write');
  assert.equal(e.codeChallenge, 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  assert.equal(e.codeChallengeMethod, 'S256');
  assert.equal(e.durationMs, 12);
  assert.equal(e.extra?.['bytes'], '512');
  assert.equal(e.extra?.['referer'], 'https://chatgpt.com/');
  assert.equal(e.extra?.['userAgent'], 'Mozilla/5.0 (X11; Linux x86_64)');
  assert.equal(e.user, undefined);
});

test('callback with code and state: the code is only a fingerprint', () => {
  const e = at('198.51.100.4 - - [15/Jan/2024:10:24:01 +0000] "GET /auth/callback?code=def50200a1b2c3d4e5f6&state=st-42 HTTP/1.1" 500 1024 "https://my.neonpanel.com/oauth/authorize" "Mozilla/5.0"');
  assert.equal(e?.stage, 'callback');
  assert.equal(e?.status, 500);
  assert.deepEqual(e?.code, { fingerprint: fingerprint('def50200a1b2c3d4e5f6'), preview: '' });
  assert.equal(e?.state, 'st-42');
  assert.ok(!JSON.stringify(e).includes('def50200a1b2c3d4e5f6'));
});

test('token endpoint: POST 200 is token_issued, 400 is token; Apache %D microseconds; vhost prefix', () => {
  const ok = at('api.example.com:443 10.0.0.9 - - [15/Jan/2024:10:24:02 +0000] "POST /oauth/token HTTP/1.1" 200 1588 "-" "python-httpx/0.27" 48213');
  assert.equal(ok?.stage, 'token_issued');
  assert.equal(ok?.ip, '10.0.0.9');
  assert.equal(ok?.durationMs, 48);
  const bad = at('10.0.0.9 - - [15/Jan/2024:10:24:02 -0500] "POST /oauth2/v1/token HTTP/1.1" 400 84 "-" "okhttp/4.12" rt=0.004 uct="0.000"');
  assert.equal(bad?.stage, 'token');
  assert.equal(bad?.status, 400);
  assert.equal(bad?.time, Date.UTC(2024, 0, 15, 15, 24, 2));
  assert.equal(bad?.durationMs, 4);
});

test('stages by path: discovery, registration, consent, callback with error, api', () => {
  const line = (m: string, p: string, s: number) => `10.1.1.1 - alice [15/Jan/2024:10:00:00 +0000] "${m} ${p} HTTP/1.1" ${s} 10 "-" "curl/8.5"`;
  assert.equal(at(line('GET', '/.well-known/oauth-authorization-server', 200))?.stage, 'discovery');
  assert.equal(at(line('GET', '/.well-known/openid-configuration', 404))?.stage, 'discovery');
  assert.equal(at(line('POST', '/register', 201))?.stage, 'registration');
  assert.equal(at(line('POST', '/oauth/authorize', 302))?.stage, 'consent');
  assert.equal(at(line('DELETE', '/oauth/authorize', 302))?.stage, 'consent');
  assert.equal(at(line('GET', '/login', 200))?.stage, 'consent');
  assert.equal(at(line('GET', '/interaction/5Yt0wWVH0Hqb3sPcRzkGm', 200))?.stage, 'consent');
  const denied = at(line('GET', '/callback?error=access_denied&error_description=The+user+denied&state=s1', 200));
  assert.equal(denied?.stage, 'callback');
  assert.equal(denied?.error, 'access_denied');
  assert.equal(denied?.errorDescription, 'The user denied');
  assert.equal(denied?.user, 'alice');
  assert.equal(at(line('GET', '/protocol/openid-connect/auth?client_id=x', 200))?.stage, 'authorize');
  assert.equal(at(line('GET', '/realms/demo/protocol/openid-connect/auth?client_id=x&response_type=code', 200))?.stage, 'authorize');
  assert.equal(at(line('GET', '/userinfo', 401))?.stage, 'api');
});

test('noise is not an event: assets, favicon, health checks', () => {
  assert.equal(at('10.0.0.5 - - [15/Jan/2024:10:23:46 +0000] "GET /favicon.ico HTTP/1.1" 404 153 "-" "Mozilla/5.0"'), undefined);
  assert.equal(at('10.0.0.5 - - [15/Jan/2024:10:23:46 +0000] "GET /health HTTP/1.1" 200 2 "-" "kube-probe/1.27"'), undefined);
  assert.equal(at('10.0.0.5 - - [15/Jan/2024:10:23:46 +0000] "GET /assets/app.css HTTP/1.1" 200 2 "https://x/oauth/authorize" "Mozilla/5.0"'), undefined);
});

test('garbage request lines and broken times do not throw', () => {
  const e = at('10.0.0.5 - - [99/Foo/2024:99:99:99 +0000] "\\x16\\x03\\x01\\x00\\xa5\\x01 oauth" 400 157 "-" "-"');
  assert.equal(e?.time, undefined);
});
