import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildRemoteCommand, buildRemoteTailScript, RemoteTailDecoder } from '../../../src/core/tail/remoteTail';
import type { RemoteTailEvent } from '../../../src/core/tail/remoteTail';

function feed(d: RemoteTailDecoder, raw: string): void {
  for (const l of raw.split('\n').slice(0, -1)) d.push(l, Buffer.byteLength(l) + 1, false);
}

test('decoder: header, grep-prefixed lines, resume offsets and line numbers', () => {
  const ev: RemoteTailEvent[] = [];
  const d = new RemoteTailDecoder((e) => ev.push(e));
  d.connectionStarted();
  // File had 10 lines before byte 120; the stream then carries two matched lines (one filtered out in between).
  feed(d, '@@OAUTHDBG 1 initial 2049:77 160 120 10 0\n1:0:oauth a\n3:22:oauth é\n');
  const lines = ev.filter((e) => e.type === 'line');
  assert.deepEqual(lines.map((l) => l.type === 'line' && [l.line, l.text]), [[11, 'oauth a'], [13, 'oauth é']]);
  // 'oauth é' is 8 bytes + newline at stream offset 22 → end 31 → file offset 151.
  assert.deepEqual(d.resume, { id: '2049:77', offset: 151, fileLine: 13 });
});

test('decoder: a rotation notice starts a new generation at offset 0 with id unknown', () => {
  const ev: RemoteTailEvent[] = [];
  const d = new RemoteTailDecoder((e) => ev.push(e));
  d.connectionStarted();
  const notice = "tail: 'x.log' has been replaced;  following new file";
  feed(d, `@@OAUTHDBG 1 initial 1:2 10 0 0 0\n1:0:a\n2:2:b\n3:4:${notice}\n4:${4 + notice.length + 1}:c\n`);
  assert.deepEqual(d.resume, { id: '?', offset: 2, fileLine: 1 });
  assert.deepEqual(ev.filter((e) => e.type === 'line').map((e) => e.type === 'line' && e.line), [1, 2, 3]);
  assert.ok(ev.some((e) => e.type === 'notice' && e.kind === 'replaced'));
  // Reconnect: the server adopts the new file and resumes; numbering continues.
  d.connectionStarted();
  feed(d, '@@OAUTHDBG 1 resume 1:9 4 2 1 0\n1:0:d\n');
  assert.equal((ev.at(-1) as { line: number }).line, 4);
  assert.deepEqual(d.resume, { id: '1:9', offset: 4, fileLine: 2 });
});

test('decoder: "inaccessible" then "appeared" (rename seen as two events) keeps numbers and offsets exact', () => {
  const ev: RemoteTailEvent[] = [];
  const d = new RemoteTailDecoder((e) => ev.push(e));
  d.connectionStarted();
  const gone = "tail: 'x.log' has become inaccessible: No such file or directory";
  const back = "tail: 'x.log' has appeared;  following new file";
  let off = 0;
  const rows: string[] = [];
  const add = (t: string): void => {
    rows.push(`${rows.length + 1}:${off}:${t}`);
    off += Buffer.byteLength(t) + 1;
  };
  add('a'); add(gone); add('b'); add(back); add('c'); add(gone); add('dd');
  feed(d, `@@OAUTHDBG 1 initial 1:2 0 0 0 0\n${rows.join('\n')}\n`);
  const got = ev.filter((e) => e.type === 'line').map((e) => e.type === 'line' && [e.line, e.text]);
  assert.deepEqual(got, [[1, 'a'], [2, 'b'], [3, 'c'], [4, 'dd']]);
  // New generation after "appeared": 'c\n' + 'dd\n' = 5 bytes, 2 lines; the second notice is not file content.
  assert.deepEqual(d.resume, { id: '?', offset: 5, fileLine: 2 });
});

test('decoder: truncation keeps the id; skip flag drops a cut first line; banners before the header are ignored', () => {
  const ev: RemoteTailEvent[] = [];
  const d = new RemoteTailDecoder((e) => ev.push(e));
  d.connectionStarted();
  feed(d, 'Welcome to prod!\n@@OAUTHDBG 1 initial 1:2 900000 800000 -1 1\n1:0:cut-off tail of a line\n2:25:whole\n3:31:tail: x.log: file truncated\n4:59:fresh\n');
  assert.deepEqual(ev.filter((e) => e.type === 'line').map((e) => e.type === 'line' && e.text), ['whole', 'fresh']);
  assert.deepEqual(d.resume, { id: '1:2', offset: 6, fileLine: 1 });
});

