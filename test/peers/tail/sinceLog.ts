/**
 * A Laravel log spanning five hours up to `now` (one entry a minute, every 7th with a stack
 * trace, some untimed noise), and what a start "since 30 minutes ago" must deliver: the first
 * entry at or after T and every line after it. Shared by the local and SSH peer tests.
 */
export interface SinceLog {
  text: string;
  since: number;
  expected: string[];
  /** File line number of the first expected line. */
  firstLine: number;
  totalLines: number;
}

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

export function sinceLog(now: number): SinceLog {
  const rows: { text: string; time?: number }[] = [];
  for (let i = 300; i >= 1; i--) {
    const at = Math.floor((now - i * 60_000) / 1000) * 1000;
    rows.push({ text: `[${stamp(at)}] production.INFO: GET /oauth/authorize?client_id=web&state=s${i}`, time: at });
    if (i % 7 === 0) rows.push({ text: '[stacktrace]' }, { text: `#0 /var/www/app/Http/Controllers/OAuthController.php(42): callback(${i})` }, { text: '"}' });
    if (i % 11 === 0) rows.push({ text: `untimed noise ${i}` });
  }
  // Mid-way between two entries, so clock jitter cannot move the boundary.
  const since = Math.floor((now - 30 * 60_000) / 1000) * 1000 - 30_000;
  const first = rows.findIndex((r) => r.time !== undefined && r.time >= since);
  return {
    text: rows.map((r) => r.text).join('\n') + '\n',
    since,
    expected: rows.slice(first).map((r) => r.text),
    firstLine: first + 1,
    totalLines: rows.length,
  };
}
