import { parseTailStart } from './tailStart';

/** A named log source from the `oauthDebugger.sources` setting. */
export interface SourceProfile {
  name: string;
  type: 'local' | 'ssh';
  /** SSH destination as ssh accepts it: a `~/.ssh/config` alias, `user@host` or `ssh://user@host:port`. */
  host?: string;
  path: string;
  /** Extended regular expression; for SSH it runs on the server (`grep -i -E`). */
  filter?: string;
  format?: string;
  /**
   * Where tailing starts (see parseTailStart): `"200"` lines, a duration (`"15m"`, `"2h"`) or a
   * time (`"2026-11-28T10:00"`). Kept as written: durations are relative to the moment tailing
   * starts. Unset = ask (or the last choice).
   */
  start?: string;
}

/** A command whose output is tailed, from `oauthDebugger.commandSources` (global settings only). */
export interface CommandProfile {
  name: string;
  command: string;
}

/**
 * Validates the `oauthDebugger.sources` value (settings are user input: anything can be there).
 * Returns the usable profiles and one problem message per entry that was skipped.
 */
export function parseSourceProfiles(value: unknown): { profiles: SourceProfile[]; problems: string[] } {
  const profiles: SourceProfile[] = [];
  const problems: string[] = [];
  if (value === undefined || value === null) return { profiles, problems };
  if (!Array.isArray(value)) return { profiles, problems: ['"oauthDebugger.sources" must be an array.'] };
  value.forEach((v, i) => {
    const where = `oauthDebugger.sources[${i}]`;
    if (!v || typeof v !== 'object') return void problems.push(`${where} is not an object.`);
    const o = v as Record<string, unknown>;
    const name = str(o.name);
    const type = o.type === 'ssh' || o.type === 'local' ? o.type : undefined;
    const path = str(o.path);
    if (!name) return void problems.push(`${where} has no "name".`);
    if (!type) return void problems.push(`${where} ("${name}") needs "type": "local" or "ssh".`);
    if (!path) return void problems.push(`${where} ("${name}") has no "path".`);
    const host = str(o.host);
    if (type === 'ssh') {
      const hostProblem = checkSshHost(host);
      if (hostProblem) return void problems.push(`${where} ("${name}"): ${hostProblem}`);
    }
    const p: SourceProfile = { name, type, path };
    if (type === 'ssh') p.host = host;
    const filter = str(o.filter);
    if (filter) p.filter = filter;
    const format = str(o.format);
    if (format) p.format = format;
    if (o.start !== undefined && o.start !== null && o.start !== '') {
      const start = typeof o.start === 'number' ? String(o.start) : str(o.start);
      const parsed = parseTailStart(typeof o.start === 'number' ? o.start : start, Date.now());
      if (!parsed.ok) problems.push(`${where} ("${name}"): "start" ignored: ${parsed.error}`);
      else p.start = start;
    }
    profiles.push(p);
  });
  return { profiles, problems };
}

/** Validates `oauthDebugger.commandSources` (read from global settings only by the host). */
export function parseCommandProfiles(value: unknown): CommandProfile[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((v) => {
    if (!v || typeof v !== 'object') return [];
    const o = v as Record<string, unknown>;
    const name = str(o.name);
    const command = str(o.command);
    return name && command ? [{ name, command }] : [];
  });
}

/**
 * Why an SSH destination is unusable, or undefined when it is fine. A leading `-` would be read
 * by ssh as an option (e.g. `-oProxyCommand=…`), so it is refused even though `--` is passed.
 */
export function checkSshHost(host: string | undefined): string | undefined {
  if (!host) return 'no SSH host given.';
  if (host.startsWith('-')) return `"${host}" is not a host name (it starts with "-").`;
  if (/[\s\0]/.test(host)) return `"${host}" contains whitespace.`;
  return undefined;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v.trim() : '';
}