test('script: hostile path and filter are literal; no injection when run by a real sh', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oauthdbg-rt-'));
  const pwned = `/tmp/pwned-${process.pid}-${Date.now()}`;
  // As in the issue: the `/` inside `$(…)` makes part of it directories.
  const path = join(dir, `a b'c;$(touch ${pwned})\`touch ${pwned}\`d\n.log`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, 'x 1\noauth 2\n');
  const script = buildRemoteTailScript({ path, initialLines: 10, filter: `oauth|$(touch ${pwned})` });
  // Run the header part only: replace the follow with a one-shot by giving sh a closed stdin and a short timeout.
  // Through a login shell, as ssh runs it; stdin closed so the watchdog ends the run at once.
  const r = spawnSync('bash', ['-c', buildRemoteCommand({ path, initialLines: 10, filter: `oauth|$(touch ${pwned})` })], { input: '', encoding: 'utf8', timeout: 3000 });
  const r2 = spawnSync('sh', ['-c', script], { input: '', encoding: 'utf8', timeout: 3000 });
  assert.equal(r2.stdout, r.stdout);
  assert.match(r.stdout, /^@@OAUTHDBG 1 initial \S+ 12 0 0 0\n/);
  assert.match(r.stdout, /2:4:oauth 2/);
  assert.doesNotMatch(r.stdout, /x 1/);
  assert.equal(existsSync(pwned), false, 'nothing was executed from the path or the filter');
  rmSync(dir, { recursive: true });
});

test('script: missing file, directory and bad filter report their markers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oauthdbg-rt-'));
  const run = (path: string, filter?: string): string => spawnSync('sh', ['-c', buildRemoteTailScript({ path, initialLines: 1, filter })], { input: '', encoding: 'utf8', timeout: 3000 }).stderr;
  assert.match(run(join(dir, 'nope.log')), /@@OAUTHDBG-ERR missing/);
  assert.match(run(dir), /@@OAUTHDBG-ERR not-a-file/);
  writeFileSync(join(dir, 'f.log'), 'a\n');
  assert.match(run(join(dir, 'f.log'), '(unclosed'), /@@OAUTHDBG-ERR bad-filter/);
  rmSync(dir, { recursive: true });
});

test('script: a byte window (start from a time) ships only the last c bytes, from a line boundary; hostile path stays literal', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oauthdbg-rt-'));
  const pwned = `/tmp/pwned-since-${process.pid}-${Date.now()}`;
  const path = join(dir, `since $(touch ${pwned}) 'q' \`touch ${pwned}\`;.log`);
  const body = Array.from({ length: 100 }, (_, i) => `row ${String(i).padStart(3, '0')}`).join('\n') + '\n'; // 8 bytes a line
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, body);
  const run = (c: number): string => spawnSync('bash', ['-c', buildRemoteCommand({ path, initialLines: 5, backlogBytes: c })], { input: '', encoding: 'utf8', timeout: 3000 }).stdout;
  // 24 bytes = exactly three whole lines: nothing to skip.
  const whole = run(24);
  assert.match(whole, /^@@OAUTHDBG 1 initial \S+ 800 776 97 0\n/);
  assert.match(whole, /1:0:row 097\n2:8:row 098\n3:16:row 099\n/);
  // 20 bytes: the window starts inside a line: the skip flag is set and that line is the stream's first.
  const cut = run(20);
  assert.match(cut, /^@@OAUTHDBG 1 initial \S+ 800 780 97 1\n1:0:097\n2:4:row 098\n/);
  // A window bigger than the file: all of it.
  assert.match(run(1 << 20), /^@@OAUTHDBG 1 initial \S+ 800 0 0 0\n1:0:row 000\n/);
  assert.equal(existsSync(pwned), false, 'nothing was executed from the path');
  // The cap is a plain number in the script; the path only appears single-quoted.
  const script = buildRemoteTailScript({ path, initialLines: 5, backlogBytes: 4096.7 });
  assert.match(script, /; c=4096; /);
  assert.ok(script.includes(`p='${path.replace(/'/g, `'\\''`)}'`));
  rmSync(dir, { recursive: true });
});

test('decoder: lines are marked backlog up to the first connection\'s size, across a resume, not after a rotation', () => {
  const ev: RemoteTailEvent[] = [];
  const d = new RemoteTailDecoder((e) => ev.push(e));
  d.connectionStarted();
  // Window from 776 of an 800-byte file: three 8-byte lines are backlog, then an append.
  feed(d, '@@OAUTHDBG 1 initial 1:2 800 776 97 0\n1:0:row 097\n2:8:row 098\n');
  d.connectionStarted();
  feed(d, '@@OAUTHDBG 1 resume 1:2 800 792 99 0\n1:0:row 099\n2:8:row 100\n');
  const notice = "tail: 'x.log' has been replaced;  following new file";
  feed(d, `3:16:${notice}\n4:${16 + notice.length + 1}:new 1\n`);
  const got = ev.filter((e) => e.type === 'line').map((e) => e.type === 'line' && [e.text, e.backlog]);
  assert.deepEqual(got, [['row 097', true], ['row 098', true], ['row 099', true], ['row 100', false], ['new 1', false]]);
  assert.deepEqual(ev.filter((e) => e.type === 'line' && e.backlogDone).map((e) => e.type === 'line' && e.text), ['row 099'], 'the line ending at the first size closes the backlog');
});

test('decoder: with a filter, the skip flag drops only a cut line at stream offset 0, not the first line that passes', () => {
  const ev: RemoteTailEvent[] = [];
  const d = new RemoteTailDecoder((e) => ev.push(e));
  d.connectionStarted();
  feed(d, '@@OAUTHDBG 1 initial 1:2 800 780 -1 1\n2:4:oauth whole line\n');
  assert.deepEqual(ev.filter((e) => e.type === 'line').map((e) => e.type === 'line' && e.text), ['oauth whole line']);
});
