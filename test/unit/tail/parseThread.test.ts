import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { SourceLine } from '../../../src/core/lines';
import { DiagnosisEngine } from '../../../src/core/engine/diagnosisEngine';
import { renderJsonReport } from '../../../src/core/report/jsonReport';
import { LineParseStage } from '../../../src/core/engine/parsedLines';
import { ParseThread, lineIndexes, packLines, restoreElided, unpackChunk } from '../../../src/sources/parseThread';
import type { ElidedParsedLines } from '../../../src/sources/parseThread';

const dir = mkdtempSync(join(tmpdir(), 'parse-thread-'));

/** The worker as the build makes it (dist/parseThreadWorker.js), bundled from the source here. */
const workerBundle: Promise<string> = import('esbuild').then(async (esbuild) => {
  const out = join(dir, 'parseThreadWorker.js');
  await esbuild.build({ entryPoints: [join(__dirname, '../../../src/sources/parseThreadWorker.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: out, logLevel: 'silent' });
  return out;
});

/** Every fixture log line, sources interleaved in blocks, plus hostile lines. */
function mixedLines(): SourceLine[] {
  const root = join(__dirname, '../../fixtures/logs');
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (!/\.(md|mjs)$/.test(f)) files.push(p);
    }
  };
  walk(root);
  const perFile = files.map((f) => readFileSync(f, 'utf8').split('\n').map((text, i): SourceLine => ({ source: f, line: i + 1, text })));
  const out: SourceLine[] = [];
  // Blocks of 7 lines from each file in turn: sources interleave the way two tails do.
  for (let at = 0; perFile.some((ls) => at < ls.length); at += 7) for (const ls of perFile) out.push(...ls.slice(at, at + 7));
  const hostile = 'hostile.log';
  const odd = ['bin\u0000ary', 'bad \uFFFD utf8', 'x'.repeat(70_000), 'two\nlines in one text', '[2026-11-28 10:00:00] local.ERROR: token=abc.def client_id=c1 {"code":"SECRETCODE"}', '', '\u2028', 'a\r'];
  odd.forEach((text, i) => out.push({ source: hostile, line: i + 1, text, ...(i === 2 ? { truncated: true } : {}), ...(i === 4 ? { candidate: true } : {}) }));
  return out;
}

/** The report text (the CLI's) and the full diagnosis as the panel receives it (plain data; key order aside). */
function outcome(e: DiagnosisEngine): { report: string; diagnosis: unknown } {
  const d = e.snapshot();
  return { report: renderJsonReport(d), diagnosis: JSON.parse(JSON.stringify(d)) };
}

function assertSame(got: DiagnosisEngine, want: DiagnosisEngine): void {
  const a = outcome(got);
  const b = outcome(want);
  assert.ok(a.report === b.report, 'the reports differ');
  assert.deepStrictEqual(a.diagnosis, b.diagnosis);
}

function direct(lines: SourceLine[], ends: string[]): DiagnosisEngine {
  const e = new DiagnosisEngine();
  for (const l of lines) e.push(l);
  for (const s of ends) e.end(s);
  return e;
}

test('lines packed for the worker come back exactly as pushed (newlines, flags, gaps in numbers)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ source: fc.constantFrom('a.log', 'b.log'), line: fc.integer({ min: 1, max: 1e9 }), text: fc.string({ maxLength: 20 }), truncated: fc.boolean(), candidate: fc.boolean() }), { maxLength: 40 }),
      (raw) => {
        const lines: SourceLine[] = raw.map((r) => ({ source: r.source, line: r.line, text: r.text, ...(r.truncated ? { truncated: true } : {}), ...(r.candidate ? { candidate: true } : {}) }));
        const back = packLines(lines).flatMap((c) => unpackChunk(structuredClone(c)));
        assert.deepStrictEqual(back, lines);
      },
    ),
    { numRuns: 500 },
  );
});

test('what the worker leaves out of an answer is put back from the lines that were sent', () => {
  const lines = mixedLines();
  let elided = 0;
  for (const source of [...new Set(lines.map((l) => l.source))]) {
    const mine = lines.filter((l) => l.source === source);
    const stage = new LineParseStage(source);
    for (const l of mine) stage.push(l);
    stage.end();
    const batch = stage.take();
    const want = JSON.parse(JSON.stringify(batch));
    // As the worker does (parseThreadWorker.ts elide), then through JSON, then restored.
    const index = lineIndexes(mine);
    const fromLine: number[] = [];
    batch.items.forEach((ev, i) => {
      if ('ref' in ev && ev.ref.file === source) (ev.ref as { file?: string }).file = undefined;
      const at = 'ref' in ev ? index(ev.ref.line) : -1;
      if (at >= 0 && 'message' in ev && mine[at]!.text === ev.message) {
        (ev as { message?: string }).message = undefined;
        fromLine.push(i, at);
      }
    });
    elided += fromLine.length / 2;
    const sent: ElidedParsedLines = JSON.parse(JSON.stringify({ ...batch, fromLine }));
    assert.deepStrictEqual(JSON.parse(JSON.stringify(restoreElided(sent, mine))), want, source);
  }
  assert.ok(elided > 100, `${elided} messages left out`);
});

