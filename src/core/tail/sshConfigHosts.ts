/** What one ssh_config file contributes to the host pick list. */
export interface SshConfigEntries {
  /** Concrete `Host` aliases, in file order, without wildcard or negated patterns. */
  hosts: string[];
  /** `Include` arguments, as written (the host side resolves `~`, relative paths and globs). */
  includes: string[];
}

/**
 * Reads the `Host` aliases from an ssh_config text for the "Tail Remote Log over SSH…" pick
 * list. Patterns (`*`, `?`, `!`) are skipped: they are not hosts one can connect to.
 * Keywords are case-insensitive and may use `=`; values may be double-quoted.
 *
 * @example parseSshConfigHosts('Host prod-1 prod-2\n  HostName 10.0.0.1\nHost *\n').hosts → ['prod-1', 'prod-2']
 */
export function parseSshConfigHosts(text: string): SshConfigEntries {
  const hosts: string[] = [];
  const includes: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(line);
    if (!m) continue;
    const keyword = m[1]!.toLowerCase();
    const args = splitArgs(m[2]!);
    if (keyword === 'host') {
      for (const a of args) {
        if (/[*?!]/.test(a) || hosts.includes(a)) continue;
        hosts.push(a);
      }
    } else if (keyword === 'include') {
      includes.push(...args);
    }
  }
  return { hosts, includes };
}

function splitArgs(s: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    const v = m[1] ?? m[2]!;
    if (v.startsWith('#')) break;
    out.push(v);
  }
  return out;
}
