import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandSource } from '../../../src/sources/commandSource';
import { CollectSink, sleep } from './collectSink';

test('streams stdout and stderr lines of a shell command and reports its exit', async () => {
  const sink = new CollectSink();
  const src = new CommandSource({ name: 'demo', command: "printf 'one\\ntwo\\n'; echo oops >&2; printf 'tail-no-newline'; exit 3", sink, shell: '/bin/sh' });
  await src.start();
  await sink.waitForCount(4);
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual([...sink.texts()].sort(), ['one', 'oops', 'tail-no-newline', 'two']);
  assert.equal(sink.lines[0]!.source, 'cmd:demo');
  assert.equal(src.status.state, 'failed');
  assert.match(src.status.message!, /status 3/);
  assert.deepEqual(sink.ended, ['cmd:demo']);
});

test('stop() ends the whole process group (a follow command and its children)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'oauthdbg-cmd-'));
  const pidFile = join(dir, 'child.pid');
  const sink = new CollectSink();
  // The shell starts a long-running child, like `docker logs -f` under `sh -c`.
  const src = new CommandSource({ name: 'follow', command: `sleep 300 & echo $! > '${pidFile}'; while :; do echo tick; sleep 0.05; done`, sink, shell: '/bin/sh' });
  await src.start();
  await sink.waitForCount(3);
  const childPid = Number(readFileSync(pidFile, 'utf8'));
  await src.stop();
  await sleep(100);
  // A zombie (ended, not yet reaped by PID 1 in a container) counts as ended.
  const state = spawnSync('ps', ['-o', 'stat=', '-p', String(childPid)], { encoding: 'utf8' }).stdout.trim();
  const alive = state !== '' && !state.startsWith('Z');
  assert.equal(alive, false, 'the background child was ended too');
  const n = sink.lines.length;
  await sleep(200);
  assert.equal(sink.lines.length, n, 'no lines after stop');
  assert.equal(src.status.state, 'stopped');
  rmSync(dir, { recursive: true });
});

test('a command that cannot start is a clear failure, not a crash', async () => {
  const sink = new CollectSink();
  const src = new CommandSource({ name: 'bad', command: 'definitely-not-a-command-xyz', sink, shell: '/bin/sh' });
  await src.start();
  await sink.waitFor(() => src.status.state === 'failed', 3000, 'failure');
  assert.match(src.status.message!, /status 127/);
});
