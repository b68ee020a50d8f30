import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideRotation } from '../../../src/core/tail/rotation';
import { backoffDelay } from '../../../src/core/tail/backoff';
import { RateMeter } from '../../../src/core/tail/rateMeter';

test('rotation decisions', () => {
  const open = { id: '1:5', offset: 100 };
  assert.equal(decideRotation(undefined, undefined), 'absent');
  assert.equal(decideRotation(undefined, { id: '1:6', size: 0 }), 'appeared');
  assert.equal(decideRotation(open, undefined), 'gone');
  assert.equal(decideRotation(open, { id: '1:6', size: 500 }), 'replaced');
  assert.equal(decideRotation(open, { id: '1:5', size: 40 }), 'truncated');
  assert.equal(decideRotation(open, { id: '1:5', size: 100 }), 'read');
  assert.equal(decideRotation(open, { id: '1:5', size: 900 }), 'read');
  assert.equal(decideRotation(open, { id: '1:5', size: 900 }, true), 'truncated');
});

test('backoff grows exponentially, is capped, and jitters within bounds', () => {
  const mid = { random: () => 0.5 };
  assert.deepEqual([0, 1, 2, 3].map((a) => backoffDelay(a, mid)), [500, 1000, 2000, 4000]);
  assert.equal(backoffDelay(50, mid), 30_000);
  assert.equal(backoffDelay(2, { random: () => 0 }), 1600);
  assert.equal(backoffDelay(2, { random: () => 1 }), 2400);
  assert.ok(backoffDelay(40, { random: () => 1 }) <= 30_000);
});

test('rate meter: lines per second over a sliding window', () => {
  const m = new RateMeter(5);
  const t = 1_000_000;
  m.add(50, t);
  m.add(50, t + 1000);
  assert.equal(m.rate(t + 1500), 20);
  assert.equal(m.rate(t + 5000), 10, 'the first second left the window');
  assert.equal(m.rate(t + 60_000), 0);
});
