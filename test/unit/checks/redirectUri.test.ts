import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareRedirectUris, matchRegisteredRedirect } from '../../../src/core/checks/redirectUri';

/** The highlighted slices, so assertions read like what the UI shows. */
function slices(e: string, a: string): [string, string] {
  const r = compareRedirectUris(e, a);
  assert.ok(r.expectedRange && r.actualRange, 'ranges present');
  return [e.slice(...r.expectedRange), a.slice(...r.actualRange)];
}

test('identical URIs are equal', () => {
  const r = compareRedirectUris('https://chatgpt.com/cb', 'https://chatgpt.com/cb');
  assert.equal(r.equal, true);
  assert.equal(r.kind, undefined);
});

test('trailing slash (seed 000 example) with the slash highlighted', () => {
  const e = 'https://chatgpt.com/backend-api/aip/connectors/oauth/callback';
  const a = e + '/';
  const r = compareRedirectUris(e, a);
  assert.equal(r.kind, 'trailing_slash');
  assert.deepEqual(r.expectedRange, [e.length, e.length]);
  assert.deepEqual(r.actualRange, [e.length, e.length + 1]);
  assert.match(r.detail, /trailing slash/);
  assert.equal(compareRedirectUris('https://a.example', 'https://a.example/').kind, 'trailing_slash');
});

test('scheme http vs https names the TLS proxy cause', () => {
  const r = compareRedirectUris('https://app.example.com/callback', 'http://app.example.com/callback');
  assert.equal(r.kind, 'scheme');
  assert.deepEqual(slices('https://app.example.com/callback', 'http://app.example.com/callback'), ['https', 'http']);
  assert.match(r.detail, /terminates TLS/);
});

test('host: loopback spellings, other hosts, case-only', () => {
  for (const [x, y] of [['http://localhost:8080/cb', 'http://127.0.0.1:8080/cb'], ['http://127.0.0.1:8080/cb', 'http://[::1]:8080/cb']] as const) {
    const r = compareRedirectUris(x, y);
    assert.equal(r.kind, 'host', x);
    assert.match(r.detail, /loopback/);
  }
  assert.deepEqual(slices('http://localhost:8080/cb', 'http://[::1]:8080/cb'), ['localhost', '[::1]']);
  assert.equal(compareRedirectUris('https://a.example/cb', 'https://b.example/cb').kind, 'host');
  assert.equal(compareRedirectUris('https://App.Example/cb', 'https://app.example/cb').kind, 'case');
});

test('port: different, explicit default vs implicit, IPv6 with port', () => {
  assert.equal(compareRedirectUris('http://localhost:3000/cb', 'http://localhost:3001/cb').kind, 'port');
  assert.deepEqual(slices('http://localhost:3000/cb', 'http://localhost:3001/cb'), [':3000', ':3001']);
  const r = compareRedirectUris('https://a.example:443/cb', 'https://a.example/cb');
  assert.equal(r.kind, 'port');
  assert.match(r.detail, /default port :443/);
  assert.deepEqual(slices('https://a.example:443/cb', 'https://a.example/cb'), [':443', '']);
  assert.equal(compareRedirectUris('http://[::1]:80/cb', 'http://[::1]/cb').kind, 'port');
});

test('path, case, query, fragment', () => {
  const r = compareRedirectUris('https://app.example.com/callback', 'https://app.example.com/auth/callback');
  assert.equal(r.kind, 'path');
  assert.deepEqual(slices('https://app.example.com/callback', 'https://app.example.com/auth/callback'), ['', 'auth/']);
  assert.equal(compareRedirectUris('https://a.example/Callback', 'https://a.example/callback').kind, 'case');
  const q = compareRedirectUris('https://a.example/cb', 'https://a.example/cb?x=1');
  assert.equal(q.kind, 'query');
  assert.deepEqual(slices('https://a.example/cb', 'https://a.example/cb?x=1'), ['', '?x=1']);
  assert.match(compareRedirectUris('https://a.example/cb?a=1&b=2', 'https://a.example/cb?b=2&a=1').detail, /different order/);
  const f = compareRedirectUris('https://a.example/cb', 'https://a.example/cb#frag');
  assert.equal(f.kind, 'fragment');
  assert.match(f.detail, /must not contain a fragment/);
});

