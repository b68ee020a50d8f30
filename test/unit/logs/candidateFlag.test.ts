/**
 * A source that already tested a line with the candidate filter says so (`candidate: true`), and
 * the parser trusts it only for that exact text: not once a container envelope is stripped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogParser } from '../../../src/core/logs/logParser';
import type { SourceLine } from '../../../src/core/lines';

test('a pre-tested line parses to the same event as an untested one', () => {
  const text = '10.0.0.1 - - [28/Nov/2026:10:00:00 +0000] "GET /oauth/authorize?client_id=app&state=xyz HTTP/1.1" 302 0 "-" "curl/8"';
  const plain = new LogParser().push({ source: 'a.log', line: 1, text });
  const flagged = new LogParser().push({ source: 'a.log', line: 1, text, candidate: true });
  assert.equal(plain.length, 1);
  assert.deepEqual(flagged, plain);
});

test('the flag does not survive an envelope: the stripped text is tested again', () => {
  // Every line carries a docker compose prefix naming an "auth" service; the lines themselves are noise.
  const lines: SourceLine[] = Array.from({ length: 30 }, (_, i) => ({ source: 'c.log', line: i + 1, text: `auth-1  | 10.0.0.1 - - [28/Nov/2026:10:00:${String(i).padStart(2, '0')} +0000] "GET /static/app.js HTTP/1.1" 200 10 "-" "curl/8"`, candidate: true }));
  const p = new LogParser();
  const events = lines.flatMap((l) => p.push(l));
  assert.deepEqual(events, []);
  assert.equal(p.stats.parsed, 0, 'no stripped line was parsed');
});
