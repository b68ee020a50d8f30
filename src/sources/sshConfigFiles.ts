import { readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { parseSshConfigHosts } from '../core/tail/sshConfigHosts';

/**
 * The concrete Host aliases of the user's ssh client configuration (`~/.ssh/config` and the
 * files it `Include`s, relative to ~/.ssh, with `*`/`?` globs in the file name), in order, for
 * the "Tail Remote Log over SSH…" pick list. Unreadable files are skipped: this only offers
 * names; ssh itself reads the configuration when connecting.
 */
export function readSshConfigHosts(configPath = join(homedir(), '.ssh', 'config')): string[] {
  const hosts: string[] = [];
  const seen = new Set<string>();
  const visit = (file: string, depth: number): void => {
    if (depth > 8 || seen.has(file)) return;
    seen.add(file);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return;
    }
    const parsed = parseSshConfigHosts(text);
    for (const h of parsed.hosts) if (!hosts.includes(h)) hosts.push(h);
    for (const inc of parsed.includes) {
      const expanded = inc.startsWith('~/') ? join(homedir(), inc.slice(2)) : isAbsolute(inc) ? inc : join(dirname(configPath), inc);
      for (const f of expandGlob(expanded)) visit(f, depth + 1);
    }
  };
  visit(configPath, 0);
  return hosts;
}

function expandGlob(path: string): string[] {
  const name = basename(path);
  if (!/[*?]/.test(name)) return [path];
  const re = new RegExp(`^${name.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  try {
    return readdirSync(dirname(path)).filter((f) => re.test(f)).sort().map((f) => join(dirname(path), f));
  } catch {
    return [];
  }
}
