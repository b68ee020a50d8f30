import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { matchAccessLine } from '../../../src/core/logs/accessLog';

/** The access-log regex as it was at main 522034e: the hand scanner must give exactly its groups. */
const Q = '"((?:[^"\\\\]|\\\\.){0,65536})"';
const REFERENCE_RE = new RegExp(`^(?:(\\S{1,255}) )?(\\S{1,64}) (\\S{1,64}) (\\S{1,256}) \\[([^\\]]{10,40})\\] ${Q} (\\d{3}|-) (\\d{1,15}|-)(?: ${Q}(?: ${Q})?)?(.{0,4096})$`);

const same = (t: string): void => {
  const want = REFERENCE_RE.exec(t.length > 70_000 ? t.slice(0, 70_000) : t);
  const got = matchAccessLine(t);
  assert.deepStrictEqual(got === null ? null : [...got], want === null ? null : [...want], JSON.stringify(t));
};

const piece = fc.constantFrom(
  '203.0.113.5', 'vhost.example:443', '-', 'alice', '[15/Jan/2024:10:23:45 +0300]', '[28/Nov/2026:00:00:01 +0000]', '[short]', '[' + 'x'.repeat(41) + ']',
  '"GET /oauth/authorize?client_id=app&state=x HTTP/1.1"', '"POST /oauth/token HTTP/1.1"', '"-"', '""', '"a\\"b"', '"a\\\\"', '"x\\', '"\\\n"', '"unterminated',
  '200', '302', '2000', '20', '5120', '0', '1234567890123456', '-', '"https://id.example/cb"', '"Mozilla/5.0 (X11)"', '"python-httpx/0.27"',
  'rt=0.123', '0.045', '"req-1"', '123456', ' ', '  ', '\t', '\n', '\r', '\u2028', '\u00a0', '"', '\\', ']', '[', 'x', 'a b',
);
const line = fc.oneof(
  { weight: 3, arbitrary: fc.array(piece, { maxLength: 14 }).map((a) => a.join(' ')) },
  { weight: 2, arbitrary: fc.array(piece, { maxLength: 14 }).map((a) => a.join('')) },
  { weight: 2, arbitrary: fc.tuple(fc.array(piece, { maxLength: 3 }), fc.array(piece, { maxLength: 8 })).map(([a, b]) => `${a.join(' ')} 203.0.113.5 - - [15/Jan/2024:10:23:45 +0300] "GET / HTTP/1.1" 200 12${b.join(' ')}`) },
  { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
);

test('the hand-written access-line scanner gives exactly the regex groups on random lines', () => {
  fc.assert(fc.property(line, (t) => same(t)), { numRuns: 30_000 });
});

test('the scanner agrees with the regex near its limits and stays linear on hostile lines', () => {
  const ok = '203.0.113.5 - - [15/Jan/2024:10:23:45 +0300] "GET / HTTP/1.1" 200 12';
  for (const t of [
    ok, `${ok} "-" "UA" ${'x'.repeat(4096)}`, `${ok} "-" "UA" ${'x'.repeat(4095)}`, `${ok} "-" "UA"\n`, `${ok} "-" "UA" rt=0.1\r`,
    `${ok.replace('12', '1'.repeat(15))} "-"`, `${ok.replace('12', '1'.repeat(16))} "-"`, `${ok.replace(' 12', ' 12' + 'x'.repeat(5000))}`,
    `${'v'.repeat(255)} ${ok}`, `${'v'.repeat(256)} ${ok}`,
    ...[63, 64, 65].flatMap((n) => [`${'i'.repeat(n)} - - [15/Jan/2024:10:23:45 +0300] "GET / HTTP/1.1" 200 1`, `1.2.3.4 ${'i'.repeat(n)} - [15/Jan/2024:10:23:45 +0300] "GET / HTTP/1.1" 200 1`]),
    ...[255, 256, 257].map((n) => `203.0.113.5 - ${'u'.repeat(n)} [15/Jan/2024:10:23:45 +0300] "GET / HTTP/1.1" 200 1`),
    ...[63, 64, 65].flatMap((n) => [`vh ${'i'.repeat(n)} - - [15/Jan/2024:10:23:45 +0300] "GET / HTTP/1.1" 200 1`, `vh 1.2.3.4 ${'i'.repeat(n)} - [15/Jan/2024:10:23:45 +0300] "GET / HTTP/1.1" 200 1`]),
    ...[255, 256, 257].map((n) => `vh 203.0.113.5 - ${'u'.repeat(n)} [15/Jan/2024:10:23:45 +0300] "GET / HTTP/1.1" 200 1`),
    `203.0.113.5 - - [15/Jan/2024:10:23:45 +0300] "${'\\'.repeat(30_000)}" 200 1`, `203.0.113.5 - - [15/Jan/2024:10:23:45 +0300] "${'\\"'.repeat(20_000)}" 200 1`,
    `203.0.113.5 - - [15/Jan/2024:10:23:45 +0300] "${'a'.repeat(65_537)}" 200 1`, `203.0.113.5 - - [15/Jan/2024:10:23:45 +0300] "${'a'.repeat(60_001)}" 200 1`,
  ]) {
    const c0 = process.cpuUsage();
    same(t);
    const c = process.cpuUsage(c0);
    assert.ok((c.user + c.system) / 1000 < 500, `slow on ${t.slice(0, 40)}`);
  }
});

test('parseClfTime with a remembered day gives exactly what the regex reading gives', async () => {
  const { parseClfTime } = await import('../../../src/core/logs/timestamps.js');
  const CLF_RE = /^(\d{2})\/([A-Za-z]{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?:\s([+-]\d{4}))?/;
  const MONTHS: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
  // The reference: a fresh regex reading, with Date.UTC and the offset applied as timestamps.ts documents.
  const reference = (t: string, tz?: string): number | undefined => {
    const m = CLF_RE.exec(t);
    if (!m) return undefined;
    const mo = MONTHS[m[2]!.toLowerCase()];
    if (mo === undefined) return undefined;
    const [d, y, h, mi, s] = [+m[1]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!];
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || s > 60) return undefined;
    const zone = m[7] ?? tz;
    const off = zone === undefined || zone === 'UTC' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2)));
    return Date.UTC(y, mo - 1, d, h, mi, s, 0) - off * 60_000;
  };
  const clock = fc.tuple(fc.integer({ min: 0, max: 26 }), fc.integer({ min: 0, max: 61 }), fc.integer({ min: 0, max: 62 })).map(([h, m, s]) => [h, m, s].map((n) => String(n).padStart(2, '0')).join(':'));
  const day = fc.constantFrom('28/Nov/2026', '15/Jan/2024', '31/Feb/2023', '01/jan/0099', '15/Foo/2024', '00/Mar/2024');
  const zone = fc.constantFrom('', ' +0000', ' +0300', ' -0530', '\t+0100', ' +03', ' +03:00', '+0000', ' x', '\u00a0-0100');
  const tail = fc.constantFrom('', ']', '] "GET /"', ':', 'x');
  fc.assert(fc.property(fc.array(fc.tuple(day, clock, zone, tail, fc.constantFrom(undefined, '+02:00')), { minLength: 1, maxLength: 6 }), (items) => {
    for (const [d, c, z, t, tz] of items) {
      const text = `${d}:${c}${z}${t}`;
      assert.equal(parseClfTime(text, tz), reference(text, tz), text);
    }
  }), { numRuns: 3000 });
  for (const text of ['28/Nov/2026:00:00:01 +0000', '28/Nov/2026:0a:00:01', '28/Nov/2026:00-00:01', '28/Nov/2026:00:00-01', '28/Nov/2026:00:00', '28/Nov/2026:']) assert.equal(parseClfTime(text), reference(text), text);
});
