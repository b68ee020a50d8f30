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

async function read(p: string, opts: Parameters<typeof readFileLines>[2] = {}): Promise<{ lines: SourceLine[]; stats: Awaited<ReturnType<typeof readFileLines>> }> {
  const lines: SourceLine[] = [];
  const stats = await readFileLines(p, (l) => lines.push(l), opts);
  return { lines, stats };
}

const WORDS = ['GET /static/app.js 200', 'POST /oauth/token 400 invalid_grant', 'user viewed dashboard', 'client_id=abc', 'Bearer eyJx', 'cache miss', '[2026-01-01 10:00:00] local.INFO: ok', 'AuthCodeGrant', 'ünïcödé token'];

test('candidate lines and their numbers match a naive split, for any content and chunk size', async () => {
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

test('small chunks: lines straddling chunk borders are read whole with the right numbers', async () => {
  const lines = Array.from({ length: 5000 }, (_, i) => (i % 7 === 0 ? `line ${i} POST /oauth/token client_id=c${i}` : `line ${i} ${'x'.repeat(i % 300)}`));
  const p = file(lines.join('\n') + '\n');
  const { lines: got, stats } = await read(p, { chunkBytes: 65536, sampleLines: 0 });
  assert.equal(stats.lines, 5000);
  assert.deepEqual(got.map((l) => l.line), lines.map((_, i) => i + 1).filter((i) => (i - 1) % 7 === 0));
  for (const l of got) assert.equal(l.text, lines[l.line - 1]);
});

test('CRLF endings, the first lines handed on whatever they hold, empty file', async () => {
  const { lines } = await read(file('hello\r\nPOST /oauth/token 200\r\n'), { sampleLines: 1 });
  assert.deepEqual(lines.map((l) => l.text), ['hello', 'POST /oauth/token 200']);
  const empty = await read(file(''));
  assert.equal(empty.stats.lines, 0);
  assert.deepEqual(empty.lines, []);
});

test('a 10 MB line is cut at MAX_LINE_CHARS and flagged; the next line keeps its number', async () => {
  const huge = 'token=' + 'a'.repeat(10 * 1024 * 1024);
  const p = file(`first oauth line\n${huge}\nlast oauth line\n`);
  const { lines, stats } = await read(p, { sampleLines: 0 });
  assert.equal(stats.lines, 3);
  assert.equal(stats.truncated, 1);
  assert.deepEqual(lines.map((l) => [l.line, l.text.length, l.truncated ?? false]), [[1, 16, false], [2, MAX_LINE_CHARS, true], [3, 15, false]]);
});

test('binary data and invalid UTF-8 are skipped and counted, text around them is kept', async () => {
  const bin = Buffer.concat([Buffer.from('oauth ok 1\n'), Buffer.from([0x6f, 0x61, 0x75, 0x74, 0x68, 0x00, 0x01, 0x02, 0x0a]), Buffer.from([0x74, 0x6f, 0x6b, 0x65, 0x6e, 0xff, 0xfe, 0x0a]), Buffer.from('oauth ok 4\n')]);
  const { lines, stats } = await read(file(bin), { sampleLines: 0 });
  assert.equal(stats.notText, 2);
  assert.deepEqual(lines.map((l) => [l.line, l.text]), [[1, 'oauth ok 1'], [4, 'oauth ok 4']]);
});

test('a file that grows while it is read is read to its end as found, and the read ends', async () => {
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
  }, { chunkBytes: 65536, sampleLines: 0 });
  const s2 = await reading;
  assert.equal(s2.lines, 50_010);
  assert.equal(lines[lines.length - 1]!.text, 'POST /oauth/token 500');
});

test('input errors reject with a plain message', async () => {
  await assert.rejects(readFileLines(join(dir, 'missing.log'), () => {}), /ENOENT/);
  await assert.rejects(readFileLines(dir, () => {}), /directory|EISDIR/);
});
