import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { shQuote } from '../../../src/core/tail/shellQuote';

const hostile = ["a b'c;$(touch /tmp/pwned)`d`.log", "it's", '$HOME', 'x\ny', '\\', '"', '-n', '', "''", '!$&|<>*?[]{}~#'];

test('every hostile string reaches a real sh as exactly one literal word', () => {
  for (const s of hostile) {
    const r = spawnSync('sh', ['-c', `printf '%s' ${shQuote(s)}`], { encoding: 'utf8' });
    assert.equal(r.stdout, s, JSON.stringify(s));
  }
});

test('property: round-trips any string without NUL through sh', () => {
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !s.includes('\0')), (s) => {
    const r = spawnSync('sh', ['-c', `printf '%s' ${shQuote(s)}`], { encoding: 'utf8' });
    assert.equal(r.stdout, Buffer.from(s, 'utf8').toString('utf8'));
  }), { numRuns: 60 });
});

test('refuses NUL, which no shell word can carry', () => {
  assert.throws(() => shQuote('a\0b'), /NUL/);
});
