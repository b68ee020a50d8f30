// `npm run bench`: runs every benchmark in scripts/bench/ (each prints its own figures and
// compares against a baseline measured in the same run). `npm run bench -- NAME` runs one.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const only = process.argv.slice(2);
const all = readdirSync(new URL('./bench/', import.meta.url)).filter((f) => f.endsWith('.mjs')).sort();
const chosen = only.length ? all.filter((f) => only.some((o) => f.includes(o))) : all;
let failed = 0;
for (const file of chosen) {
  console.log(`\n=== bench: ${file.replace(/\.mjs$/, '')} ===`);
  const r = spawnSync(process.execPath, [new URL(`./bench/${file}`, import.meta.url).pathname], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