test('through the parse thread: the same report and diagnosis as parsing in place (fixtures interleaved, hostile lines)', async () => {
  const workerScript = await workerBundle;
  const lines = mixedLines();
  const sources = [...new Set(lines.map((l) => l.source))];
  const e = new DiagnosisEngine();
  let fellBack: string | undefined;
  const pt = new ParseThread(e, { workerScript, batchLines: 97, onFallback: (r) => (fellBack = r) });
  lines.forEach((l, i) => {
    pt.push(l);
    if (i === Math.floor(lines.length / 2)) pt.end(sources[0]!); // a source ending mid-way, then reopening
  });
  for (const s of sources) pt.end(s);
  await pt.whenIdle();
  assert.equal(fellBack, undefined);
  const ends = [...sources];
  const want = new DiagnosisEngine();
  lines.forEach((l, i) => {
    want.push(l);
    if (i === Math.floor(lines.length / 2)) want.end(sources[0]!);
  });
  for (const s of ends) want.end(s);
  assert.equal(e.snapshot().stats.lines, lines.length);
  assertSame(e, want);
  pt.dispose();
});

test('a 30 000-line burst through the parse thread gives the in-place result; whenIdle waits for the last line', async () => {
  const workerScript = await workerBundle;
  const lines: SourceLine[] = Array.from({ length: 30_000 }, (_, k) => {
    const i = k + 1;
    const ts = new Date(Date.UTC(2026, 10, 28) + i * 37).toISOString().slice(0, 19).replace('T', ' ');
    const text = [
      `[${ts}] production.INFO: oauth GET /oauth/authorize?client_id=web-${i % 50}&redirect_uri=https%3A%2F%2Fapp.example%2Fcallback&response_type=code&state=s${i} #${i}`,
      `[${ts}] production.INFO: oauth POST /oauth/token grant_type=authorization_code client_id=web-${i % 50} #${i}`,
      `[${ts}] production.ERROR: oauth League\\OAuth2\\Server\\Exception\\OAuthServerException: The authorization code has expired {"exception":"invalid_grant"} #${i}`,
      `[${ts}] production.DEBUG: oauth cache hit for key user:${i} #${i}`,
      `[${ts}] production.INFO: oauth callback /callback?code=c${i}&state=s${i} #${i}`,
    ][i % 5]!;
    return { source: '/var/log/burst.log', line: i, text };
  });
  const e = new DiagnosisEngine();
  const pt = new ParseThread(e, { workerScript });
  for (const l of lines) pt.push(l);
  await pt.whenIdle();
  assert.equal(e.snapshot().stats.lines, lines.length);
  pt.end('/var/log/burst.log');
  await pt.whenIdle();
  assertSame(e, direct(lines, ['/var/log/burst.log']));
  pt.dispose();
});

test('warm() starts the worker ahead of the first line; an idle worker keeps no process alive', async () => {
  const workerScript = await workerBundle;
  const e = new DiagnosisEngine();
  const pt = new ParseThread(e, { workerScript, onFallback: (r) => assert.fail(r) });
  pt.warm();
  pt.warm();
  await new Promise((r) => setTimeout(r, 300));
  const t0 = performance.now();
  pt.push({ source: 'w.log', line: 1, text: '[2026-11-28 10:00:00] local.INFO: GET /oauth/authorize?client_id=c&state=abcdef' });
  pt.end('w.log'); // a Laravel entry is complete at the next line or the end
  await pt.whenIdle();
  assert.equal(e.snapshot().stats.events, 1);
  assert.ok(performance.now() - t0 < 1000);
  pt.dispose();
});

