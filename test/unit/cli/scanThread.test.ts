/**
 * Big inputs are scanned in a thread with its own heap limits, read by a reader thread, gated by
 * the SIMD module (and, for very big files or when forced, parsed in the reader thread): the
 * bundled CLI (as the build makes it) must give the same report and exit code in every mode –
 * thread, reader thread parsing, main thread only, and the fallback after the thread runs out of
 * memory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const root = join(__dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'oauth-scan-thread-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

let bundled: Promise<string> | undefined;
/** The CLI bundles as the build makes them (built once for the tests here). */
function bundle(): Promise<string> {
  return (bundled ??= build());
}

async function build(): Promise<string> {
  const esbuild = await import('esbuild');
  const { compileWat } = await import('../../../scripts/wat.mjs');
  const common = { bundle: true, platform: 'node' as const, format: 'cjs' as const, target: 'node20', logLevel: 'silent' as const, define: { __VERSION__: '"test"' } };
  await Promise.all([
    esbuild.build({ ...common, entryPoints: [join(root, 'src/cli/index.ts')], outfile: join(dir, 'cli.js') }),
    esbuild.build({ ...common, entryPoints: [join(root, 'src/cli/fileLinesWorker.ts')], outfile: join(dir, 'fileLinesWorker.js') }),
    esbuild.build({ ...common, entryPoints: [join(root, 'src/cli/scanThread.ts')], outfile: join(dir, 'scanThread.js') }),
  ]);
  writeFileSync(join(dir, 'candidateScan.wasm'), await compileWat(join(root, 'src/cli/candidateScan.wat')));
  return join(dir, 'cli.js');
}

/** A 33 MB log (over the 32 MiB threshold): the demo logs' OAuth lines among plenty of noise. */
function bigLog(): string {
  const oauth = [...readFileSync(join(root, 'demo/example-logs/laravel.log'), 'utf8').split('\n'), ...readFileSync(join(root, 'demo/example-logs/access.log'), 'utf8').split('\n')].filter((l) => l.length > 0);
  const p = join(dir, 'big.log');
  const fd = openSync(p, 'w');
  let bytes = 0;
  for (let i = 0; bytes < 33 * 1024 * 1024; i++) {
    const chunk: string[] = [];
    for (let k = 0; k < 2000; k++) chunk.push(`10.0.${k % 250}.${i % 250} - - [28/Nov/2026:10:00:00 +0000] "GET /static/js/app.${i}.${k}.js HTTP/1.1" 200 ${k} "-" "curl/8"`);
    chunk.push(...oauth.slice((i * 7) % oauth.length, ((i * 7) % oauth.length) + 7));
    const s = chunk.join('\n') + '\n';
    writeSync(fd, s);
    bytes += Buffer.byteLength(s);
  }
  closeSync(fd);
  return p;
}

test('the bundled CLI gives one report in a thread, with the reader thread parsing, on the main thread, and after the thread runs out of memory', async () => {
  const cli = await bundle();
  const log = bigLog();
  const run = (env: Record<string, string>): { code: number | null; out: string; err: string } => {
    const r = spawnSync(process.execPath, [cli, 'scan', log, '--json'], { encoding: 'utf8', env: { ...process.env, OAUTH_DIAGNOSE_DEBUG: '1', ...env }, maxBuffer: 256 * 1024 * 1024 });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  const thread = run({});
  assert.match(thread.err, /scanning in a thread/);
  // 33 MB is read in the reader thread but parsed in the scan thread (parsing there pays from 128 MiB) …
  assert.doesNotMatch(thread.err, /parsed in the reader thread/);
  // … unless threads are forced: then the reader thread (started by the main thread) parses too.
  const parsing = run({ OAUTH_DIAGNOSE_THREADS: 'always' });
  assert.match(parsing.err, /big\.log: parsed in the reader thread \(\d+ batches\)/);
  assert.doesNotMatch(thread.err, /out of memory/);
  const main = run({ OAUTH_DIAGNOSE_THREADS: '0' });
  assert.doesNotMatch(main.err, /thread/);
  const fallback = run({ OAUTH_DIAGNOSE_SCAN_HEAP_MB: '2' });
  assert.match(fallback.err, /ran out of memory; scanning on the main thread/);
  const report = JSON.parse(thread.out) as { findings: unknown[]; stats: { lines: number } };
  assert.ok(report.findings.length > 0);
  assert.ok(report.stats.lines > 300_000);
  assert.equal(thread.code, 1);
  assert.equal(main.code, thread.code);
  assert.equal(fallback.code, thread.code);
  assert.equal(main.out, thread.out);
  assert.equal(parsing.out, thread.out);
  assert.equal(parsing.code, thread.code);
  assert.equal(fallback.out, thread.out);
});

test('fixture and demo logs, alone, all together and one given twice: the thread path (parsing in the reader thread) gives the main thread\'s report', async () => {
  const cli = await bundle();
  const logs = (d: string): string[] => readdirSync(d, { recursive: true, encoding: 'utf8' }).filter((n) => /\.(log|jsonl)$/.test(n)).map((n) => join(d, n)).sort();
  const all = [...logs(join(root, 'test/fixtures/logs')), ...logs(join(root, 'demo/example-logs'))];
  assert.ok(all.length >= 15);
  const run = (files: string[], env: Record<string, string>): { code: number | null; out: string; err: string } => {
    const r = spawnSync(process.execPath, [cli, 'scan', ...files, '--json'], { encoding: 'utf8', env: { ...process.env, OAUTH_DIAGNOSE_DEBUG: '1', ...env } });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  const twice = all.find((f) => f.endsWith('laravel.log'))!;
  // Alone: one log of each format directory (the file's own format detection from a fresh state).
  const alone = all.filter((f, i) => i === 0 || dirname(all[i - 1]!) !== dirname(f));
  assert.ok(alone.length >= 6);
  for (const files of [...alone.map((f) => [f]), [...all, twice]]) {
    const threaded = run(files, { OAUTH_DIAGNOSE_THREADS: 'always' });
    const main = run(files, { OAUTH_DIAGNOSE_THREADS: '0' });
    assert.match(threaded.err, /scanning in a thread/);
    assert.equal(threaded.err.match(/parsed in the reader thread/g)?.length, files.length === 1 ? 1 : all.length, files.join(' '));
    assert.doesNotMatch(main.err, /thread/);
    assert.equal(threaded.out, main.out, files.join(' '));
    assert.equal(threaded.code, main.code);
  }
});
