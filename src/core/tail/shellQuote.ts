/**
 * POSIX single-quote quoting: the only quoting with no special characters inside, so any
 * string – spaces, `'`, `"`, `$`, `;`, backticks, `\`, newlines – reaches the command as one
 * literal word. A `'` is written as `'\''` (close quote, escaped quote, reopen).
 *
 * @example shQuote("a b'c") === "'a b'\\''c'"
 */
export function shQuote(value: string): string {
  if (value.includes('\0')) throw new Error('A shell word cannot contain a NUL character.');
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
