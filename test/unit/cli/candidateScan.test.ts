/**
 * The SIMD gate's data: its stems describe the candidate regex exactly, and its tables accept
 * every stem (Teddy may let more through, never fewer).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CANDIDATE_PATTERN, CANDIDATE_STEMS } from '../../../src/core/logs/candidateFilter';
import { scannerTables } from '../../../src/cli/candidateScan';

test('CANDIDATE_STEMS spell out CANDIDATE_PATTERN: the same alternatives, code[_=] as its two stems', () => {
  const alternatives = CANDIDATE_PATTERN.split('|').flatMap((a) => (a === 'code[_=]' ? ['code_', 'code='] : [a]));
  assert.deepEqual([...CANDIDATE_STEMS].sort(), alternatives.sort());
  for (const a of alternatives) assert.match(a, /^[a-z_=-]+$/, `${a} must be a plain literal for the byte gate`);
});

test('the Teddy tables accept the first three folded bytes of every stem, in any case', () => {
  const { tables, words, rests } = scannerTables();
  for (const stem of CANDIDATE_STEMS) {
    for (const variant of [stem, stem.toUpperCase()]) {
      let buckets = 0xff;
      for (let k = 0; k < 3; k++) {
        const c = variant.charCodeAt(k) | 0x20;
        buckets &= tables[32 * k + (c & 15)]! & tables[32 * k + 16 + (c >> 4)]!;
      }
      assert.notEqual(buckets, 0, variant);
    }
  }
  assert.equal(words.length, CANDIDATE_STEMS.length);
  assert.deepEqual(rests.map((r) => r.length), CANDIDATE_STEMS.map((s) => s.length - 4));
  assert.throws(() => scannerTables(['abc']), /4-64 printable ASCII/);
});
