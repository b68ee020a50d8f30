import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectFormat, lineFormat, parseLine } from '../../../src/core/logs/parseLine';
import { LogParser } from '../../../src/core/logs/logParser';
import type { OAuthEvent } from '../../../src/core/model';
import { parseIsoTime, parseClfTime, parseEpoch, parseAnyTime } from '../../../src/core/logs/timestamps';

const LARAVEL = ['[2024-01-15 10:23:45] production.ERROR: x {"exception":"[object] (E(code: 0): x at /a.php:1)', '[stacktrace]', '#0 /a.php(1): f()', '#1 {main}', '"} ', '[2024-01-15 10:23:46] production.INFO: y []'];
const NGINX = ['1.2.3.4 - - [15/Jan/2024:10:23:45 +0000] "GET / HTTP/1.1" 200 1 "-" "-"', '1.2.3.5 - - [15/Jan/2024:10:23:46 +0000] "GET /a HTTP/1.1" 404 1 "-" "-"'];

test('detectFormat picks the file format; continuation lines do not outvote Laravel', () => {
  assert.equal(detectFormat(LARAVEL), 'laravel');
  assert.equal(detectFormat(NGINX), 'nginx');
  assert.equal(detectFormat(['{"a":1}', '{"b":2}', 'garbage']), 'json');
  assert.equal(detectFormat(['2024-01-15 10:23:45,123 WARN  [org.keycloak.events] (t) type=LOGIN, realmId=r, clientId=c']), 'keycloak');
  assert.equal(detectFormat(['hello', 'world', '']), 'generic');
  assert.equal(detectFormat([]), 'generic');
});

test('lineFormat classifies single lines', () => {
  assert.equal(lineFormat(LARAVEL[0]!), 'laravel');
  assert.equal(lineFormat(NGINX[0]!), 'nginx');
  assert.equal(lineFormat('  {"x":1}'), 'json');
  assert.equal(lineFormat('#0 /a.php(1): f()'), 'generic');
});

test('LogParser keeps per-source state: two Laravel files interleaved fold independently; nginx lines never fold', () => {
  const p = new LogParser();
  const out: OAuthEvent[] = [];
  const a = (line: number, text: string) => out.push(...p.push({ source: 'a.log', line, text }));
  const b = (line: number, text: string) => out.push(...p.push({ source: 'b.log', line, text }));
  a(1, '[2024-01-15 10:00:00] production.ERROR: Client authentication failed {"exception":"[object] (League\\\\OAuth2\\\\Server\\\\Exception\\\\OAuthServerException(code: 4): Client authentication failed at /v.php:1)');
  b(1, '[2024-01-15 10:00:01] production.ERROR: The refresh token is invalid. {"exception":"[object] (League\\\\OAuth2\\\\Server\\\\Exception\\\\OAuthServerException(code: 8): The refresh token is invalid. at /v.php:1)');
  a(2, '[stacktrace]');
  b(2, '[stacktrace]');
  a(3, '#0 {main}');
  assert.equal(out.length, 0);
  a(4, '[2024-01-15 10:00:02] production.INFO: done []');
  assert.equal(out.length, 1);
  assert.equal(out[0]!.ref.file, 'a.log');
  assert.equal(out[0]!.error, 'invalid_client');
  out.push(...p.flush('b.log'));
  assert.equal(out.length, 2);
  assert.equal(out[1]!.reason, 'refresh_token_invalid');
  const n = new LogParser();
  const ev = [...n.push({ source: 'n', line: 1, text: NGINX[0]!.replace('GET /', 'GET /oauth/authorize?client_id=a') }), ...n.push({ source: 'n', line: 2, text: NGINX[1]!.replace('/a', '/oauth/token') }), ...n.flush()];
  assert.equal(ev.length, 2);
});

test('a forced format reads lines of another shape by their own shape', () => {
  const p = new LogParser({ format: 'nginx' });
  const ev = [...p.push({ source: 'x', line: 1, text: '{"event":"grant.error","error":"invalid_grant"}' }), ...p.flush()];
  assert.equal(ev[0]?.format, 'json');
  assert.equal(p.formatOf('x'), 'nginx');
});

