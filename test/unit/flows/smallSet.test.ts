import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { SmallSet } from '../../../src/core/flows/smallSet';
import { addToSmallSet, smallSetHas } from '../../../src/core/flows/smallSet';

test('a small set holds exactly the values added, in order, small or grown into a Set', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l'), { maxLength: 30 }), (values) => {
      let s: SmallSet | undefined;
      const ref = new Set<string>();
      for (const v of values) {
        s = addToSmallSet(s, v);
        ref.add(v);
        assert.deepStrictEqual([...s], [...ref]);
        for (const x of ['a', 'e', 'l', 'z']) assert.equal(smallSetHas(s, x), ref.has(x));
      }
      // Small sets are arrays of their exact size; past eight values a Set.
      if (s !== undefined) assert.equal(Array.isArray(s), ref.size <= 8);
    }),
    { numRuns: 2000 },
  );
});
