import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lineTime } from '../../../src/core/tail/lineTime';
import { findSinceOffset, parseTailStart, SinceGate } from '../../../src/core/tail/tailStart';
import type { ByteReader, SinceSearchResult } from '../../../src/core/tail/tailStart';

const T0 = Date.UTC(2026, 10, 28, 8, 0, 0); // 2026-11-28 08:00:00 UTC

/** `YYYY-MM-DD HH:MM:SS` (UTC) of T0 + sec. */
function stamp(sec: number): string {
  return new Date(T0 + sec * 1000).toISOString().replace('T', ' ').slice(0, 19);
}

function memReader(buf: Buffer): ByteReader & { reads: number } {
  const r = {
    reads: 0,
    async read(pos: number, len: number): Promise<Buffer> {
      r.reads++;
      return buf.subarray(pos, Math.min(buf.length, pos + len));
    },
  };
  return r;
}

async function search(text: string | Buffer, since: number, maxBytes = 1 << 30, maxSkewMs?: number): Promise<SinceSearchResult & { rest: string }> {
  const buf = typeof text === 'string' ? Buffer.from(text) : text;
  const r = await findSinceOffset(memReader(buf), { size: buf.length, since, maxBytes, timeOf: (t) => lineTime(t), ...(maxSkewMs !== undefined ? { maxSkewMs } : {}) });
  return { ...r, rest: buf.subarray(r.offset).toString() };
}

test('lineTime reads Laravel, Keycloak, ISO, nginx/Apache CLF, nginx error, JSON lines and epochs; not continuation lines', () => {
  const t = Date.UTC(2026, 10, 28, 10, 23, 45);
  assert.equal(lineTime('[2026-11-28 10:23:45] production.ERROR: Client authentication failed {"exception":"…"}'), t);
  assert.equal(lineTime('[2026-11-28T10:23:45.123456+00:00] local.INFO: x'), t + 123);
  assert.equal(lineTime('2026-11-28 10:23:45,000 WARN  [org.keycloak.events] type=LOGIN_ERROR'), t);
  assert.equal(lineTime('10.0.0.1 - - [28/Nov/2026:12:23:45 +0200] "POST /oauth/token HTTP/1.1" 400 81'), t);
  assert.equal(lineTime('2026/11/28 10:23:45 [error] 31#31: *5 upstream timed out'), t);
  assert.equal(lineTime('{"message":"token","context":{"time":"2001-01-01T00:00:00Z"},"datetime":"2026-11-28T10:23:45+00:00"}'), t, 'datetime outranks a nested time field');
  assert.equal(lineTime('{"@timestamp":"2026-11-28T10:23:45Z","timestamp":"1999-01-01T00:00:00Z"}'), t);
  assert.equal(lineTime('{"level":"info","ts":1795861425.5,"msg":"x"}'), Date.UTC(2026, 10, 28, 10, 23, 45, 500));
  assert.equal(lineTime('1795861425 token issued'), t);
  assert.equal(lineTime('[2026-11-28 10:23:45] local.INFO: x', '+02:00'), t - 2 * 3_600_000, 'zone-less times honour the zone');
  for (const cont of ['#0 /var/www/vendor/laravel/framework/src/Illuminate/Foundation/Application.php(1234): handle()', '[stacktrace]', '"}', '', 'Stack trace:', '   at org.keycloak.Foo(Foo.java:12)']) {
    assert.equal(lineTime(cont), undefined, cont);
  }
  assert.equal(lineTime(`${'x'.repeat(80)} 2026-11-28 10:23:45 far in the line`), undefined, 'a date deep in a line is not its timestamp');
});

