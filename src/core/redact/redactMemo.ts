/**
 * redact() remembered for short strings. The same paths, error words, client ids and values come
 * back in flow after flow, and redact runs its secret patterns over each one; redact is a pure
 * function of its input, so a remembered answer is the answer. Bounded: the memory is dropped
 * when it fills, and long strings (details, messages) are not remembered at all.
 */
import { redact } from './redact';

const MAX_ENTRIES = 512;
const MAX_CHARS = 256;
const memo = new Map<string, string>();

/** Same result as `redact(text)`. */
export function redactMemo(text: string): string {
  if (text.length > MAX_CHARS) return redact(text);
  let out = memo.get(text);
  if (out === undefined) {
    if (memo.size >= MAX_ENTRIES) memo.clear();
    out = redact(text);
    memo.set(text, out);
  }
  return out;
}
