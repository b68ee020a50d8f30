/**
 * The streaming reader: the same lines and line numbers as a naive split whatever the chunk
 * size, CRLF, over-long lines cut, binary and invalid UTF-8 lines skipped and counted, files that
 * grow while read, empty files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, appendFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { readFileLines } from '../../../src/cli/fileLines';
import { isCandidateLine } from '../../../src/core/logs/candidateFilter';
import { MAX_LINE_CHARS } from '../../../src/core/lines';
import type { SourceLine } from '../../../src/core/lines';

const dir = mkdtempSync(join(tmpdir(), 'oauth-lines-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function file(content: string | Buffer): string {
  const p = join(dir, `f${n++}.log`);
  writeFileSync(p, content);
  return p;
}

/** The SIMD gate as the build makes it (dist/candidateScan.wasm), compiled from the source here. */
const simdGate: Promise<WebAssembly.Module> = import('../../../scripts/wat.mjs').then(async (m) =>
  new WebAssembly.Module(await m.compileWat(join(__dirname, '../../../src/cli/candidateScan.wat'))));

// Every test runs twice: with the JavaScript regex over each chunk, and with the SIMD gate.
for (const gateName of ['regex', 'SIMD gate'] as const) {
  async function read(p: string, opts: Parameters<typeof readFileLines>[2] = {}): Promise<{ lines: SourceLine[]; stats: Awaited<ReturnType<typeof readFileLines>> }> {
    const lines: SourceLine[] = [];
    const stats = await readFileLines(p, (l) => lines.push(l), { gate: gateName === 'regex' ? 'regex' : await simdGate, ...opts });
    return { lines, stats };
  }

  const WORDS = ['GET /static/app.js 200', 'POST /oauth/token 400 invalid_grant', 'user viewed dashboard', 'client_id=abc', 'Bearer eyJx', 'cache miss', '[2026-01-01 10:00:00] local.INFO: ok', 'AuthCodeGrant', 'ünïcödé token'];

  test(`${gateName}: candidate lines and their numbers match a naive split, for any content and chunk size`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.constantFrom(...WORDS), fc.string({ maxLength: 40 }).map((s) => s.replace(/[\r\n\0]/g, ' '))), { maxLength: 120 }),
        fc.boolean(),
        fc.integer({ min: 65536, max: 200000 }),
        async (lines, trailingNewline, chunk) => {
          const content = lines.join('\n') + (trailingNewline && lines.length ? '\n' : '');
          const p = file(content);
          const { lines: got, stats } = await read(p, { chunkBytes: chunk, sampleLines: 0 });
          const expected = content.split('\n').map((text, i) => ({ text, line: i + 1 }));
          // A final newline ends the last line; it does not start another one.
          if (content === '' || content.endsWith('\n')) expected.pop();
          assert.equal(stats.lines, expected.length);
          assert.deepEqual(got.map((l) => [l.line, l.text]), expected.filter((e) => isCandidateLine(e.text)).map((e) => [e.line, e.text]));
        },
      ),
      { numRuns: 60 },
    );
  });

  test(`${gateName}: small chunks: lines straddling chunk borders are read whole with the right numbers`, async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => (i % 7 === 0 ? `line ${i} POST /oauth/token client_id=c${i}` : `line ${i} ${'x'.repeat(i % 300)}`));
    const p = file(lines.join('\n') + '\n');
    const { lines: got, stats } = await read(p, { chunkBytes: 65536, sampleLines: 0 });
    assert.equal(stats.lines, 5000);
    assert.deepEqual(got.map((l) => l.line), lines.map((_, i) => i + 1).filter((i) => (i - 1) % 7 === 0));
    for (const l of got) assert.equal(l.text, lines[l.line - 1]);
  });

  test(`${gateName}: CRLF endings, the first lines handed on whatever they hold, empty file`, async () => {
    const { lines } = await read(file('hello\r\nPOST /oauth/token 200\r\n'), { sampleLines: 1 });
    assert.deepEqual(lines.map((l) => l.text), ['hello', 'POST /oauth/token 200']);
    const empty = await read(file(''));
    assert.equal(empty.stats.lines, 0);
    assert.deepEqual(empty.lines, []);
  });

  test(`${gateName}: a 10 MB line is cut at MAX_LINE_CHARS and flagged; the next line keeps its number`, async () => {
    const huge = 'token=' + 'a'.repeat(10 * 1024 * 1024);
    const p = file(`first oauth line\n${huge}\nlast oauth line\n`);
    const { lines, stats } = await read(p, { sampleLines: 0 });
    assert.equal(stats.lines, 3);
    assert.equal(stats.truncated, 1);
    assert.deepEqual(lines.map((l) => [l.line, l.text.length, l.truncated ?? false]), [[1, 16, false], [2, MAX_LINE_CHARS, true], [3, 15, false]]);
  });

  test(`${gateName}: binary data and invalid UTF-8 are skipped and counted, text around them is kept`, async () => {
    const bin = Buffer.concat([Buffer.from('oauth ok 1\n'), Buffer.from([0x6f, 0x61, 0x75, 0x74, 0x68, 0x00, 0x01, 0x02, 0x0a]), Buffer.from([0x74, 0x6f, 0x6b, 0x65, 0x6e, 0xff, 0xfe, 0x0a]), Buffer.from('oauth ok 4\n')]);
    const { lines, stats } = await read(file(bin), { sampleLines: 0 });
    assert.equal(stats.notText, 2);
    assert.deepEqual(lines.map((l) => [l.line, l.text]), [[1, 'oauth ok 1'], [4, 'oauth ok 4']]);
  });

  test(`${gateName}: a file that grows while it is read is read to its end as found, and the read ends`, async () => {
    const p = file('POST /oauth/token 200\n'.repeat(50_000));
    let appended = false;
    const { stats } = await read(p, {
      chunkBytes: 65536,
      sampleLines: 0,
    }).then(async (r) => r);
    assert.equal(stats.lines, 50_000);
    // Grow it during a second read: the reader picks up what was appended before it reached the end.
    const lines: SourceLine[] = [];
    const reading = readFileLines(p, (l) => {
      lines.push(l);
      if (!appended && lines.length === 10) {
        appended = true;
        appendFileSync(p, 'POST /oauth/token 500\n'.repeat(10));
      }
    }, { chunkBytes: 65536, sampleLines: 0, gate: gateName === 'regex' ? 'regex' : await simdGate });
    const s2 = await reading;
    assert.equal(s2.lines, 50_010);
    assert.equal(lines[lines.length - 1]!.text, 'POST /oauth/token 500');
  });

  test(`${gateName}: input errors reject with a plain message`, async () => {
    await assert.rejects(readFileLines(join(dir, 'missing.log'), () => {}), /ENOENT/);
    await assert.rejects(readFileLines(dir, () => {}), /directory|EISDIR/);
  });
}

