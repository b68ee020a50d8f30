// `npm test`: every test tier, in order – type-check, lint, unit, peers (when test/peers has
// tests), build + integration in the real extension host, end-to-end UI in code-server. All
// tiers run even after a failure (so one run shows everything); the exit code is non-zero if
// any tier failed or could not start. The real VS Code is installed into .vscode-test/ in the
// background while the fast tiers run (first run only; later runs reuse it).
import { spawn } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function hasTests(dir) {
  if (!existsSync(dir)) return false;
  return readdirSync(dir).some((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? hasTests(p) : /\.test\.ts$/.test(n);
  });
}

/** Runs a command with inherited output (or captured, when `capture`); resolves its exit code. */
function exec(cmd, args, { capture = false } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    let out = '';
    child.stdout?.on('data', (d) => (out += d));
    child.stderr?.on('data', (d) => (out += d));
    child.on('error', (e) => resolve({ code: 127, out: `${out}\ncannot start ${cmd}: ${e.message}` }));
    child.on('exit', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), out }));
  });
}

// Start installing Node 24 + code-server now (no-op when cached); the integration tier awaits it.
const install = exec(process.execPath, [join(ROOT, 'test', 'harness', 'install.mjs')], { capture: true });
let installReported = false;
async function harnessReady() {
  const r = await install;
  if (!installReported) {
    installReported = true;
    process.stdout.write(r.out);
    if (r.code !== 0) console.error('npm test: the real-VS-Code harness could not be installed (see above).');
  }
  return r.code === 0;
}

const tiers = [
  { name: 'typecheck', run: () => exec(npm, ['run', '--silent', 'typecheck']) },
  { name: 'lint', run: () => exec(npm, ['run', '--silent', 'lint']) },
  { name: 'unit', run: () => exec(npm, ['run', '--silent', 'test:unit']) },
  { name: 'peers', skip: !hasTests(join(ROOT, 'test', 'peers')) && 'no tests in test/peers', run: () => exec(npm, ['run', '--silent', 'test:peers']) },
  { name: 'build', run: () => exec(npm, ['run', '--silent', 'build']) },
  { name: 'integration', needsHarness: true, run: () => exec(process.execPath, [join(ROOT, 'scripts', 'test-integration.mjs'), '--no-build']) },
  // The same tier with workspace trust enabled and a hostile, untrusted workspace (test/integration/untrusted/).
  { name: 'untrusted', needsHarness: true, run: () => exec(process.execPath, [join(ROOT, 'scripts', 'test-integration.mjs'), '--no-build', '--untrusted']) },
  { name: 'e2e', needsHarness: true, run: () => exec(process.execPath, [join(ROOT, 'scripts', 'test-e2e.mjs')]) },
];

const results = [];
const allStarted = Date.now();
for (const tier of tiers) {
  if (tier.skip) {
    console.log(`\n=== ${tier.name}: skipped (${tier.skip}) ===`);
    results.push({ name: tier.name, status: 'skipped', seconds: 0 });
    continue;
  }
  console.log(`\n=== ${tier.name} ===`);
  const started = Date.now();
  let code;
  if (tier.needsHarness && !(await harnessReady())) code = 1;
  else code = (await tier.run()).code;
  const seconds = (Date.now() - started) / 1000;
  results.push({ name: tier.name, status: code === 0 ? 'passed' : 'FAILED', seconds });
  console.log(`=== ${tier.name}: ${code === 0 ? 'passed' : `FAILED (exit ${code})`} in ${seconds.toFixed(1)} s ===`);
}
if (!installReported) await harnessReady();

const passed = results.filter((r) => r.status === 'passed').length;
const failed = results.filter((r) => r.status === 'FAILED').length;
console.log('\nnpm test – tiers:');
for (const r of results) console.log(`  ${r.status.padEnd(7)} ${r.name.padEnd(12)} ${r.status === 'skipped' ? '' : `${r.seconds.toFixed(1)} s`}`);
console.log(`  total ${((Date.now() - allStarted) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
