import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync, openSync, writeSync, closeSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileTail } from '../../../src/sources/fileTail';
import { MAX_LINE_CHARS } from '../../../src/core/lines';
import { CollectSink, sleep } from './collectSink';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'oauthdbg-tail-'));
}

const seq = (from: number, to: number, p = 'line'): string[] => Array.from({ length: to - from + 1 }, (_, i) => `${p} ${from + i}`);

test('starts from the last N lines with absolute line numbers, then follows appends', async () => {
  const dir = tmp();
  const f = join(dir, 'laravel.log');
  writeFileSync(f, seq(1, 10).join('\n') + '\n');
  const sink = new CollectSink();
  const tail = new FileTail({ path: f, sink, initialLines: 3 });
  await tail.start();
  try {
    await sink.waitForCount(3);
    assert.deepEqual(sink.texts(), ['line 8', 'line 9', 'line 10']);
    assert.deepEqual(sink.lines.map((l) => l.line), [8, 9, 10]);
    const t0 = Date.now();
    appendFileSync(f, 'line 11\n');
    await sink.waitForCount(4);
    assert.ok(Date.now() - t0 < 400, `append arrived after ${Date.now() - t0} ms`);
    assert.equal(sink.lines[3]!.line, 11);
    assert.equal(sink.lines[3]!.source, f);
  } finally {
    await tail.stop();
  }
  assert.deepEqual(sink.ended, [f]);
  rmSync(dir, { recursive: true });
});

test('initialLines 0 delivers only new lines; a partial last line is held until its newline', async () => {
  const dir = tmp();
  const f = join(dir, 'app.log');
  writeFileSync(f, 'old 1\nold 2\npart');
  const sink = new CollectSink();
  const tail = new FileTail({ path: f, sink, initialLines: 0 });
  await tail.start();
  try {
    await sleep(150);
    assert.deepEqual(sink.texts(), []);
    appendFileSync(f, 'ial');
    await sleep(250);
    assert.deepEqual(sink.texts(), [], 'a line without newline must not be delivered');
    appendFileSync(f, ' done\r\nnext\n');
    await sink.waitForCount(2);
    assert.deepEqual(sink.texts(), ['partial done', 'next']);
  } finally {
    await tail.stop();
  }
  rmSync(dir, { recursive: true });
});

test('rotation by rename-and-create: no line lost or delivered twice', async () => {
  const dir = tmp();
  const f = join(dir, 'laravel.log');
  writeFileSync(f, '');
  const sink = new CollectSink();
  const tail = new FileTail({ path: f, sink, initialLines: 0, drainMs: 300 });
  await tail.start();
  try {
    // Writer keeps its descriptor open across the rename, as PHP-FPM workers do until they reopen.
    const fd = openSync(f, 'a');
    for (let i = 1; i <= 50; i++) writeSync(fd, `line ${i}\n`);
    renameSync(f, f + '.1');
    for (let i = 51; i <= 60; i++) writeSync(fd, `line ${i}\n`); // late writes to the old file
    closeSync(fd);
    writeFileSync(f, seq(61, 100).join('\n') + '\n');
    await sink.waitForCount(100);
    await sleep(300);
    assert.deepEqual([...sink.texts()].sort(), seq(1, 100).sort());
    assert.equal(sink.lines.length, 100);
    assert.deepEqual(sink.texts().slice(0, 50), seq(1, 50));
    assert.deepEqual(sink.texts().slice(60), seq(61, 100));
  } finally {
    await tail.stop();
  }
  rmSync(dir, { recursive: true });
});