test('encoding: percent-encoded, double-encoded, hex case, + vs %20', () => {
  const plain = 'https://oauth2.prismatic.io/callback';
  const once = encodeURIComponent(plain);
  const twice = encodeURIComponent(once);
  const r1 = compareRedirectUris(plain, once);
  assert.equal(r1.kind, 'encoding');
  assert.match(r1.detail, /percent-encoded/);
  const r2 = compareRedirectUris(once, twice);
  assert.equal(r2.kind, 'encoding');
  assert.match(r2.detail, /double-encoded/);
  assert.equal(compareRedirectUris('https://a.example/a%2fb', 'https://a.example/a%2Fb').kind, 'encoding');
  assert.equal(compareRedirectUris('https://a.example/cb?n=a+b', 'https://a.example/cb?n=a%20b').kind, 'encoding');
  assert.equal(compareRedirectUris('https://a.example/caf%C3%A9', 'https://a.example/café').kind, 'encoding');
});

test('custom schemes, relative references and garbage never throw', () => {
  assert.equal(compareRedirectUris('com.example.app:/cb', 'com.example.app:/cb/').kind, 'trailing_slash');
  assert.equal(compareRedirectUris('com.example.app:/cb', 'com.example.other:/cb').kind, 'scheme');
  assert.equal(compareRedirectUris('com.example.app:/cb', 'com.example.app://cb').kind, 'host');
  const r = compareRedirectUris('/callback', 'https://a.example/callback');
  assert.equal(r.kind, 'scheme');
  assert.match(r.detail, /not an absolute URI/);
  for (const [x, y] of [['', 'https://a'], ['%%%', '%'], ['http://[::1', 'http://[::1]'], ['a\nb', 'a b'], ['http://a:b:c@d:99999/x', 'http://@/']]) {
    const c = compareRedirectUris(x!, y!);
    assert.equal(c.equal, false);
    assert.equal(typeof c.detail, 'string');
  }
});

test('whitespace is called out', () => {
  const r = compareRedirectUris('https://a.example/cb', 'https://a.example/cb\n');
  assert.equal(r.equal, false);
  assert.match(r.detail, /whitespace/);
});

test('matchRegisteredRedirect: exact, closest with kind, loopback port hint, none registered', () => {
  const reg = ['https://app.example.com/callback', 'https://other.example.com/oauth/cb'];
  assert.equal(matchRegisteredRedirect(reg, 'https://app.example.com/callback').equal, true);
  const r = matchRegisteredRedirect(reg, 'https://app.example.com/callback/');
  assert.equal(r.kind, 'not_registered');
  assert.equal(r.closest, 'https://app.example.com/callback');
  assert.equal(r.closestKind, 'trailing_slash');
  assert.match(r.detail, /Closest registered URI/);
  const lb = matchRegisteredRedirect(['http://127.0.0.1:3000/cb'], 'http://127.0.0.1:51234/cb');
  assert.equal(lb.closestKind, 'port');
  assert.match(lb.detail, /RFC 8252/);
  const none = matchRegisteredRedirect([], 'https://a.example/cb');
  assert.equal(none.kind, 'not_registered');
  assert.match(none.detail, /no registered redirect URIs/);
});

test('big inputs stay fast', () => {
  const big = 'https://a.example/' + 'x'.repeat(60_000);
  const c0 = process.cpuUsage();
  compareRedirectUris(big, big + 'y');
  matchRegisteredRedirect([big, big + 'z'], big + 'y');
  const c = process.cpuUsage(c0);
  assert.ok((c.user + c.system) / 1000 < 500, `took ${(c.user + c.system) / 1000} ms CPU`);
});