test('timestamps: zones, epochs, broken values', () => {
  assert.equal(parseIsoTime('2024-01-15T10:23:45Z'), Date.UTC(2024, 0, 15, 10, 23, 45));
  assert.equal(parseIsoTime('2024-01-15T10:23:45.5+05:30'), Date.UTC(2024, 0, 15, 4, 53, 45, 500));
  assert.equal(parseIsoTime('2024-01-15 10:23:45,123'), Date.UTC(2024, 0, 15, 10, 23, 45, 123));
  assert.equal(parseIsoTime('2024-01-15 10:23:45', 'America/New_York'), Date.UTC(2024, 0, 15, 15, 23, 45));
  assert.equal(parseIsoTime('2024-13-45 10:23:45'), undefined);
  assert.equal(parseIsoTime('2024-01-15 10:23:45', 'Not/AZone'), undefined);
  assert.equal(parseClfTime('15/Jan/2024:10:23:45 +0300'), Date.UTC(2024, 0, 15, 7, 23, 45));
  assert.equal(parseClfTime('15/Foo/2024:10:23:45 +0300'), undefined);
  assert.equal(parseEpoch(1705314225), 1705314225000);
  assert.equal(parseEpoch(1705314225123), 1705314225123);
  assert.equal(parseEpoch('1705314225.5'), 1705314225500);
  assert.equal(parseEpoch(-1), undefined);
  assert.equal(parseEpoch(1e20), undefined);
  assert.equal(parseAnyTime({}), undefined);
  assert.equal(parseAnyTime('yesterday'), undefined);
});

test('container and syslog prefixes are stripped: docker compose, kubectl --prefix, CRI, syslog', () => {
  const league = '[2024-01-15 10:23:45] production.ERROR: The refresh token is invalid. {"exception":"[object] (League\\\\OAuth2\\\\Server\\\\Exception\\\\OAuthServerException(code: 8): The refresh token is invalid. at /v.php:1)';
  const p = new LogParser();
  const out: OAuthEvent[] = [];
  [`app-1  | ${league}`, 'app-1  | [stacktrace]', "app-1  | #0 /v/RefreshTokenGrant.php(120): League\\\\OAuth2\\\\Server\\\\Exception\\\\OAuthServerException::invalidRefreshToken('Token has been ...')", 'app-1  | "}', 'app-1  | [2024-01-15 10:23:46] production.INFO: x []']
    .forEach((text, i) => out.push(...p.push({ source: 'compose', line: i + 1, text })));
  assert.equal(out.length, 1);
  assert.equal(out[0]!.format, 'laravel');
  assert.equal(out[0]!.reason, 'refresh_token_invalid');
  assert.equal(p.stats.folded, 3);
  const one = (text: string) => parseLine({ source: 's', line: 1, text });
  const nginx = one('web-1  | 172.18.0.1 - - [15/Jan/2024:10:23:45 +0000] "GET /oauth/authorize?client_id=a&response_type=code HTTP/1.1" 302 0 "-" "curl"');
  assert.equal(nginx?.format, 'nginx');
  assert.equal(nginx?.status, 302);
  assert.equal(one('Jan 15 10:23:45 host nginx[812]: 172.18.0.1 - - [15/Jan/2024:10:23:45 +0000] "POST /oauth/token HTTP/1.1" 400 0 "-" "curl"')?.status, 400);
  const cri = one('2024-01-15T10:23:45.123Z stdout F {"event":"grant.error","error":"invalid_grant","client_id":"c"}');
  assert.equal(cri?.format, 'json');
  assert.equal(cri?.time, Date.UTC(2024, 0, 15, 10, 23, 45, 123));
  const kc = one('[pod/keycloak-0/keycloak] 2024-01-15 10:23:45,123 WARN  [org.keycloak.events] (executor-thread-1) type="CODE_TO_TOKEN_ERROR", realmId="r", clientId="app", error="invalid_code"');
  assert.equal(kc?.format, 'keycloak');
  assert.equal(kc?.time, Date.UTC(2024, 0, 15, 10, 23, 45, 123));
  // A generic line that merely looks like a prefix is left alone.
  assert.equal(one('oauth | token refresh ok client_id=abc')?.clientId, 'abc');
});

test('parseIsoTime remembers the last text it read only for the same zone', () => {
  const t = '2024-07-15 10:23:45';
  const utc = Date.UTC(2024, 6, 15, 10, 23, 45);
  assert.equal(parseIsoTime(t), utc);
  assert.equal(parseIsoTime(t, 'Europe/Berlin'), utc - 2 * 3_600_000);
  assert.equal(parseIsoTime(t, '+05:30'), utc - 5.5 * 3_600_000);
  assert.equal(parseIsoTime(t), utc);
  assert.equal(parseIsoTime('2024-07-15 10:23:46'), utc + 1000);
  assert.equal(parseIsoTime('2024-13-15 10:23:46'), undefined);
  assert.equal(parseIsoTime('2024-13-15 10:23:46'), undefined);
  assert.equal(parseIsoTime(t + 'Z', 'Europe/Berlin'), utc);
});
