/**
 * The engine's line half run by itself (LineParseStage, as the scan's reader thread runs it) and
 * handed over with pushParsed must give the very report `push` gives: over every fixture and demo
 * log and a seeded hostile mix (multi-line entries cut by skipped openers, container envelopes,
 * U+FFFD, NUL and invalid UTF-8, over-long lines), read as the CLI reads them, with batches
 * passed through structured clone, and with entries parsed by the stage, left to the engine, or
 * a random mix of both.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { readLinesSync } from '../../../src/cli/fileLines';
import type { FileLineStats } from '../../../src/cli/fileLines';
import type { Diagnosis, ParsedLines } from '../../../src/core/engine/diagnosisEngine';
import { DiagnosisEngine } from '../../../src/core/engine/diagnosisEngine';
import { LineParseStage, isDeferred } from '../../../src/core/engine/parsedLines';
import type { SourceLine } from '../../../src/core/lines';
import { MAX_LINE_CHARS } from '../../../src/core/lines';
import { writeJsonReport } from '../../../src/core/report/jsonReport';

const root = join(__dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'oauth-parsed-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function logsUnder(d: string): string[] {
  return readdirSync(d).flatMap((n) => {
    const p = join(d, n);
    return statSync(p).isDirectory() ? logsUnder(p) : /\.(log|jsonl)$/.test(n) ? [p] : [];
  });
}

/** Fixture lines shuffled with noise and hostile lines, each wrapped now and then in an envelope. */
function hostileLog(seed: number): string {
  const r = rng(seed);
  const pool = logsUnder(join(root, 'test/fixtures/logs')).flatMap((f) => readFileSync(f, 'utf8').split('\n').filter((l) => l.length > 0));
  const out: Buffer[] = [];
  const add = (s: string | Buffer): void => void out.push(Buffer.isBuffer(s) ? s : Buffer.from(s), Buffer.from('\n'));
  const envelopes = [(l: string) => `app-1  | ${l}`, (l: string) => `2026-11-28T10:00:00.123Z stdout F ${l}`, (l: string) => `[pod/api-7d9/app] ${l}`];
  const env = seed % 2 === 0 ? envelopes[seed % 3] : undefined;
  for (let i = 0; i < 4000; i++) {
    const x = r();
    const fixture = pool[Math.floor(r() * pool.length)]!;
    if (x < 0.35) add(env ? env(fixture) : fixture);
    else if (x < 0.55) add(`GET /static/app.${i}.js 200 ${'x'.repeat(i % 70)}`);
    else if (x < 0.62) add(`[2026-11-28 10:00:${String(i % 60).padStart(2, '0')}] production.DEBUG: noise ${i}`);
    else if (x < 0.66) add(`#${i % 9} /var/www/vendor/league/oauth2-server/src/Grant/AuthCodeGrant.php(${i}): validateClient()`);
    else if (x < 0.68) add(`[2026-11-28 10:00:00] production.ERROR: The authorization code has expired \uFFFD ${i}`);
    else if (x < 0.69) add(Buffer.from([0x50, 0x4f, 0x53, 0x54, 0x20, 0x2f, 0x6f, 0x61, 0x75, 0x74, 0x68, 0x00, 0x74, 0x6f, 0x6b]));
    else if (x < 0.7) add(Buffer.from([0x63, 0x6c, 0x69, 0x65, 0x6e, 0x74, 0x5f, 0x69, 0x64, 0x3d, 0xff, 0xfe]));
    else if (x < 0.705) add(`POST /oauth/token?client_id=big${i}&code=${'c'.repeat(MAX_LINE_CHARS + 5000)} 400`);
    else if (x < 0.75) add(`[2026-11-28 10:01:${String(i % 60).padStart(2, '0')}] production.ERROR: invalid_grant for client_id=app${i % 7} {"exception":"[object] (League\\\\OAuth2\\\\Server\\\\Exception\\\\OAuthServerException(code: 10))"}`);
    else add(`user ${i} viewed the dashboard`);
  }
  return Buffer.concat(out).toString('latin1');
}

/** The JSON report, and the whole diagnosis behind it (flows with every field of their events). */
function report(d: Diagnosis): string {
  let s = '';
  writeJsonReport(d, (x) => (s += x));
  return `${s}\n${JSON.stringify(d)}`;
}

type Defer = 'never' | 'always' | 'random';

/** The line path, as scanFiles runs it on the main thread. */
function viaPush(files: string[], engine = new DiagnosisEngine({ maxEvents: 400 })): string {
  for (const f of files) {
    const stats = readLinesSync(f, (l) => engine.push(l), { gate: 'regex', chunkBytes: 16 * 1024, onBoundary: () => engine.boundary(f) });
    finish(engine, f, stats);
  }
  return report(engine.snapshot());
}

