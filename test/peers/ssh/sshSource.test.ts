import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, copyFileSync, existsSync, mkdirSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { SshSource } from '../../../src/sources/sshSource';
import type { SshSourceOptions } from '../../../src/sources/sshSource';
import type { TailStatus } from '../../../src/sources/tailSource';
import { MAX_LINE_CHARS } from '../../../src/core/lines';
import { CollectSink, sleep } from '../tail/collectSink';
import { sshdAvailable, startSshd } from './testSshd';
import type { TestSshd } from './testSshd';

const seq = (from: number, to: number, p = 'oauth line'): string[] => Array.from({ length: to - from + 1 }, (_, i) => `${p} ${from + i}`);
const lines = (from: number, to: number, p?: string): string => seq(from, to, p).join('\n') + '\n';

async function until(what: string, cond: () => boolean, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

describe('SSH source against a real sshd', { skip: sshdAvailable() ? false : 'no /usr/sbin/sshd' }, () => {
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

  function source(path: string, extra: Partial<SshSourceOptions> = {}): { src: SshSource; sink: CollectSink; statuses: TailStatus[] } {
    const sink = new CollectSink();
    const statuses: TailStatus[] = [];
    const src = new SshSource({
      host: sshd.host, path, sink, initialLines: 100, sshArgs: sshd.sshArgs,
      backoff: { baseMs: 100, maxMs: 400 }, onStatus: (s) => statuses.push(s), ...extra,
    });
    sources.push(src);
    return { src, sink, statuses };
  }

  function file(name = `app-${++n}.log`): string {
    const p = join(sshd.dir, 'logs', name);
    mkdirSync(dirname(p), { recursive: true });
    return p;
  }

  test('streams history and appends with file line numbers; stop leaves no remote process', async () => {
    const f = file();
    writeFileSync(f, lines(1, 5));
    const { src, sink } = source(f, { initialLines: 3 });
    await src.start();
    assert.equal(src.status.state, 'following');
    await sink.waitForCount(3);
    assert.deepEqual(sink.texts(), seq(3, 5));
    assert.deepEqual(sink.lines.map((l) => l.line), [3, 4, 5]);
    assert.equal(sink.lines[0]!.source, `ssh://testsshd${f}`);
    appendFileSync(f, lines(6, 8));
    await sink.waitForCount(6);
    assert.deepEqual(sink.texts(), seq(3, 8));
    await src.stop();
    await until('the remote session to end', () => sshd.sessionPids().length === 0, 5000);
    assert.deepEqual(sink.ended, [src.name]);
  });

  test('server-side filter: only matching lines cross, numbering is the file\'s', async () => {
    const f = file();
    writeFileSync(f, 'GET /health 200\n[2026-01-01] local.ERROR: OAuth invalid_grant\nGET /health 200\n');
    const { src, sink } = source(f, { filter: 'oauth|token' });
    await src.start();
    await sink.waitForCount(1);
    appendFileSync(f, 'noise\nPOST /oauth/TOKEN 400\nnoise\n');
    await sink.waitForCount(2);
    await sleep(200);
    assert.deepEqual(sink.lines.map((l) => [l.line, l.text]), [[2, '[2026-01-01] local.ERROR: OAuth invalid_grant'], [5, 'POST /oauth/TOKEN 400']]);
    await src.stop();
  });

  test('rotation by rename-and-create and by copy-truncate on the server: exact sequence', async () => {
    const f = file();
    writeFileSync(f, lines(1, 3));
    const { src, sink } = source(f);
    await src.start();
    await sink.waitForCount(3);
    appendFileSync(f, lines(4, 6));
    await sink.waitForCount(6);
    renameSync(f, f + '.1');
    writeFileSync(f, lines(7, 9));
    await sink.waitForCount(9);
    copyFileSync(f, f + '.2');
    truncateSync(f, 0);
    // GNU tail -F only sees a truncation if the file is shorter than its position when it looks;
    // a refill past that within microseconds is invisible to it (the local tail compares bytes
    // instead). Real writers come milliseconds later; so does this test.
    await sleep(150);
    appendFileSync(f, lines(10, 12));
    await sink.waitForCount(12);
    await sleep(300);
    assert.deepEqual(sink.texts(), seq(1, 12));
    assert.deepEqual(sink.lines.map((l) => l.line), Array.from({ length: 12 }, (_, i) => i + 1));
    await src.stop();
  });

  test('connection killed mid-stream → reconnects and resumes with no loss or duplication', async () => {
    const f = file();
    writeFileSync(f, lines(1, 5));
    const { src, sink, statuses } = source(f, { filter: 'oauth' });
    await src.start();
    await sink.waitForCount(5);
    appendFileSync(f, lines(6, 10) + 'unrelated\n');
    await sink.waitForCount(10);
    for (const pid of sshd.sessionPids()) process.kill(pid, 'SIGKILL');
    // Written while the connection is down.
    appendFileSync(f, lines(11, 20));
    await until('a reconnect', () => statuses.some((s) => s.state === 'reconnecting'));
    await sink.waitForCount(20, 10_000);
    appendFileSync(f, lines(21, 25));
    await sink.waitForCount(25);
    await sleep(300);
    assert.deepEqual(sink.texts(), seq(1, 25));
    assert.deepEqual(sink.lines.map((l) => l.line), [...Array.from({ length: 10 }, (_, i) => i + 1), ...Array.from({ length: 15 }, (_, i) => i + 12)]);
    assert.ok(statuses.some((s) => s.code === 'resumed'), 'status says it resumed');
    // Kill once more right after a burst, to resume from an offset inside the stream.
    appendFileSync(f, lines(26, 400));
    await sink.waitForCount(100);
    for (const pid of sshd.sessionPids()) process.kill(pid, 'SIGKILL');
    await sink.waitForCount(400, 15_000);
    await sleep(300);
    assert.deepEqual(sink.texts(), seq(1, 400));
    await src.stop();
    // Neither the dropped sessions nor the stopped one left a `tail` behind on the server.
    const remoteTails = (): string[] => spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).stdout.split('\n').filter((a) => a.startsWith('tail ') && a.includes(f));
    await until('remote tails to exit', () => remoteTails().length === 0, 5000);
  });

  test('file deleted on the server while disconnected → waits, then follows the new file from its start', async () => {
    const f = file();
    writeFileSync(f, lines(1, 3));
    const { src, sink, statuses } = source(f);
    await src.start();
    await sink.waitForCount(3);
    const { rmSync } = await import('node:fs');
    rmSync(f);
    for (const pid of sshd.sessionPids()) process.kill(pid, 'SIGKILL');
    await until('waiting for the file', () => statuses.some((s) => s.state === 'waiting' && s.code === 'file_missing'));
    writeFileSync(f, lines(4, 5));
    await sink.waitForCount(5, 10_000);
    assert.deepEqual(sink.texts(), seq(1, 5));
    assert.equal(src.status.state, 'following');
    await src.stop();
  });

  test('unknown host key is refused with the command to add it', async () => {
    const kh = join(sshd.dir, 'empty_known_hosts');
    writeFileSync(kh, '');
    const f = file();
    writeFileSync(f, 'x\n');
    const { src, sink } = source(f, { sshArgs: ['-F', sshd.clientConfig, '-o', `UserKnownHostsFile=${kh}`] });
    await src.start();
    assert.equal(src.status.state, 'failed');
    assert.equal(src.lastError?.kind, 'host_key_unknown');
    assert.equal(src.lastError?.fix, `ssh-keyscan -p ${sshd.port} '127.0.0.1' >> ~/.ssh/known_hosts`);
    assert.equal(sink.lines.length, 0);
    assert.equal(spawnSync('cat', [kh], { encoding: 'utf8' }).stdout, '', 'the key was not added');
  });

  test('changed host key is refused; the fix is ssh\'s own ssh-keygen -R', async () => {
    const kh = join(sshd.dir, 'wrong_known_hosts');
    writeFileSync(kh, `[127.0.0.1]:${sshd.port} ${sshd.otherHostPub}\n`);
    const f = file();
    writeFileSync(f, 'x\n');
    const { src } = source(f, { sshArgs: ['-F', sshd.clientConfig, '-o', `UserKnownHostsFile=${kh}`] });
    await src.start();
    assert.equal(src.lastError?.kind, 'host_key_changed');
    assert.match(src.lastError!.fix!, new RegExp(`ssh-keygen -f "${kh}" -R "\\[127\\.0\\.0\\.1\\]:${sshd.port}"`));
    assert.match(src.lastError!.message, /CHANGED/);
  });

  test('a key the server does not accept → authentication error, no retry', async () => {
    const f = file();
    writeFileSync(f, 'x\n');
    // A client config that offers a key the server does not know.
    const cfg = join(sshd.dir, 'stranger_config');
    writeFileSync(cfg, spawnSync('cat', [sshd.clientConfig], { encoding: 'utf8' }).stdout.replace(/user_ed25519/, 'stranger_ed25519'));
    const { src: s2 } = source(f, { sshArgs: ['-F', cfg, '-o', `UserKnownHostsFile=${sshd.knownHosts}`] });
    await s2.start();
    assert.equal(s2.lastError?.kind, 'auth_failed');
    assert.equal(s2.status.state, 'failed');
  });

  test('unknown host name → host_unknown', async () => {
    const { src } = source('/var/log/x.log', { host: 'no-such-host.invalid', sshArgs: ['-F', '/dev/null', '-o', `UserKnownHostsFile=${sshd.knownHosts}`] });
    await src.start();
    assert.equal(src.lastError?.kind, 'host_unknown');
  });

  test('missing file and permission denied are reported as such', async () => {
    const { src } = source(join(sshd.dir, 'logs', 'nope.log'));
    await src.start();
    assert.equal(src.lastError?.kind, 'file_missing');

    // Root reads everything, so as root a second server drops the session to `nobody` first
    // (ForceCommand + setpriv), which is what a real non-root SSH user is.
    const asRoot = process.getuid?.() === 0;
    const secret = file('secret.log');
    writeFileSync(secret, 'x\n');
    chmodSync(secret, asRoot ? 0o600 : 0o000);
    const denied = asRoot ? await startSshd({ extraConfig: ['ForceCommand setpriv --reuid=65534 --regid=65534 --clear-groups sh -c "$SSH_ORIGINAL_COMMAND"'] }) : sshd;
    try {
      const { src: s2 } = source(secret, { host: denied.host, sshArgs: denied.sshArgs });
      await s2.start();
      assert.equal(s2.lastError?.kind, 'permission_denied', s2.status.message);
      assert.match(s2.lastError!.message, /cannot read the log file/);
    } finally {
      if (denied !== sshd) await denied.stop();
    }
  });

  test('hostile file name works and injects nothing', async () => {
    const marker = `/tmp/pwned-${process.pid}-${Date.now()}`;
    const f = file(`a b'c;$(touch ${marker})\`touch ${marker}\`\\d\n$HOME.log`);
    mkdirSync(dirname(f), { recursive: true });
    writeFileSync(f, 'oauth 1\n');
    const { src, sink } = source(f, { filter: `oauth|$(touch ${marker})` });
    await src.start();
    await sink.waitForCount(1);
    appendFileSync(f, 'oauth 2\n');
    await sink.waitForCount(2);
    assert.deepEqual(sink.texts(), ['oauth 1', 'oauth 2']);
    assert.equal(existsSync(marker), false, 'no command in the path or filter ran');
    await src.stop();
  });

  test('a 10 MB line is capped, not fatal; the stream goes on', async () => {
    const f = file();
    writeFileSync(f, '');
    const { src, sink } = source(f);
    await src.start();
    appendFileSync(f, 'before\n' + 'z'.repeat(10 * 1024 * 1024) + '\nafter\n');
    await sink.waitForCount(3, 15_000);
    assert.equal(sink.lines[1]!.text.length, MAX_LINE_CHARS);
    assert.equal(sink.lines[1]!.truncated, true);
    assert.deepEqual([sink.lines[0]!.text, sink.lines[2]!.text], ['before', 'after']);
    appendFileSync(f, 'still here\n');
    await sink.waitForCount(4);
    // Resume bookkeeping counted the whole 10 MB line: a reconnect resumes after it.
    for (const pid of sshd.sessionPids()) process.kill(pid, 'SIGKILL');
    appendFileSync(f, 'after reconnect\n');
    await sink.waitForCount(5, 10_000);
    await sleep(200);
    assert.deepEqual(sink.texts().slice(2), ['after', 'still here', 'after reconnect']);
    await src.stop();
  });
});

describe('SSH source: server without tail', { skip: sshdAvailable() ? false : 'no /usr/sbin/sshd' }, () => {
  test('"tail not available" is reported', async () => {
    // A PATH with sh and the basics but no tail (sshd's SetEnv overrides the session PATH).
    const { mkdtempSync, symlinkSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const bin = mkdtempSync(join(tmpdir(), 'oauthdbg-bin-'));
    chmodSync(bin, 0o755);
    for (const t of ['sh', 'cat', 'grep', 'stat', 'head', 'wc', 'tr', 'bash']) {
      const p = spawnSync('sh', ['-c', `command -v ${t}`], { encoding: 'utf8' }).stdout.trim();
      if (p) symlinkSync(p, join(bin, t));
    }
    const sshd = await startSshd({ extraConfig: [`SetEnv PATH=${bin}`] });
    try {
      const f = join(sshd.dir, 'x.log');
      writeFileSync(f, 'x\n');
      const sink = new CollectSink();
      const src = new SshSource({ host: sshd.host, path: f, sink, sshArgs: sshd.sshArgs });
      await src.start();
      assert.equal(src.lastError?.kind, 'tail_missing', src.status.message);
      await src.stop();
    } finally {
      await sshd.stop();
    }
  });
});
