// Runs the pure-core unit tests (node:test) in plain Node, TypeScript loaded through tsx.
// Node 20's --test takes no globs, so the files are listed here.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return find(p);
    return /\.test\.ts$/.test(name) ? [p] : [];
  });
}

// `--dir test/peers` runs the tests against real peers (authorization server, sshd) instead.
const args = process.argv.slice(2);
const dirIndex = args.indexOf('--dir');
const dir = dirIndex >= 0 ? args[dirIndex + 1] : 'test/unit';
const only = args.filter((a, i) => !a.startsWith('-') && (dirIndex < 0 || i !== dirIndex + 1));
const files = only.length ? only : find(dir).sort();
if (files.length === 0) {
  console.error(`no test files found under ${dir}`);
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=1', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
