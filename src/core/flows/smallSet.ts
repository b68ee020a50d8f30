/**
 * A set of strings for the correlator's per-flow sets (states, codes, IPs), which almost always
 * hold one or two values. A `Set` costs ~200 bytes even for one value and tens of thousands of
 * flows are alive at once; every byte that outlives a young-generation collection is copied by
 * the garbage collector, which was about a fifth of a burst's CPU time. So: an exact-size array
 * while small (`concat` allocates exactly the new length, `push` would reserve 17 slots), a real
 * `Set` past {@link SMALL_MAX} values.
 */
export type SmallSet = readonly string[] | ReadonlySet<string>;

const SMALL_MAX = 8;

/** The set with `value` added (the same object when already there, else possibly a new one). */
export function addToSmallSet(set: SmallSet | undefined, value: string): SmallSet {
  if (set === undefined) return [value];
  if (isArray(set)) {
    if (set.includes(value)) return set;
    if (set.length < SMALL_MAX) return set.concat(value);
    const big = new Set(set);
    big.add(value);
    return big;
  }
  (set as Set<string>).add(value);
  return set;
}

export function smallSetHas(set: SmallSet, value: string): boolean {
  return isArray(set) ? set.includes(value) : set.has(value);
}

function isArray(set: SmallSet): set is readonly string[] {
  return Array.isArray(set);
}
