import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SshSource } from '../../../src/sources/sshSource';
import type { SshSourceOptions } from '../../../src/sources/sshSource';
import type { TailStatus } from '../../../src/sources/tailSource';
import { CollectSink, sleep } from '../tail/collectSink';

async function until(what: string, cond: () => boolean, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}
import { sinceLog } from '../tail/sinceLog';
import { sshdAvailable, startSshd } from './testSshd';
import type { TestSshd } from './testSshd';

/** "Start from a time" over a real sshd on 127.0.0.1: the server ships a byte window, the client cuts at T. */
describe('SSH source started from a time, against a real sshd', { skip: sshdAvailable() ? false : 'no /usr/sbin/sshd' }, () => {
  let sshd: TestSshd;
  const sources: SshSource[] = [];
  let n = 0;

  before(async () => {
    sshd = await startSshd();
  });
  after(async () => {
    await Promise.all(sources.map((s) => s.stop()));
    await sshd?.stop();
  });

  function source(path: string, extra: Partial<SshSourceOptions>): { src: SshSource; sink: CollectSink; statuses: TailStatus[] } {
    const sink = new CollectSink();
    const statuses: TailStatus[] = [];
    const src = new SshSource({ host: sshd.host, path, sink, sshArgs: sshd.sshArgs, backoff: { baseMs: 100, maxMs: 400 }, onStatus: (s) => statuses.push(s), ...extra });
    sources.push(src);
    return { src, sink, statuses };
  }

  function file(name = `since-${++n}.log`): string {
    const p = join(sshd.dir, 'logs', name);
    mkdirSync(dirname(p), { recursive: true });
    return p;
  }

  test('since 30 minutes ago: exactly the expected lines with the file\'s line numbers, then appends', async () => {
    const f = file();
    const log = sinceLog(Date.now());
    writeFileSync(f, log.text);
    const { src, sink, statuses } = source(f, { since: log.since });
    await src.start();
    assert.equal(src.status.state, 'following');
    await sink.waitForCount(log.expected.length);
    await sleep(200);
    assert.deepEqual(sink.texts(), log.expected);
    assert.equal(sink.lines[0]!.line, log.firstLine);
    assert.ok(!statuses.some((s) => s.code === 'backlog_capped' || s.code === 'no_timestamps'));
    appendFileSync(f, 'appended untimed\n[2001-01-01 00:00:00] production.INFO: appended old\n');
    await sink.waitForCount(log.expected.length + 2);
    assert.deepEqual(sink.texts().slice(-2), ['appended untimed', '[2001-01-01 00:00:00] production.INFO: appended old']);
    assert.equal(sink.lines.at(-1)!.line, log.totalLines + 2);
    await src.stop();
  });

  test('with a server-side filter, a byte cap and a file whose window starts mid-line', async () => {
    const f = file();
    const log = sinceLog(Date.now());
    writeFileSync(f, log.text);
    // ~15 entries, all inside the last 30 minutes; the window's first byte is inside a line.
    const bytes = Buffer.from(log.text);
    let cap = 1500;
    while (bytes[bytes.length - cap - 1] === 0x0a) cap++;
    const { src, sink, statuses } = source(f, { since: log.since, filter: 'state=|callback', maxBacklogBytes: cap });
    await src.start();
    await sink.waitFor((l) => l.length > 0, 5000, 'the capped backlog');
    await sleep(300);
    const tailOfFile = Buffer.from(log.text).subarray(-cap).toString();
    const whole = tailOfFile.slice(tailOfFile.indexOf('\n') + 1).split('\n').filter((l) => /state=|callback/i.test(l));
    assert.deepEqual(sink.texts(), whole, 'only whole, matching lines of the last 1500 bytes');
    assert.ok(statuses.some((s) => s.code === 'backlog_capped' && /backlog cap/.test(s.message ?? '')), JSON.stringify(statuses.map((s) => s.code)));
    await src.stop();
  });

  test('a time after every line: nothing from the file, then follows appends', async () => {
    const f = file();
    writeFileSync(f, sinceLog(Date.now()).text);
    const { src, sink } = source(f, { since: Date.now() + 3_600_000 });
    await src.start();
    await sleep(400);
    assert.deepEqual(sink.texts(), []);
    appendFileSync(f, 'first append\n');
    await sink.waitForCount(1);
    assert.deepEqual(sink.texts(), ['first append']);
    await src.stop();
  });

  test('a file without timestamps: nothing from the file and a note that says why, then appends', async () => {
    const f = file();
    writeFileSync(f, Array.from({ length: 500 }, (_, i) => `plain ${i}`).join('\n') + '\n');
    const { src, sink, statuses } = source(f, { since: Date.now() - 1_800_000 });
    await src.start();
    await sleep(400);
    assert.deepEqual(sink.texts(), []);
    assert.ok(statuses.some((s) => s.code === 'no_timestamps'), 'said once the whole backlog arrived, before any append');
    appendFileSync(f, 'plain new\n');
    await sink.waitForCount(1);
    assert.deepEqual(sink.texts(), ['plain new']);
    assert.ok(statuses.some((s) => s.code === 'no_timestamps'), JSON.stringify(statuses.map((s) => s.code)));
    await src.stop();
  });

  test('connection killed before any line qualified: after the reconnect no backlog line leaks, appends come in order', async () => {
    const f = file();
    const log = sinceLog(Date.now());
    writeFileSync(f, log.text);
    const { src, sink, statuses } = source(f, { since: Date.now() + 3_600_000 });
    await src.start();
    await sleep(300);
    for (const pid of sshd.sessionPids()) process.kill(pid, 'SIGKILL');
    appendFileSync(f, 'written while down 1\nwritten while down 2\n');
    await until('a reconnect', () => statuses.some((s) => s.state === 'reconnecting'));
    await sink.waitForCount(2, 10_000);
    appendFileSync(f, 'after the reconnect\n');
    await sink.waitForCount(3);
    await sleep(300);
    assert.deepEqual(sink.texts(), ['written while down 1', 'written while down 2', 'after the reconnect']);
    assert.deepEqual(sink.lines.map((l) => l.line), [log.totalLines + 1, log.totalLines + 2, log.totalLines + 3]);
    await src.stop();
  });

  test('a hostile file name with a start from a time: read literally, nothing injected', async () => {
    const pwned = join(sshd.dir, `pwned-${Date.now()}`);
    const f = file(`since $(touch ${pwned}) 'q';\`touch ${pwned}\`.log`);
    const log = sinceLog(Date.now());
    writeFileSync(f, log.text);
    const { src, sink } = source(f, { since: log.since });
    await src.start();
    await sink.waitForCount(log.expected.length);
    assert.deepEqual(sink.texts(), log.expected);
    const { existsSync } = await import('node:fs');
    assert.equal(existsSync(pwned), false);
    await src.stop();
  });
});
