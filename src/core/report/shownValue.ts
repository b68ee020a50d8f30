/**
 * A value as a report shows it: as it is, or – when it starts or ends with whitespace, or holds
 * invisible or control characters – {@link spelledOut}, so a client id such as `"\u200bweb"` or
 * `"web "` does not look like `web` (the very mistake it may be the cause of) and does not shift
 * the columns of a table.
 *
 * @example shownValue('web') // 'web'
 * @example shownValue('web\u200b') // '"web\\u200b"'
 */
export function shownValue(s: string): string {
  return NEEDS_QUOTES_RE.test(s) ? spelledOut(s) : s;
}

/**
 * A value in quotes with its whitespace and invisible characters spelled out (`"\u200bweb "`):
 * JSON escapes for control characters, `\uXXXX` for the invisible ones JSON leaves as they are.
 */
export function spelledOut(s: string): string {
  return JSON.stringify(s).replace(INVISIBLE_RE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// eslint-disable-next-line no-control-regex -- control characters are what this looks for
const NEEDS_QUOTES_RE = /^\s|\s$|[\u0000-\u001f\u007f\u00a0\u200b-\u200d\u2060\ufeff]/;
const INVISIBLE_RE = /[\u00a0\u200b-\u200d\u2060\ufeff]/g;