test('the SIMD gate hands on exactly what the regex path does: same lines, numbers, cuts and entry boundaries', async () => {
  const gate = await simdGate;
  // Stems in any case and place, near misses, entry openers, CR, long lines, non-ASCII.
  const piece = fc.oneof(
    fc.constantFrom('auth', 'TOKEN', 'Grant', 'cLiEnT', 'invalid', 'DENIED', 'regist', 'Well-Known', 'code_', 'CODE=', 'code-', 'consent', 'interACTION', 'login', 'userinfo', 'user_id', 'inter-var', 'tok', 'welL_known', 'cod=e'),
    fc.constantFrom('[2026-11-28 10:00:00] local.INFO: ', '[x', ' ', '\r', 'é', '日本', '\x7f', 'GET /static/app.js 200 '),
    fc.string({ maxLength: 30 }).map((x) => x.replace(/[\n\0]/g, ' ')),
    fc.integer({ min: 1, max: 3000 }).map((n) => 'x'.repeat(n)),
  );
  const line = fc.array(piece, { maxLength: 8 }).map((ps) => ps.join(''));
  await fc.assert(
    fc.asyncProperty(fc.array(line, { maxLength: 150 }), fc.integer({ min: 16 * 1024, max: 70 * 1024 }), fc.integer({ min: 0, max: 3 }), async (ls, chunk, sample) => {
      const p = file(ls.join('\n') + '\n');
      const run = async (g: 'regex' | WebAssembly.Module): Promise<unknown[]> => {
        const seen: unknown[] = [];
        const stats = await readFileLines(p, (l) => seen.push([l.line, l.text, l.truncated ?? false, l.candidate ?? false]), { gate: g, chunkBytes: chunk, sampleLines: sample, onBoundary: () => seen.push('boundary') });
        seen.push(stats);
        return seen;
      };
      assert.deepEqual(await run(gate), await run('regex'));
    }),
    { numRuns: 150 },
  );
});