test('rotation by copy-truncate: restarts at 0 without loss or duplication', async () => {
  const dir = tmp();
  const f = join(dir, 'laravel.log');
  writeFileSync(f, seq(1, 20).join('\n') + '\n');
  const sink = new CollectSink();
  const codes: string[] = [];
  const tail = new FileTail({ path: f, sink, initialLines: 1000, onStatus: (s) => s.code && codes.push(s.code) });
  await tail.start();
  try {
    await sink.waitForCount(20);
    copyFileSync(f, f + '.1');
    truncateSync(f, 0);
    appendFileSync(f, seq(21, 25).join('\n') + '\n');
    await sink.waitForCount(25);
    await sleep(200);
    assert.deepEqual(sink.texts(), seq(1, 25));
    assert.ok(codes.includes('truncated'), `status codes: ${codes.join(',')}`);
  } finally {
    await tail.stop();
  }
  rmSync(dir, { recursive: true });
});

test('copy-truncate refilled past the old offset between two looks is still noticed', async () => {
  const dir = tmp();
  const f = join(dir, 'app.log');
  writeFileSync(f, 'aaaa 1\naaaa 2\n');
  const sink = new CollectSink();
  // No watcher luck: a long poll interval and the truncation+refill done in one synchronous burst.
  const tail = new FileTail({ path: f, sink, initialLines: 10, pollIntervalMs: 300 });
  await tail.start();
  try {
    await sink.waitForCount(2);
    writeFileSync(f, 'bbbbbbbb 3\nbbbbbbbb 4\nbbbbbbbb 5\n'); // truncates and writes more than before
    await sink.waitForCount(5, 3000);
    await sleep(400);
    assert.deepEqual(sink.texts(), ['aaaa 1', 'aaaa 2', 'bbbbbbbb 3', 'bbbbbbbb 4', 'bbbbbbbb 5']);
  } finally {
    await tail.stop();
  }
  rmSync(dir, { recursive: true });
});

test('waits for a file that does not exist yet (and for its directory)', async () => {
  const dir = tmp();
  const f = join(dir, 'logs', 'late.log');
  const sink = new CollectSink();
  const states: string[] = [];
  const tail = new FileTail({ path: f, sink, initialLines: 5, pollIntervalMs: 100, onStatus: (s) => states.push(s.state) });
  await tail.start();
  try {
    assert.equal(tail.status.state, 'waiting');
    await sleep(200);
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'logs'));
    writeFileSync(f, 'first\nsecond\n');
    await sink.waitForCount(2);
    assert.deepEqual(sink.texts(), ['first', 'second'], 'a file that appears later is read from its start');
    assert.equal(tail.status.state, 'following');
  } finally {
    await tail.stop();
  }
  rmSync(dir, { recursive: true });
});

test('notices deletion, then follows the file when it is created again', async () => {
  const dir = tmp();
  const f = join(dir, 'app.log');
  writeFileSync(f, 'one\n');
  const sink = new CollectSink();
  const codes: string[] = [];
  const tail = new FileTail({ path: f, sink, initialLines: 5, drainMs: 100, onStatus: (s) => s.code && codes.push(s.code) });
  await tail.start();
  try {
    await sink.waitForCount(1);
    rmSync(f);
    await new Promise<void>((resolve, reject) => {
      const t0 = Date.now();
      const iv = setInterval(() => {
        if (tail.status.state === 'waiting') { clearInterval(iv); resolve(); }
        else if (Date.now() - t0 > 3000) { clearInterval(iv); reject(new Error(`state ${tail.status.state}`)); }
      }, 20);
    });
    assert.equal(tail.status.code, 'deleted');
    writeFileSync(f, 'two\n');
    await sink.waitForCount(2);
    assert.deepEqual(sink.texts(), ['one', 'two']);
  } finally {
    await tail.stop();
  }
  rmSync(dir, { recursive: true });
});