/** The parsed path: a stage per file, batches cloned across as the reader thread posts them. */
function viaStage(files: string[], defer: Defer, seed: number): { report: string; deferred: number; parsed: number } {
  const engine = new DiagnosisEngine({ maxEvents: 400 });
  const r = rng(seed);
  let deferred = 0;
  let parsed = 0;
  for (const f of files) {
    const stage = new LineParseStage(f, defer === 'never' ? undefined : defer === 'always' ? () => true : () => r() < 0.5);
    const batches: ParsedLines[] = [];
    const stats = readLinesSync(f, (l) => {
      stage.push(l);
      if (r() < 0.05) batches.push(stage.take());
    }, { gate: 'regex', chunkBytes: 16 * 1024, onBoundary: () => stage.boundary() });
    stage.end();
    batches.push(stage.take());
    for (const b of batches) {
      for (const item of b.items) {
        if (isDeferred(item)) deferred++;
        else parsed++;
      }
      engine.pushParsed(deserialize(serialize(b)) as ParsedLines);
    }
    finish(engine, f, stats);
  }
  return { report: report(engine.snapshot()), deferred, parsed };
}

function finish(engine: DiagnosisEngine, f: string, stats: FileLineStats): void {
  engine.countUnpushed(f, stats.lines - stats.emitted - stats.notText, stats.notText, stats.truncated - stats.cutEmitted);
  engine.end(f);
}

const fixtures = [...logsUnder(join(root, 'test/fixtures/logs')), ...logsUnder(join(root, 'demo/example-logs'))].sort();
const hostile = [1, 2, 3, 4].map((seed) => {
  const p = join(dir, `hostile-${seed}.log`);
  writeFileSync(p, hostileLog(seed), 'latin1');
  return p;
});

test('every fixture and demo log: the parsed path gives the line path\'s report, whoever parses the entries', () => {
  assert.ok(fixtures.length >= 15);
  for (const f of fixtures) {
    const want = viaPush([f]);
    for (const defer of ['never', 'always', 'random'] as const) assert.equal(viaStage([f], defer, 7).report, want, `${f}, entries deferred: ${defer}`);
  }
});

test('all logs given together, and hostile mixes: the same report, notes and stats', () => {
  const all = [...fixtures, ...hostile];
  const want = viaPush(all);
  const d = JSON.parse(want.slice(0, want.lastIndexOf('\n'))) as { notes: string[]; stats: { lines: number; skipped: number; events: number } };
  // The mix does reach the awkward paths: skipped lines, cut lines, many events.
  assert.ok(d.notes.some((n) => /not text/.test(n)), 'not-text lines');
  assert.ok(d.notes.some((n) => /cut at that length/.test(n)), 'cut lines');
  assert.ok(d.stats.skipped > 0 && d.stats.events > 1000);
  for (const [defer, seed] of [['never', 1], ['always', 2], ['random', 3], ['random', 4]] as const) {
    const got = viaStage(all, defer, seed);
    assert.equal(got.report, want, `entries deferred: ${defer}, seed ${seed}`);
    if (defer === 'always') assert.equal(got.parsed, 0);
    if (defer === 'never') assert.equal(got.deferred, 0);
    if (defer === 'random') assert.ok(got.deferred > 100 && got.parsed > 100, 'a real mix of both');
  }
});

test('lines pushed directly: over-long, U+FFFD and boundaries anywhere count and parse the same', () => {
  for (const seed of [5, 6, 7]) {
    const r = rng(seed);
    const text = hostileLog(seed).split('\n');
    const lines: SourceLine[] = text.map((t, i) => ({ source: 'tail.log', line: i + 1, text: i % 97 === 0 ? t + ' client_id=x' + 'y'.repeat(MAX_LINE_CHARS) : t, ...(i % 211 === 0 ? { truncated: true } : {}) }));
    const boundaries = new Set(lines.filter(() => r() < 0.03).map((l) => l.line));
    const a = new DiagnosisEngine();
    for (const l of lines) {
      if (boundaries.has(l.line)) a.boundary('tail.log');
      a.push(l);
    }
    a.end('tail.log');
    const b = new DiagnosisEngine();
    assert.equal(b.knows('tail.log'), false);
    const stage = new LineParseStage('tail.log', () => r() < 0.5);
    for (const l of lines) {
      if (boundaries.has(l.line)) stage.boundary();
      stage.push(l);
      if (r() < 0.01) b.pushParsed(structuredClone(stage.take()));
    }
    stage.end();
    b.pushParsed(structuredClone(stage.take()));
    b.end('tail.log');
    assert.equal(b.knows('tail.log'), true);
    const want = a.snapshot();
    assert.ok(want.notes.some((n) => /cut at that length/.test(n)) && want.stats.skipped > 0);
    assert.equal(report(b.snapshot()), report(want));
  }
});

test('an engine that already saw a source says so (scan then reads it again by lines, with its parser state)', () => {
  const f = fixtures.find((x) => x.endsWith('laravel.log'))!;
  const engine = new DiagnosisEngine();
  assert.equal(engine.knows(f), false);
  viaPush([f], engine);
  assert.equal(engine.knows(f), true);
});