test('parseTailStart: lines, durations, date-times with and without zones, clock times, garbage', () => {
  const now = Date.UTC(2026, 10, 28, 12, 0, 0);
  assert.deepEqual(parseTailStart(200, now), { ok: true, start: { kind: 'lines', lines: 200 } });
  assert.deepEqual(parseTailStart('50 lines', now), { ok: true, start: { kind: 'lines', lines: 50 } });
  assert.deepEqual(parseTailStart('15m', now), { ok: true, start: { kind: 'since', since: now - 15 * 60_000 } });
  assert.deepEqual(parseTailStart('2h', now), { ok: true, start: { kind: 'since', since: now - 2 * 3_600_000 } });
  assert.deepEqual(parseTailStart(' 1.5 hours ', now), { ok: true, start: { kind: 'since', since: now - 5_400_000 } });
  assert.deepEqual(parseTailStart('90s', now), { ok: true, start: { kind: 'since', since: now - 90_000 } });
  assert.deepEqual(parseTailStart('1d', now), { ok: true, start: { kind: 'since', since: now - 86_400_000 } });
  assert.deepEqual(parseTailStart('2026-11-28T10:00:00Z', now), { ok: true, start: { kind: 'since', since: Date.UTC(2026, 10, 28, 10) } });
  assert.deepEqual(parseTailStart('2026-11-28 11:30+01:00', now), { ok: true, start: { kind: 'since', since: Date.UTC(2026, 10, 28, 10, 30) } });
  assert.deepEqual(parseTailStart('2026-11-28T10:00', now), { ok: true, start: { kind: 'since', since: new Date(2026, 10, 28, 10, 0).getTime() } }, 'zone-less = local time');
  assert.deepEqual(parseTailStart('2026-11-28', now), { ok: true, start: { kind: 'since', since: new Date(2026, 10, 28).getTime() } });
  const local = new Date(now);
  const clock = parseTailStart('00:00', now);
  assert.ok(clock.ok && clock.start.kind === 'since' && clock.start.since === new Date(local.getFullYear(), local.getMonth(), local.getDate()).getTime());
  const ahead = new Date(now + 3_600_000);
  const later = parseTailStart(`${String(ahead.getHours()).padStart(2, '0')}:${String(ahead.getMinutes()).padStart(2, '0')}`, now);
  assert.ok(later.ok && later.start.kind === 'since' && later.start.since < now, 'a clock time still ahead means yesterday');
  for (const bad of ['', 'soon', '-5', '15x', '25:00', '2026-13-01', '9999d', 1.5, -3, null, {}]) {
    const r = parseTailStart(bad, now);
    assert.equal(r.ok, false, String(bad));
  }
});

/** Lines every 10 s from T0, `n` of them, as a Laravel log with a multi-line entry every 7th line. */
function laravelLog(n: number): { text: string; starts: Map<number, number> } {
  const parts: string[] = [];
  const starts = new Map<number, number>();
  let off = 0;
  for (let i = 0; i < n; i++) {
    starts.set(i, off);
    let entry = `[${stamp(i * 10)}] production.INFO: request ${i} GET /oauth/authorize?client_id=web\n`;
    if (i % 7 === 3) entry += `[stacktrace]\n#0 /var/www/app/Http/Controller.php(12): handle(${i})\n#1 {main}\n"}\n`;
    parts.push(entry);
    off += Buffer.byteLength(entry);
  }
  return { text: parts.join(''), starts };
}

test('search: exact first line at or after T in a big sorted log, reading a small part of it', async () => {
  const { text, starts } = laravelLog(60_000); // ~5 MB
  for (const i of [0, 1, 3, 4, 17_000, 59_990, 59_999]) {
    const r = await search(text, T0 + i * 10_000);
    assert.equal(r.offset, starts.get(i), `line ${i}`);
    assert.equal(r.capped, false);
    assert.equal(r.noTimestamps, false);
  }
  // Between two lines: the later one. Continuation lines of the entry before stay out.
  const r = await search(text, T0 + 3 * 10_000 + 5000);
  assert.equal(r.offset, starts.get(4));
  assert.ok(r.rest.startsWith(`[${stamp(40)}]`));
  // The last 15 minutes of a 5 MB log: a few hundred KiB read at most.
  const near = await search(text, T0 + 59_910 * 10_000);
  assert.equal(near.offset, starts.get(59_910));
  assert.ok(near.bytesRead < 600 * 1024, `read ${near.bytesRead} bytes`);
});