test('the SIMD gate finds a stem at every offset of its 16-byte blocks, in any case, up to the last byte of a chunk', async () => {
  const gate = await simdGate;
  const rows: string[] = [];
  for (const stem of ['auth', 'token', 'code=', 'CODE_', 'well-known', 'userinfo', 'Interaction']) for (let pad = 0; pad < 40; pad++) rows.push('.'.repeat(pad) + stem);
  for (let pad = 0; pad < 40; pad++) rows.push('.'.repeat(pad) + 'code-', '.'.repeat(pad) + 'use', '.'.repeat(pad) + 'toke');
  const p = file(rows.join('\n'));
  const { lines, stats } = await read2(p, gate);
  assert.equal(stats.lines, rows.length);
  assert.deepEqual(lines.map((l) => l.line), rows.map((r, i) => [r, i + 1] as const).filter(([r]) => /auth|token|code[_=]|well-known|userinfo|interaction/i.test(r)).map(([, i]) => i));
});

async function read2(p: string, gate: WebAssembly.Module): Promise<{ lines: SourceLine[]; stats: Awaited<ReturnType<typeof readFileLines>> }> {
  const lines: SourceLine[] = [];
  const stats = await readFileLines(p, (l) => lines.push(l), { gate, sampleLines: 0 });
  return { lines, stats };
}

