import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildDecoderView, durationText, relativeTo } from '../../../src/host/jwt/decoderModel';

const t = (m: string, ...a: (string | number)[]): string => m.replace(/\{(\d+)\}/g, (_x, i: string) => String(a[Number(i)]));
const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
const now = Date.UTC(2026, 10, 28, 12, 0, 0);
const token = `${b64({ alg: 'RS256', kid: 'k1', typ: 'JWT' })}.${b64({ iss: 'http://127.0.0.1:4000', aud: 'api', sub: 'u1', exp: now / 1000 - 120, iat: now / 1000 - 3720, nonce: 'n' })}.c2ln`;

test('claims get explanations and times relative to now and to the log event', () => {
  const v = buildDecoderView({ token, origin: 'laravel.log:42', now, eventTime: now - 600_000, t });
  assert.equal(v.ok, true);
  const exp = v.claims!.find((c) => c.name === 'exp')!;
  assert.match(exp.explanation!, /Expires/);
  assert.equal(exp.time!.relative, '2 min ago');
  assert.equal(exp.time!.relativeToEvent, '8 min after the log event');
  assert.ok(v.claims!.some((c) => c.name === 'header.kid' && /Key id/.test(c.explanation!)));
  assert.equal(v.origin, 'laravel.log:42');
  assert.deepEqual(v.warnings!.map((w) => w.id), [], 'valid at the time of the event');
});

test('warnings: expired now, ID token used as bearer, alg none', () => {
  const expired = buildDecoderView({ token, origin: 'pasted', now, t, usedAsBearer: true });
  assert.ok(expired.warnings!.some((w) => w.id === 'token_expired'));
  assert.ok(expired.warnings!.some((w) => w.id === 'wrong_token_used'), JSON.stringify(expired.warnings));
  const none = buildDecoderView({ token: `${b64({ alg: 'none' })}.${b64({ sub: 'x' })}.`, origin: 'pasted', now, t });
  assert.ok(none.warnings!.length > 0, 'alg none is flagged');
});

test('garbage gives a plain reason, never an exception', () => {
  for (const bad of ['', 'hello', 'a.b', '<img src=x onerror=alert(1)>', 'x'.repeat(300_000)]) {
    const v = buildDecoderView({ token: bad, origin: 'pasted', now, t });
    assert.equal(v.ok, false);
    assert.ok(v.error && v.error.length > 5);
  }
});

test('relative times', () => {
  assert.equal(relativeTo(now + 65_000, now, t), 'in 1 min 5 s');
  assert.equal(durationText(3 * 86_400_000 + 3_600_000), '3 d 1 h');
});