test('forget(source): a file read again from its start meets a fresh parser (no entry left over from the last read)', async () => {
  const workerScript = await workerBundle;
  const route: { to: DiagnosisEngine } = { to: new DiagnosisEngine() };
  const target = { push: (l: SourceLine) => route.to.push(l), end: (s: string) => route.to.end(s), pushParsed: (b: Parameters<DiagnosisEngine['pushParsed']>[0]) => route.to.pushParsed(b) };
  const pt = new ParseThread(target, { workerScript, onFallback: (r) => assert.fail(r) });
  const log = [
    '[2026-11-28 10:00:00] local.INFO: GET /oauth/authorize?client_id=app&state=state-one-123',
    '[2026-11-28 10:00:05] local.ERROR: The authorization code has expired {"exception":"[object] (League\\OAuth2\\Server\\Exception\\OAuthServerException(code: 10): Authorization code has expired)"}',
    '[stacktrace]',
  ].map((text, i): SourceLine => ({ source: 'app.log', line: i + 1, text }));
  // A first read stops inside the error entry (cancelled): the worker holds it, unfinished.
  for (const l of log.slice(0, 3)) pt.push(l);
  await pt.whenIdle();
  // Read again from the start into a fresh engine, as Diagnose does after a reset.
  route.to = new DiagnosisEngine();
  pt.forget('app.log');
  for (const l of log) pt.push(l);
  pt.end('app.log');
  await pt.whenIdle();
  assertSame(route.to, direct(log, ['app.log']));
  pt.dispose();
});

test('whenIdle waits for the lines pushed before it, not for a source that keeps streaming', async () => {
  const workerScript = await workerBundle;
  const e = new DiagnosisEngine();
  const line = (source: string, i: number): SourceLine => ({ source, line: i, text: `203.0.113.5 - - [28/Nov/2026:10:00:00 +0000] "GET /oauth/authorize?client_id=c&state=st${source}${i} HTTP/1.1" 302 0` });
  let streamed = 0;
  let streaming = true;
  // Another source that always has lines on their way: every answer brings 50 more (a batch, sent at once).
  const target = { push: (l: SourceLine) => e.push(l), end: (src: string) => e.end(src), pushParsed: (b: Parameters<DiagnosisEngine['pushParsed']>[0]) => {
    e.pushParsed(b);
    if (streaming) for (let k = 0; k < 50; k++) pt.push(line('tail.log', ++streamed));
  } };
  const pt = new ParseThread(target, { workerScript, batchLines: 50, onFallback: (r) => assert.fail(r) });
  const stop = setTimeout(() => (streaming = false), 3000);
  for (let i = 1; i <= 500; i++) pt.push(line('file.log', i));
  await pt.whenIdle();
  assert.ok(streaming, 'whenIdle returned while the other source was still streaming');
  assert.ok(e.snapshot().stats.lines >= 500, 'the 500 lines pushed before whenIdle are in');
  streaming = false;
  clearTimeout(stop);
  await pt.whenIdle();
  assert.equal(e.snapshot().stats.lines, 500 + streamed);
  pt.dispose();
});

test('no worker script: told once, every line parsed here, same result', async () => {
  const lines = mixedLines().slice(0, 3000);
  const e = new DiagnosisEngine();
  const reasons: string[] = [];
  const pt = new ParseThread(e, { workerScript: join(dir, 'missing.js'), onFallback: (r) => reasons.push(r) });
  for (const l of lines) pt.push(l);
  await pt.whenIdle();
  pt.end('hostile.log');
  assert.equal(reasons.length, 1);
  assert.match(reasons[0]!, /not installed/);
  assertSame(e, direct(lines, ['hostile.log']));
});

test('a worker that dies mid-stream loses no line: unanswered batches are parsed here', async () => {
  // Answers the first message, then exits without answering the rest.
  const dying = join(dir, 'dying.js');
  writeFileSync(dying, `const { parentPort } = require('node:worker_threads');
const real = require(${JSON.stringify(await workerBundle)});
let n = 0;
parentPort.on('message', () => { if (++n === 2) process.exit(3); });`);
  // The real worker answers its own listener's messages; ours makes it exit at the second.
  const lines: SourceLine[] = Array.from({ length: 5000 }, (_, k) => ({ source: 'app.log', line: k + 1, text: `[2026-11-28 10:00:00] local.INFO: GET /oauth/authorize?client_id=c${k % 7}&state=state${k} #${k}` }));
  const e = new DiagnosisEngine();
  const reasons: string[] = [];
  const pt = new ParseThread(e, { workerScript: dying, batchLines: 500, onFallback: (r) => reasons.push(r) });
  for (const l of lines) pt.push(l);
  await pt.whenIdle();
  pt.end('app.log');
  assert.equal(e.snapshot().stats.lines, lines.length, 'every line reached the engine once');
  assert.equal(reasons.length, 1);
  assert.match(reasons[0]!, /stopped|failed/);
  // The one loss a dying worker can cause: the entry its parser was still assembling (a Laravel
  // entry waits for the next line); every later line is parsed here from a fresh state.
  const want = direct(lines, ['app.log']).snapshot().stats.events;
  const got = e.snapshot().stats.events;
  assert.ok(got >= want - 1 && got <= want, `${got} events, ${want} in place`);
});
