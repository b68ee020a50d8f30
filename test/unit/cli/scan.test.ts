/**
 * `oauth-diagnose scan` end to end: a real process on real fixture files (through tsx, so the
 * test needs no build), exit codes, the JSON contract, the human report, input errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseDuration, parseSince } from '../../../src/cli/scanCommand';

function scan(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'scan', ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const F = 'test/fixtures/logs/';

test('healthy log: exit 0, flows as timelines, "No problems found."', () => {
  const r = scan(F + 'laravel/healthy-flow.log');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /authorize ✓ {2}consent ✓/);
  assert.match(r.out, /No problems found\./);
});

test('failing logs: exit 1; --json has the contract shape; two logs given together', () => {
  const r = scan('demo/example-logs/laravel.log', 'demo/example-logs/access.log', '--json');
  assert.equal(r.code, 1, r.err);
  const j = JSON.parse(r.out) as { flows: { id: string; stages: unknown[] }[]; findings: Record<string, unknown>[]; notes: string[]; stats: { lines: number } };
  assert.ok(j.flows.length >= 4);
  assert.equal(j.flows[0]!.stages.length, 8);
  const f = j.findings.find((x) => x.id === 'redirect_uri_mismatch')!;
  for (const key of ['id', 'severity', 'stage', 'flowId', 'evidence', 'detail', 'fix']) assert.ok(key in f, `${key} missing`);
  assert.ok(Array.isArray(f.fix) && (f.fix as string[]).length >= 3);
  assert.ok((f.evidence as { file: string; line: number }[]).every((e) => typeof e.file === 'string' && Number.isInteger(e.line)));
  assert.deepEqual(j.findings.map((x) => x.id).sort(), ['code_expired', 'flow_abandoned_at_authorize', 'pkce_mismatch', 'redirect_uri_mismatch']);
  assert.ok(j.stats.lines > 100);
});

test('human report: findings with file:line evidence and numbered fix steps', () => {
  const r = scan(F + 'laravel/code-expired.log');
  assert.equal(r.code, 1);
  assert.match(r.out, /ERROR code_expired – .*\[token, flow-\d+\]/);
  assert.match(r.out, /75 s after it was issued/);
  assert.match(r.out, /evidence: test\/fixtures\/logs\/laravel\/code-expired\.log:\d+/);
  assert.match(r.out, /\n {4}1\. .+\n {4}2\. /);
});

test('--code-ttl changes the verdict; --since drops older events', () => {
  const ten = scan(F + 'laravel/code-expired.log', '--code-ttl', '10m', '--json');
  assert.ok(!(JSON.parse(ten.out) as { findings: { id: string }[] }).findings.some((f) => f.id === 'code_expired'));
  const late = scan(F + 'laravel/code-expired.log', '--since', '2024-01-16T00:00:00Z', '--json');
  assert.equal(late.code, 0);
  const j = JSON.parse(late.out) as { flows: unknown[]; notes: string[] };
  assert.equal(j.flows.length, 0);
  assert.ok(j.notes.some((n) => /before --since/.test(n)));
});

test('usage and input errors: exit 2 with one line on stderr', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oauth-scan-'));
  try {
    for (const [args, re] of [
      [[join(dir, 'nope.log')], /no such file/],
      [[dir], /is a directory/],
      [[], /at least one log file/],
      [['--bogus', 'x.log'], /unknown option '--bogus'/],
      [['--code-ttl', 'soon', F + 'laravel/code-expired.log'], /not a duration/],
      [['--since', 'yesterday-ish', F + 'laravel/code-expired.log'], /not a time/],
    ] as [string[], RegExp][]) {
      const r = scan(...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.out}`);
      assert.match(r.err, re);
      assert.equal(r.err.trim().split('\n').length, 1);
      assert.equal(r.out, '');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('binary and empty files give notes, not crashes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oauth-scan-'));
  try {
    const bin = join(dir, 'x.log');
    writeFileSync(bin, Buffer.concat([Buffer.from('oauth\0\0\x01binary token\n'.repeat(12)), Buffer.from([0xc3, 0x28, 0x0a])]));
    const empty = join(dir, 'empty.log');
    writeFileSync(empty, '');
    const long = join(dir, 'long.log');
    writeFileSync(long, `${'x'.repeat(100_000)}\nPOST /oauth/token ${'y'.repeat(70_000)}\n`);
    const r = scan(bin, empty, long, '--json');
    assert.equal(r.code, 0, r.err);
    const notes = (JSON.parse(r.out) as { notes: string[] }).notes;
    assert.ok(notes.includes(`2 lines in ${long} longer than 64 KiB, cut at that length`), notes.join(' | '));
    assert.ok(notes.includes(`13 lines skipped in ${bin}: not text (binary data or invalid UTF-8)`), notes.join(' | '));
    assert.ok(notes.includes(`${empty} is empty`), notes.join(' | '));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('durations and times for the options', () => {
  assert.equal(parseDuration('60s'), 60);
  assert.equal(parseDuration('10m'), 600);
  assert.equal(parseDuration('90'), 90);
  assert.equal(parseDuration('1h'), 3600);
  assert.equal(parseDuration('-5s'), undefined);
  assert.equal(parseSince('2024-01-15 10:00'), Date.parse('2024-01-15T10:00Z'));
  assert.equal(parseSince('2h', 10_000_000), 10_000_000 - 7_200_000);
  assert.equal(parseSince('2024-01-15T10:00:00+02:00'), Date.parse('2024-01-15T08:00:00Z'));
});

test('- reads standard input: a piped log is scanned like a file, alone or next to files', () => {
  const piped = (args: string[], input: string): { code: number | null; out: string; err: string } => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'scan', ...args], { encoding: 'utf8', input });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  const access = readFileSync('demo/example-logs/access.log', 'utf8');
  const alone = piped(['-', '--json'], access);
  assert.equal(alone.code, 0, alone.err);
  const a = JSON.parse(alone.out) as { findings: { id: string; evidence: { file: string; line: number }[] }[]; stats: { lines: number } };
  assert.equal(a.stats.lines, access.split('\n').length - 1);
  const file = JSON.parse(scan('demo/example-logs/access.log', '--json').out) as typeof a;
  const shown = (d: typeof a, name: string): string[] => d.findings.map((f) => `${f.id} ${f.evidence.map((e) => `${e.file === name ? 'LOG' : e.file}:${e.line}`).join(',')}`);
  assert.deepEqual(shown(a, 'stdin'), shown(file, 'demo/example-logs/access.log'));
  assert.ok(a.findings.length > 0);
  // With the app log as a file: the same findings as both files given by name, the nginx lines named stdin.
  const both = piped(['demo/example-logs/laravel.log', '-', '--json'], access);
  const byName = scan('demo/example-logs/laravel.log', 'demo/example-logs/access.log', '--json');
  const ids = (out: string): string[] => (JSON.parse(out) as { findings: { id: string }[] }).findings.map((f) => f.id).sort();
  assert.deepEqual(ids(both.out), ids(byName.out));
  assert.match(both.out, /"file":"stdin","line":188/);
  // Empty input: exit 0 with a note, not an error.
  const empty = piped(['-'], '');
  assert.equal(empty.code, 0, empty.err);
  assert.match(empty.out, /stdin is empty/);
});

test('a gzip-compressed rotated log is read as it is; a truncated one keeps the lines before the damage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oauth-gz-'));
  try {
    const plain = 'demo/example-logs/access.log';
    const gz = join(dir, 'access.log.2.gz');
    writeFileSync(gz, gzipSync(readFileSync(plain)));
    const a = scan('demo/example-logs/laravel.log', gz, '--json');
    const b = scan('demo/example-logs/laravel.log', plain, '--json');
    const shown = (out: string, name: string): string[] =>
      (JSON.parse(out) as { findings: { id: string; evidence: { file: string; line: number }[] }[] }).findings.map((f) => `${f.id} ${f.evidence.map((e) => `${e.file === name ? 'NGINX' : e.file}:${e.line}`).join(',')}`);
    assert.equal(a.code, b.code, a.err);
    assert.deepEqual(shown(a.out, gz), shown(b.out, plain));
    // Cut in the middle: a clear message on stderr, the lines before it diagnosed, no input error.
    const cut = join(dir, 'cut.log.gz');
    writeFileSync(cut, readFileSync(gz).subarray(0, 3000));
    const c = scan(cut, '--json');
    assert.notEqual(c.code, 2, c.err);
    assert.match(c.err, /cut\.log\.gz: the compressed data stops after line \d+/);
    assert.ok((JSON.parse(c.out) as { stats: { lines: number } }).stats.lines > 50);
    // gzip's magic bytes and nothing readable after them: an input error with a one-line message.
    const bad = join(dir, 'bad.log.gz');
    writeFileSync(bad, Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from('not really gzip')]));
    const d = scan(bad);
    assert.equal(d.code, 2);
    assert.match(d.err, /^oauth-diagnose scan: .*bad\.log\.gz: not readable as gzip data \(.+\)\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
