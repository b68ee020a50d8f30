import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileTail } from '../../../src/sources/fileTail';
import type { TailStatus } from '../../../src/sources/tailSource';
import { CollectSink, sleep } from './collectSink';
import { sinceLog } from './sinceLog';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'oauthdbg-since-'));
}

test('since 30 minutes ago: exactly the lines at or after T (with their continuation lines), absolute line numbers, then appends', async () => {
  const dir = tmp();
  const f = join(dir, 'laravel.log');
  const log = sinceLog(Date.now());
  writeFileSync(f, log.text);
  const sink = new CollectSink();
  const statuses: TailStatus[] = [];
  const tail = new FileTail({ path: f, sink, since: log.since, onStatus: (s) => statuses.push(s) });
  await tail.start();
  try {
    await sink.waitForCount(log.expected.length);
    await sleep(150);
    assert.deepEqual(sink.texts(), log.expected);
    assert.equal(sink.lines[0]!.line, log.firstLine, 'line numbers are the file\'s');
    assert.ok(!statuses.some((s) => s.code === 'backlog_capped' || s.code === 'no_timestamps'), JSON.stringify(statuses));
    appendFileSync(f, 'appended without a time\n[2001-01-01 00:00:00] production.INFO: appended with an old time\n');
    await sink.waitForCount(log.expected.length + 2);
    assert.deepEqual(sink.texts().slice(-2), ['appended without a time', '[2001-01-01 00:00:00] production.INFO: appended with an old time'], 'appends always pass, whatever their time');
    // Rotation semantics are unchanged after a start from a time.
    renameSync(f, f + '.1');
    writeFileSync(f, 'new file line\n');
    await sink.waitForCount(log.expected.length + 3);
    assert.equal(sink.texts().at(-1), 'new file line');
  } finally {
    await tail.stop();
  }
  rmSync(dir, { recursive: true });
});

test('since a time after every line: nothing from the file, then follows appends', async () => {
  const dir = tmp();
  const f = join(dir, 'laravel.log');
  const log = sinceLog(Date.now());
  writeFileSync(f, log.text);
  const sink = new CollectSink();
  const tail = new FileTail({ path: f, sink, since: Date.now() + 3_600_000 });
  await tail.start();
  try {
    await sleep(300);
    assert.deepEqual(sink.texts(), []);
    assert.equal(tail.status.state, 'following');
    appendFileSync(f, 'first append\n');
    await sink.waitForCount(1);
    assert.deepEqual(sink.texts(), ['first append']);
    assert.equal(sink.lines[0]!.line, log.totalLines + 1);
  } finally {
    await tail.stop();
  }
  rmSync(dir, { recursive: true });
});

test('a file without timestamps: nothing from the file, a note that says why, then follows appends', async () => {
  const dir = tmp();
  const f = join(dir, 'plain.log');
  writeFileSync(f, Array.from({ length: 5000 }, (_, i) => `plain ${i}`).join('\n') + '\n');
  const sink = new CollectSink();
  const tail = new FileTail({ path: f, sink, since: Date.now() - 1_800_000 });
  await tail.start();
  try {
    assert.equal(tail.status.code, 'no_timestamps');
    assert.match(tail.status.message ?? '', /no timestamps/);
    await sleep(200);
    assert.deepEqual(sink.texts(), []);
    appendFileSync(f, 'plain new\n');
    await sink.waitForCount(1);
    assert.deepEqual(sink.texts(), ['plain new']);
  } finally {
    await tail.stop();
  }
  rmSync(dir, { recursive: true });
});

test('the backlog cap: a start from a time never delivers more than the cap, and says so', async () => {
  const dir = tmp();
  const f = join(dir, 'laravel.log');
  const log = sinceLog(Date.now());
  writeFileSync(f, log.text);
  const sink = new CollectSink();
  const tail = new FileTail({ path: f, sink, since: log.since, maxBacklogBytes: 2048 });
  await tail.start();
  try {
    assert.equal(tail.status.code, 'backlog_capped');
    assert.match(tail.status.message ?? '', /2 KiB backlog cap/);
    await sleep(300);
    const bytes = sink.texts().reduce((n, t) => n + Buffer.byteLength(t) + 1, 0);
    assert.ok(bytes <= 2048 && bytes > 1024, `${bytes} bytes delivered`);
    assert.deepEqual(sink.texts(), log.expected.slice(-sink.lines.length), 'the newest lines, whole');
  } finally {
    await tail.stop();
  }
  rmSync(dir, { recursive: true });
});

test('a big log: the start is found by reading a small part of it', async () => {
  const dir = tmp();
  const f = join(dir, 'big.log');
  const now = Date.now();
  // ~9 MB over 5.5 hours, one line every 100 ms.
  const chunks: string[] = [];
  const n = 200_000;
  const t0 = now - n * 100;
  for (let i = 0; i < n; i++) chunks.push(`[${new Date(t0 + i * 100).toISOString().replace('T', ' ').slice(0, 19)}] production.INFO: GET /api/${i}\n`);
  writeFileSync(f, chunks.join(''));
  const sink = new CollectSink();
  const since = now - 60_000; // the last minute: ~600 lines
  const started = process.cpuUsage();
  const tail = new FileTail({ path: f, sink, since });
  await tail.start();
  try {
    const cpu = process.cpuUsage(started);
    await sink.waitFor((l) => l.length >= 590, 5000, 'the last minute');
    await sleep(200);
    const first = sink.lines[0]!;
    assert.ok(first.text >= `[${new Date(since).toISOString().replace('T', ' ').slice(0, 19)}]`, first.text);
    assert.ok(sink.lines.length <= 610, `${sink.lines.length} lines`);
    assert.ok((cpu.user + cpu.system) / 1000 < 1000, `start took ${(cpu.user + cpu.system) / 1000} ms CPU`);
  } finally {
    await tail.stop();
  }
  rmSync(dir, { recursive: true });
});