test('search: a multi-line entry at T comes with its continuation lines', async () => {
  const { text, starts } = laravelLog(30);
  const r = await search(text, T0 + 10 * 10_000);
  assert.equal(r.offset, starts.get(10));
  assert.ok(r.rest.includes('handle(10)'));
  assert.ok(!r.rest.includes('handle(3)'));
});

test('search: T after every line → the end (nothing delivered); before every line → the start', async () => {
  const { text, starts } = laravelLog(500);
  const after = await search(text, T0 + 10_000_000);
  assert.equal(after.offset, Buffer.byteLength(text));
  assert.equal(after.rest, '');
  const before = await search(text, T0 - 1);
  assert.equal(before.offset, starts.get(0));
  assert.equal(before.capped, false);
});

test('search: a partial last line (being written) is never skipped', async () => {
  const text = `[${stamp(0)}] a\n[${stamp(10)}] b\n[${stamp(20)}] partial`;
  const r = await search(text, T0 + 60_000);
  assert.equal(r.rest, `[${stamp(20)}] partial`);
});

test('search: no timestamps at all → noTimestamps, start at the end', async () => {
  const text = Array.from({ length: 20_000 }, (_, i) => `plain line ${i} without any time`).join('\n') + '\n';
  const r = await search(text, T0);
  assert.equal(r.noTimestamps, true);
  assert.equal(r.offset, Buffer.byteLength(text));
  assert.ok(r.bytesRead < 4 * 1024 * 1024);
});

test('search: lines without timestamps between timed ones, mixed formats', async () => {
  const rows = [
    `10.0.0.1 - - [${new Date(T0).toUTCString().slice(5, 16).replace(/ /g, '/')}:08:00:00 +0000] "GET / HTTP/1.1" 200 1`,
    'untimed noise',
    `[${stamp(60)}] production.INFO: laravel at +60`,
    'continuation of +60',
    `{"datetime":"${new Date(T0 + 120_000).toISOString()}","message":"json at +120"}`,
    'untimed after json',
    `2026/11/28 08:03:00 [error] nginx error at +180`,
  ];
  const text = rows.join('\n') + '\n';
  assert.equal(lineTime(rows[0]!), T0);
  const r = await search(text, T0 + 90_000);
  assert.equal(r.rest, rows.slice(4).join('\n') + '\n');
  const r2 = await search(text, T0 + 30_000);
  assert.equal(r2.rest, rows.slice(2).join('\n') + '\n');
});

test('search: out-of-order times near the boundary move the start back to the first line at or after T', async () => {
  // Sorted except that lines 4990 (just before the boundary at 5000) and 2000 (~140 KB before) carry late times.
  const late = (i: number): boolean => i === 4990 || i === 2000;
  const rows = Array.from({ length: 6000 }, (_, i) => `[${stamp(late(i) ? 5500 * 10 : i * 10)}] production.INFO: row ${i}`);
  const text = rows.join('\n') + '\n';
  const r = await search(text, T0 + 5000 * 10_000);
  assert.ok(r.rest.startsWith(rows[4990]!), r.rest.slice(0, 80));
  // Skewed by far more than the tolerance (about 8 hours): not looked for (a documented limit); a wider tolerance finds it.
  const wide = await search(text, T0 + 5000 * 10_000, 1 << 30, 10 * 3_600_000);
  assert.ok(wide.rest.startsWith(rows[2000]!), wide.rest.slice(0, 80));
  // Completely shuffled times: the first line at or after T is still found within the tolerance window.
  const shuffled = Array.from({ length: 300 }, (_, i) => `[${stamp(((i * 7919) % 300) * 10)}] row ${i}`);
  const want = shuffled.findIndex((l) => lineTime(l)! >= T0 + 2000 * 1000);
  const s = await search(shuffled.join('\n') + '\n', T0 + 2000 * 1000);
  assert.ok(s.rest.startsWith(shuffled[want]! + '\n'), `${s.rest.slice(0, 40)} vs ${shuffled[want]}`);
});

