/**
 * "Copy as curl": renders a recorded (already redacted) exchange as a curl command a user can paste
 * into a terminal after putting their own secrets back in. Masked values stay masked – the command
 * is meant for bug reports and chat, where secrets must never travel.
 */
import type { HttpExchange } from '../model';

/** Headers curl sets itself or that only add noise to a pasted command. */
const SKIP = new Set(['content-length', 'user-agent', 'host', 'connection']);

/**
 * @example renderCurl({ method: 'POST', url: 'https://as/token', requestHeaders: { authorization: 'Basic [fp:1a2b3c4d]' }, requestBody: 'grant_type=x', durationMs: 1 })
 * // "curl -sS -X POST 'https://as/token' \\\n  -H 'authorization: Basic [fp:1a2b3c4d]' \\\n  --data-raw 'grant_type=x'"
 */
export function renderCurl(ex: HttpExchange): string {
  const parts = [`curl -sS${ex.method === 'GET' ? '' : ` -X ${ex.method}`} ${shellQuote(ex.url)}`];
  for (const [k, v] of Object.entries(ex.requestHeaders)) {
    if (SKIP.has(k.toLowerCase())) continue;
    parts.push(`-H ${shellQuote(`${k}: ${v}`)}`);
  }
  if (ex.requestBody !== undefined && ex.requestBody !== '') parts.push(`--data-raw ${shellQuote(ex.requestBody)}`);
  return parts.join(' \\\n  ');
}

/** POSIX single-quote quoting: the only character needing care is the single quote itself. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