/** The worker as the build makes it (dist/fileLinesWorker.js), bundled from the source here. */
const workerBundle: Promise<string> = import('esbuild').then(async (esbuild) => {
  const out = join(dir, 'fileLinesWorker.js');
  await esbuild.build({ entryPoints: [join(__dirname, '../../../src/cli/fileLinesWorker.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: out, logLevel: 'silent' });
  return out;
});

test('in a worker thread: the same lines, numbers, boundaries and stats as in this thread (20 000 lines, over-long ones, both gates)', async () => {
  const workerScript = await workerBundle;
  const gate = await simdGate;
  const lines = Array.from({ length: 20_000 }, (_, i) => (i % 9 === 0 ? `[2026-11-28 10:00:${String(i % 60).padStart(2, '0')}] local.INFO: client_id=c${i}` : i % 13 === 0 ? `[2026-11-28 10:00:00] local.DEBUG: noise ${i}` : i % 101 === 0 ? 'token='.repeat(12_000) : `line ${i} ${'x'.repeat(i % 200)}`));
  const p = file(lines.join('\n') + '\n');
  for (const g of ['regex', gate] as const) {
    const run = async (thread: boolean): Promise<unknown[]> => {
      const seen: unknown[] = [];
      const stats = await readFileLines(p, (l) => seen.push([l.line, l.text, l.truncated ?? false, l.candidate ?? false]), { gate: g, thread, workerScript, chunkBytes: 64 * 1024, onBoundary: () => seen.push('boundary') });
      seen.push(stats);
      return seen;
    };
    const here = await run(false);
    assert.ok(here.length > 2000);
    assert.deepEqual(await run(true), here);
  }
});

test('in a worker thread: a slow consumer gets every line; without the worker script the file is read here', async () => {
  const workerScript = await workerBundle;
  const p = file('POST /oauth/token 200 client_id=abc\n'.repeat(60_000));
  let n = 0;
  const stats = await readFileLines(p, () => {
    n++;
    if (n % 5000 === 0) {
      const until = Date.now() + 20;
      while (Date.now() < until) {
        /* a slow engine */
      }
    }
  }, { thread: true, workerScript });
  assert.equal(n, 60_000);
  assert.equal(stats.lines, 60_000);
  let m = 0;
  const here = await readFileLines(p, () => m++, { thread: true, workerScript: join(dir, 'no-such-worker.js') });
  assert.equal(m, 60_000);
  assert.deepEqual(here, stats);
});

test('in a worker thread with a head read here: numbering, an entry boundary owed across the split, and stats are as in one thread', async () => {
  const workerScript = await workerBundle;
  const gate = await simdGate;
  const filler: string[] = [];
  let bytes = 0;
  for (let i = 0; bytes < 4 * 1024 * 1024 - 900; i++) {
    const l = i % 500 === 0 ? `[2026-11-28 09:00:00] local.INFO: client_id=c${i}` : `GET /static/app.${i}.js 200 ${'x'.repeat(i % 90)}`;
    filler.push(l);
    bytes += l.length + 1;
  }
  // Openers that are not candidates end just before the 4 MiB mark, plain lines straddle it, and
  // the next candidate comes after it: the boundary is owed by the head to the thread's first line.
  const around = [...Array.from({ length: 12 }, (_, i) => `[2026-11-28 10:00:0${i % 10}] local.DEBUG: noise ${i}`), ...Array.from({ length: 20 }, (_, i) => `GET /static/img/${i}.png 200 ${'y'.repeat(40)}`)];
  const after = Array.from({ length: 30_000 }, (_, i) => (i % 7 === 0 ? `POST /oauth/token client_id=d${i}` : `GET /api/v1/cart ${i}`));
  const p = file([...filler, ...around, ...after].join('\n') + '\n');
  const run = async (thread: boolean): Promise<unknown[]> => {
    const seen: unknown[] = [];
    const stats = await readFileLines(p, (l) => seen.push([l.line, l.text]), { gate, thread, workerScript, onBoundary: () => seen.push('boundary') });
    seen.push(stats);
    return seen;
  };
  const here = await run(false);
  const firstAfter = here.findIndex((x) => Array.isArray(x) && (x[1] as string).startsWith('POST /oauth/token client_id=d0'));
  assert.equal(here[firstAfter - 1], 'boundary');
  assert.deepEqual(await run(true), here);
});

test('parsing in the worker thread: batches of parsed lines instead of lines, the same events and counts as the engine parsing here; none without the worker', async () => {
  const workerScript = await workerBundle;
  const gate = await simdGate;
  const { DiagnosisEngine } = await import('../../../src/core/engine/diagnosisEngine.js');
  const { writeJsonReport } = await import('../../../src/core/report/jsonReport.js');
  const rows: string[] = [];
  for (let i = 0; i < 30_000; i++) {
    if (i % 50 === 0) rows.push(`[2026-11-28 10:${String((i / 1000) | 0).padStart(2, '0')}:00] production.ERROR: invalid_grant for client_id=app${i % 7} {"exception":"[object] (League\\\\OAuth2\\\\Server\\\\Exception\\\\OAuthServerException(code: 10))"}`, '[stacktrace]', `#0 /var/www/vendor/league/oauth2-server/src/Grant/AuthCodeGrant.php(${i}): validate()`);
    else if (i % 37 === 0) rows.push(`[2026-11-28 10:00:00] production.DEBUG: noise ${i}`);
    else if (i % 501 === 0) rows.push(`POST /oauth/token?code=${'c'.repeat(70_000)}`);
    else rows.push(`10.0.0.${i % 250} - - [28/Nov/2026:10:00:00 +0000] "GET ${i % 3 === 0 ? `/oauth/authorize?client_id=app${i % 7}&state=s${i}` : `/static/${i}.js`} HTTP/1.1" 200 12 "-" "curl/8"`);
  }
  const p = file(rows.join('\n') + '\n');
  const scan = async (thread: boolean, script: string): Promise<{ report: string; lines: number; batches: number }> => {
    const engine = new DiagnosisEngine({ maxEvents: 500 });
    let lines = 0;
    let batches = 0;
    const stats = await readFileLines(p, (l) => {
      lines++;
      engine.push(l);
    }, { gate, thread, workerScript: script, onBoundary: () => engine.boundary(p), onParsed: (b) => {
      batches++;
      engine.pushParsed(b);
    } });
    engine.countUnpushed(p, stats.lines - stats.emitted - stats.notText, stats.notText, stats.truncated - stats.cutEmitted);
    engine.end(p);
    let report = '';
    writeJsonReport(engine.snapshot(), (s) => (report += s));
    return { report, lines, batches };
  };
  const here = await scan(false, workerScript);
  const there = await scan(true, workerScript);
  const noWorker = await scan(true, join(dir, 'no-such-worker.js'));
  assert.ok(here.lines > 10_000 && here.batches === 0);
  assert.ok(there.batches > 10 && there.lines === 0, `${there.batches} batches, ${there.lines} lines`);
  assert.ok(noWorker.lines === here.lines && noWorker.batches === 0);
  assert.match(here.report, /cut at that length/);
  assert.equal(there.report, here.report);
  assert.equal(noWorker.report, here.report);
});

test('a reader thread started ahead (as the CLI starts it alongside the scan thread): same batches; a crash or an exit is an error, not a hang; unused, the file is read as usual', async () => {
  const { startParsingReader } = await import('../../../src/cli/fileLines.js');
  const workerScript = await workerBundle;
  const rows = Array.from({ length: 20_000 }, (_, i) => (i % 4 === 0 ? `POST /oauth/token client_id=c${i % 9} grant_type=authorization_code` : `GET /static/${i}.js 200`));
  const p = file(rows.join('\n') + '\n');
  const collect = async (opts: Parameters<typeof readFileLines>[2]): Promise<{ events: number; lines: number; stats: unknown }> => {
    let events = 0;
    let lines = 0;
    const stats = await readFileLines(p, () => lines++, { thread: true, workerScript, onBoundary: () => {}, onParsed: (b) => (events += b.items.length), ...opts });
    return { events, lines, stats };
  };
  const plain = await collect({});
  assert.ok(plain.events >= 5000 && plain.lines === 0);
  const ahead = startParsingReader(p, { thread: true, workerScript })!;
  assert.deepEqual(await collect({ started: ahead.reader }), plain);
  await new Promise((r) => ahead.worker.once('exit', r));
  // Started for another file: not used (its port is closed), this one is read by a reader of its own.
  const other = startParsingReader(p, { thread: true, workerScript })!;
  assert.deepEqual(await collect({ started: { ...other.reader, path: `${p}.other` } }), plain);
  await other.worker.terminate();
  // A reader that dies (here: a script that exits at once; out of memory closes the channel alike).
  for (const body of ['process.exit(3)', "throw new Error('boom')", 'const a = []; for (;;) a.push(new Array(1e6).fill(1));']) {
    const bad = join(dir, `bad${n++}.js`);
    writeFileSync(bad, body);
    const dying = startParsingReader(p, { thread: true, workerScript: bad })!;
    await assert.rejects(collect({ started: dying.reader }), /the reader thread stopped \(its channel closed\) before the end of/);
    await dying.worker.terminate();
  }
  assert.equal(startParsingReader(p, { thread: false, workerScript }), undefined);
  assert.equal(startParsingReader(p, { thread: 'auto', workerScript }), undefined, 'a small file is read where it is consumed');
});