test('over-long lines are capped with truncated, memory stays bounded, next line intact', async () => {
  const dir = tmp();
  const f = join(dir, 'big.log');
  writeFileSync(f, '');
  const sink = new CollectSink();
  const tail = new FileTail({ path: f, sink, initialLines: 0 });
  await tail.start();
  try {
    const big = 'x'.repeat(3 * 1024 * 1024);
    appendFileSync(f, `${big}\nafter\n`);
    await sink.waitForCount(2);
    assert.equal(sink.lines[0]!.text.length, MAX_LINE_CHARS);
    assert.equal(sink.lines[0]!.truncated, true);
    assert.equal(sink.lines[1]!.text, 'after');
    assert.equal(sink.lines[1]!.truncated, undefined);
  } finally {
    await tail.stop();
  }
  rmSync(dir, { recursive: true });
});

test('exact sequence under concurrent appends with rotations of both kinds in between', async () => {
  const dir = tmp();
  const f = join(dir, 'busy.log');
  writeFileSync(f, '');
  const sink = new CollectSink();
  const tail = new FileTail({ path: f, sink, initialLines: 0, drainMs: 200 });
  await tail.start();
  const total = 3000;
  try {
    let i = 0;
    const writeSome = async (n: number): Promise<void> => {
      for (let k = 0; k < n; k++) {
        i++;
        appendFileSync(f, `msg ${i}\n`);
        if (i % 50 === 0) await sleep(1);
      }
    };
    await writeSome(1000);
    await sleep(50);
    await sink.waitForCount(1000); // copy-truncate loses what is written between copy and truncate: wait first, like logrotate's window
    copyFileSync(f, f + '.1');
    truncateSync(f, 0);
    await writeSome(1000);
    await sink.waitForCount(2000);
    renameSync(f, f + '.2');
    await writeSome(1000); // appendFileSync reopens: creates a new file
    await sink.waitForCount(total, 10_000);
    await sleep(300);
    assert.equal(sink.lines.length, total);
    assert.deepEqual(sink.texts(), Array.from({ length: total }, (_, k) => `msg ${k + 1}`));
    const nums = sink.lines.map((l) => l.line);
    assert.deepEqual(nums, Array.from({ length: total }, (_, k) => k + 1), 'line numbers keep rising across rotation');
  } finally {
    await tail.stop();
  }
  rmSync(dir, { recursive: true });
});

test('a separate writer process: every line exactly once, in order, partial writes reassembled', async () => {
  const dir = tmp();
  const f = join(dir, 'proc.log');
  writeFileSync(f, '');
  const sink = new CollectSink();
  const tail = new FileTail({ path: f, sink, initialLines: 0 });
  await tail.start();
  try {
    const { spawn } = await import('node:child_process');
    // awk writes in stdio-buffer-sized chunks, so lines are routinely split across reads.
    const child = spawn('sh', ['-c', `awk 'BEGIN { for (i = 1; i <= 20000; i++) printf "line %d %s\\n", i, (i % 7 == 0 ? "é€" : "") }' >> '${f}'`]);
    await new Promise((r) => child.on('exit', r));
    await sink.waitForCount(20000, 15_000);
    await sleep(200);
    assert.equal(sink.lines.length, 20000);
    sink.lines.forEach((l, i) => assert.equal(l.text, `line ${i + 1} ${(i + 1) % 7 === 0 ? 'é€' : ''}`));
  } finally {
    await tail.stop();
  }
  rmSync(dir, { recursive: true });
});

test('a directory is refused with a clear message', async () => {
  const dir = tmp();
  const tail = new FileTail({ path: dir, sink: new CollectSink() });
  await assert.rejects(tail.start(), /not a regular file/);
  await tail.stop();
  rmSync(dir, { recursive: true });
});

test('stop() releases watcher, timer and descriptors (the process can exit)', async () => {
  const dir = tmp();
  const f = join(dir, 'x.log');
  writeFileSync(f, 'a\n');
  const sink = new CollectSink();
  const tail = new FileTail({ path: f, sink });
  await tail.start();
  await tail.stop();
  await tail.stop();
  appendFileSync(f, 'b\n');
  await sleep(200);
  assert.deepEqual(sink.texts(), ['a']);
  assert.equal(tail.status.state, 'stopped');
  rmSync(dir, { recursive: true });
});
