import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LineSplitter } from '../../../src/core/tail/lineSplitter';
import type { SplitLine } from '../../../src/core/tail/lineSplitter';

function split(chunks: Buffer[], maxChars?: number): { lines: SplitLine[]; s: LineSplitter } {
  const lines: SplitLine[] = [];
  const s = new LineSplitter((l) => lines.push(l), maxChars ? { maxChars } : {});
  for (const c of chunks) s.write(c);
  return { lines, s };
}

test('holds a partial line until its newline; strips CR; counts raw bytes', () => {
  const { lines, s } = split([Buffer.from('a\r\nbb'), Buffer.from('b\n\nc')]);
  assert.deepEqual(lines.map((l) => l.text), ['a', 'bbb', '']);
  assert.deepEqual(lines.map((l) => l.bytes), [3, 4, 1]);
  assert.equal(s.pending, 1);
  s.flush();
  assert.equal(lines.at(-1)!.text, 'c');
});

test('a UTF-8 character split across chunks is decoded whole', () => {
  const b = Buffer.from('é€😀\n');
  const { lines } = split([b.subarray(0, 1), b.subarray(1, 4), b.subarray(4, 7), b.subarray(7)]);
  assert.equal(lines[0]!.text, 'é€😀');
});

test('over-long lines are cut to the cap, flagged, and their bytes still counted', () => {
  const { lines } = split([Buffer.from('x'.repeat(50)), Buffer.from('y'.repeat(50) + '\nok\n')], 10);
  assert.equal(lines[0]!.text, 'x'.repeat(10));
  assert.equal(lines[0]!.truncated, true);
  assert.equal(lines[0]!.bytes, 101);
  assert.deepEqual(lines[1], { text: 'ok', truncated: false, bytes: 3 });
});

test('property: any chunking gives the same lines and byte total as splitting the whole', () => {
  fc.assert(fc.property(fc.array(fc.string({ maxLength: 20 }), { maxLength: 30 }), fc.array(fc.nat(40), { maxLength: 10 }), (parts, cuts) => {
    const whole = Buffer.from(parts.join('\n') + '\n');
    const points = [...new Set(cuts.map((c) => c % (whole.length + 1)))].sort((a, b) => a - b);
    const chunks: Buffer[] = [];
    let prev = 0;
    for (const p of points) { chunks.push(whole.subarray(prev, p)); prev = p; }
    chunks.push(whole.subarray(prev));
    const a = split([whole]).lines;
    const b = split(chunks).lines;
    assert.deepEqual(b, a);
    assert.equal(b.reduce((n, l) => n + l.bytes, 0), whole.length);
  }));
});
