import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { s256Challenge } from '../../../src/core/checks/pkce';
import { verifierS256 } from '../../../src/core/logs/oauthFields';
import { isAccessLogLine, parseAccessLine } from '../../../src/core/logs/accessLog';

// The parsers' fast paths must give exactly what the reference functions give.

test('verifierS256 (one-shot hash) equals s256Challenge for any string, lone surrogates included', () => {
  assert.equal(verifierS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'), 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 200 }), fc.string()), (v) => {
    assert.equal(verifierS256(v), s256Challenge(v));
  }), { numRuns: 2000 });
});

test('parseAccessLine after isAccessLogLine (shared match) reads the same as a fresh parse', () => {
  const lines = [
    '203.0.113.5 - alice [15/Jan/2024:10:23:45 +0300] "GET /oauth/authorize?client_id=app&state=abcdefgh1234 HTTP/1.1" 302 512 "-" "curl/8"',
    '198.51.100.7 - - [15/Jan/2024:10:23:46 +0000] "POST /oauth/token HTTP/1.1" 400 88 "-" "python-httpx/0.27" 0.012',
    'not an access line [x] "y"',
  ];
  const fresh = lines.map((l) => JSON.stringify(parseAccessLine(l)));
  for (let i = 0; i < lines.length; i++) {
    isAccessLogLine(lines[i]!);
    // A different line in between must not leak its match into the next parse.
    isAccessLogLine(lines[(i + 1) % lines.length]!);
    assert.equal(JSON.stringify(parseAccessLine(lines[i]!)), fresh[i]);
    isAccessLogLine(lines[i]!);
    assert.equal(JSON.stringify(parseAccessLine(lines[i]!)), fresh[i]);
  }
  // Access-shaped lines built from arbitrary parts, asked about in any order.
  const part = fc.string({ minLength: 1, maxLength: 20 }).map((x) => x.replace(/[\s"\]]/g, 'x'));
  const line = fc.tuple(part, part, fc.constantFrom('GET', 'POST'), part, fc.integer({ min: 100, max: 599 }))
    .map(([ip, user, m, path, st]) => `${ip} - ${user} [15/Jan/2024:10:23:45 +0000] "${m} /${path}?code=${path} HTTP/1.1" ${st} 1 "-" "ua"`);
  fc.assert(fc.property(line, line, (a, b) => {
    isAccessLogLine(b);
    const first = JSON.stringify(parseAccessLine(a));
    isAccessLogLine(a);
    isAccessLogLine(b);
    assert.equal(JSON.stringify(parseAccessLine(b)), JSON.stringify(parseAccessLine(b + '')));
    isAccessLogLine(a);
    assert.equal(JSON.stringify(parseAccessLine(a)), first);
  }), { numRuns: 300 });
});