test('search: the byte cap bounds the start and says so; not when the boundary is inside the window', async () => {
  const { text, starts } = laravelLog(20_000);
  const size = Buffer.byteLength(text);
  const capped = await search(text, T0 + 100 * 10_000, 64 * 1024);
  assert.equal(capped.capped, true);
  assert.ok(size - capped.offset <= 64 * 1024);
  assert.ok(capped.rest.startsWith('[') || capped.rest.startsWith('#') || capped.rest.startsWith('"'), 'starts at a line start');
  assert.equal(text.charAt(capped.offset - 1), '\n');
  const inside = await search(text, T0 + 19_900 * 10_000, 64 * 1024);
  assert.equal(inside.capped, false);
  assert.equal(inside.offset, starts.get(19_900));
});

test('search: lines longer than a read chunk, an empty file, a file of one partial line', async () => {
  const long = `[${stamp(0)}] huge ${'x'.repeat(100_000)}\n[${stamp(10)}] small\n[${stamp(20)}] ${'y'.repeat(50_000)}\n[${stamp(30)}] end\n`;
  const r = await search(long, T0 + 15_000);
  assert.ok(r.rest.startsWith(`[${stamp(20)}] yyy`));
  assert.equal((await search('', T0)).offset, 0);
  assert.equal((await search(`[${stamp(0)}] no newline yet`, T0 + 1)).offset, 0);
});

test('SinceGate: drops backlog lines before T, then passes everything; appends always pass', () => {
  const g = new SinceGate(T0 + 20_000, (t) => lineTime(t));
  const got = [`[${stamp(0)}] a`, 'cont a', `[${stamp(10)}] b`, `[${stamp(20)}] c`, 'cont c', `[${stamp(5)}] d older`].filter((l) => g.accept(l, true));
  assert.deepEqual(got, [`[${stamp(20)}] c`, 'cont c', `[${stamp(5)}] d older`]);
  assert.deepEqual(g.stats, { backlog: 4, timed: 3, firstTimedWasLate: false });
  const g2 = new SinceGate(T0 + 1e9, (t) => lineTime(t));
  assert.equal(g2.accept(`[${stamp(0)}] old`, true), false);
  assert.equal(g2.accept('untimed append', false), true, 'an append opens the gate');
  assert.equal(g2.accept(`[${stamp(0)}] old again`, true), true);
});

test('search: a line 90 s ahead of its neighbours, 180 KB before the boundary, is found (time-based tolerance)', async () => {
  // 50 lines a second, ~40 bytes each: 90 s of log is ~180 KB.
  const rows = Array.from({ length: 15_000 }, (_, i) => `[${stamp(i === 5500 ? 200 : Math.floor(i / 50))}] r${i}`);
  const r = await search(rows.join('\n') + '\n', T0 + 200_000);
  assert.ok(r.rest.startsWith(`${rows[5500]!}\n`), r.rest.slice(0, 40));
});

test('search: equals a linear scan on random logs whose times jitter within the tolerance (seeded)', async () => {
  let seed = 12345;
  const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let round = 0; round < 40; round++) {
    const n = 200 + Math.floor(rnd() * 6000);
    const rows: string[] = [];
    for (let i = 0; i < n; i++) {
      const kind = rnd();
      if (kind < 0.1) rows.push(`#${i} continuation without a time`);
      else if (kind < 0.12) rows.push('');
      else rows.push(`[${stamp(i * 2 + Math.floor((rnd() - 0.5) * 240))}] production.INFO: row ${i} ${'x'.repeat(Math.floor(rnd() * 200))}`);
    }
    const text = rows.join('\n') + '\n';
    const since = T0 + Math.floor(rnd() * n * 2 * 1000);
    const first = rows.findIndex((l) => (lineTime(l) ?? -Infinity) >= since);
    const want = first === -1 ? '' : rows.slice(first).join('\n') + '\n';
    const r = await search(text, since);
    assert.equal(r.rest, want, `round ${round}: n=${n}, first=${first}`);
  }
});
