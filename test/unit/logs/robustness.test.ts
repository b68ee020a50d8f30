import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LogParser } from '../../../src/core/logs/logParser';
import { parseLine, LOG_FORMATS } from '../../../src/core/logs/parseLine';
import { isCandidateLine } from '../../../src/core/logs/candidateFilter';
import { MAX_MESSAGE_CHARS } from '../../../src/core/logs/oauthFields';

const fragments = ['[2024-01-15 10:23:45] production.ERROR: ', '203.0.113.7 - - [15/Jan/2024:10:23:45 +0000] "GET ', '/oauth/authorize?', 'client_id=', '&code=', 'code_verifier=', 'type="CODE_TO_TOKEN_ERROR", realmId="r", ', '{"event":"grant.error","error":"invalid_grant"', '(code: 10): ', "OAuthServerException::invalidRequest('", 'Authorization: Bearer ', 'eyJhbGciOiJIUzI1NiJ9.', '%', '"', '\\', '\uFFFD', '\u0000', '\n', '#0 ', ' at /', ' {"'];
const hostile = fc.array(fc.oneof(fc.constantFrom(...fragments), fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 })), { maxLength: 40 }).map((a) => a.join(''));

test('parseLine never throws and bounds its output, for every format hint', () => {
  fc.assert(fc.property(hostile, fc.constantFrom(undefined, ...LOG_FORMATS), (text, hint) => {
    const e = parseLine({ source: 'f', line: 1, text }, hint);
    if (e !== undefined) {
      assert.ok(e.message.length <= MAX_MESSAGE_CHARS);
      assert.ok(JSON.stringify(e).length < 64 * 1024);
    }
  }), { numRuns: 3000 });
});

test('LogParser never throws; events never outnumber lines', () => {
  fc.assert(fc.property(fc.array(hostile, { maxLength: 30 }), (lines) => {
    const p = new LogParser();
    let n = 0;
    for (const [i, text] of lines.entries()) n += p.push({ source: i % 3 === 0 ? 'a' : 'b', line: i + 1, text }).length;
    n += p.flush().length;
    assert.ok(n <= lines.length);
    assert.equal(p.stats.lines, lines.length);
  }), { numRuns: 500 });
});

/** CPU milliseconds of `fn` (not wall time: the machine running the tests may be busy). */
function timed(fn: () => void): number {
  const t = process.cpuUsage();
  fn();
  const d = process.cpuUsage(t);
  return (d.user + d.system) / 1000;
}

test('1 MB adversarial lines parse in well under a second each (no catastrophic backtracking)', () => {
  const MB = 1024 * 1024;
  const adversarial = [
    'a'.repeat(MB),
    'oauth ' + 'a'.repeat(MB),
    '[2024-01-15 10:23:45] production.ERROR: oauth ' + '(code: '.repeat(MB / 7),
    '[2024-01-15 10:23:45] production.ERROR: oauth ' + 'x'.repeat(MB) + '(code: 10): ' + 'y'.repeat(MB / 2),
    '1.2.3.4 - - [15/Jan/2024:10:23:45 +0000] "GET /oauth/token?' + 'a=b&'.repeat(MB / 4) + '" 200 1 "-" "-"',
    '1.2.3.4 - - [15/Jan/2024:10:23:45 +0000] "GET /oauth/token?' + '\\"'.repeat(MB / 2),
    'token ' + ' '.repeat(MB) + 'x',
    'token ' + 'a= '.repeat(MB / 3),
    'token ' + 'key="'.repeat(MB / 5),
    'token ' + 'eyJ'.repeat(MB / 3),
    'token ' + 'eyJhbGciOi.'.repeat(MB / 11),
    'authorization: ' + 'A'.repeat(MB),
    '{"client_id":"' + 'x'.repeat(MB) + '"}',
    '{"a":' + '['.repeat(MB / 2),
    'type="LOGIN", realmId=' + ', x='.repeat(MB / 4),
    'GET /' + 'a/'.repeat(MB / 2) + 'authorizX',
    'oauth https://' + 'a'.repeat(MB),
    'invalid_' + '_'.repeat(MB),
    'oauth ' + '1.2.3.4 '.repeat(MB / 8) + ' not in whitelist',
    'oauth ' + 'check the `'.repeat(MB / 11),
  ];
  for (const text of adversarial) {
    for (const hint of [undefined, ...LOG_FORMATS]) {
      const ms = timed(() => parseLine({ source: 'f', line: 1, text }, hint));
      assert.ok(ms < 1500, `${text.slice(0, 30)}… as ${hint}: ${ms.toFixed(0)} ms`);
    }
    const p = new LogParser();
    const ms = timed(() => {
      p.push({ source: 'f', line: 1, text: '[2024-01-15 10:23:45] production.ERROR: Client authentication failed' });
      p.push({ source: 'f', line: 2, text });
      p.flush();
    });
    assert.ok(ms < 1500, `folded ${text.slice(0, 30)}…: ${ms.toFixed(0)} ms`);
  }
});

test('the candidate filter rejects unrelated lines and keeps OAuth ones', () => {
  for (const t of ['GET /assets/app.css 200', '#0 /v/Connection.php(776): Connection->runQueryCallback()', '[2024-01-15 10:23:45] production.INFO: Order 4411 shipped', 'Jan 15 10:23:45 web-1 systemd[1]: Started Session 42 of user deploy.']) assert.equal(isCandidateLine(t), false, t);
  for (const t of ['GET /OAuth/Authorize?x', 'POST /token', 'invalid_grant', 'Authorization: Bearer x', 'GET /cb?code=1', 'code_verifier', '/.well-known/openid-configuration', 'type=LOGIN, realmId=x, clientId=y', 'GET /interaction/abc', 'consent denied', '/register', 'GET /auth/callback?state=1', 'GET /cb?error=access_denied&state=x', 'GET /userinfo 401']) assert.equal(isCandidateLine(t), true, t);
});

test('a 10 MB line (a source that did not cap it) is handled quickly in every format', () => {
  const ten = 10 * 1024 * 1024;
  for (const text of ['oauth ' + 'x'.repeat(ten), '[2024-01-15 10:23:45] production.ERROR: Client authentication failed ' + 'a=b '.repeat(ten / 4), '{"client_id":"' + 'y'.repeat(ten) + '"}']) {
    for (const hint of [undefined, ...LOG_FORMATS]) {
      const ms = timed(() => parseLine({ source: 'f', line: 1, text }, hint));
      assert.ok(ms < 3000, `${text.slice(0, 20)}… as ${hint}: ${ms.toFixed(0)} ms`);
    }
  }
});
