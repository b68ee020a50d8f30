// `npm run bench -- activation`: the extension's activation time measured inside the real
// extension host (VS Code 1.139.1 server, Node 24 – the offline harness), as the median of
// several fresh windows of the unpacked .vsix, against a same-run baseline: an empty extension (activate() does
// nothing) measured the same way in the same server. Also the sizes of the production bundles
// and the .vsix. Targets: activation < 20 ms; dist/extension.js < 300 KB (minified).
//   --runs N   windows per extension (default 5)
import { spawnSync } from 'node:child_process';
import { statSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../test/harness/install.mjs';
import { buildIntegrationSuite, startIntegrationServer, runInExtensionHost, SUITE_OUT } from '../../test/harness/integration.mjs';
import { launchBrowser, tempDir } from '../../test/harness/codeServer.mjs';
import { cleanupAll } from '../../test/harness/processes.mjs';

const args = process.argv.slice(2);
const runs = Math.max(1, Number(args.includes('--runs') ? args[args.indexOf('--runs') + 1] : 5));
const TARGET_ACTIVATION_MS = 20;
const TARGET_EXTENSION_KB = 300;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const kb = (p) => statSync(p).size / 1024;

/** A minimal extension with the same shape (cjs main, activation on a command) and an empty activate(). */
function makeBaselineExtension() {
  const dir = tempDir('bench-baseline');
  mkdirSync(join(dir, 'dist'));
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({
    name: 'activation-baseline', publisher: 'oauth-flow-debugger', version: '0.0.0', engines: pkg.engines,
    main: './dist/extension.js', activationEvents: ['onCommand:activationBaseline.noop'],
    contributes: { commands: [{ command: 'activationBaseline.noop', title: 'noop' }] },
  }));
  writeFileSync(join(dir, 'dist', 'extension.js'), 'exports.activate = function () { return {}; };\nexports.deactivate = function () {};\n');
  return dir;
}

async function main() {
  console.log('packaging (production build + .vsix)…');
  const p = spawnSync('npm', ['run', '--silent', 'package'], { cwd: ROOT, encoding: 'utf8' });
  if (p.status !== 0) throw new Error(`npm run package failed:\n${p.stdout}\n${p.stderr}`);
  // Measure the shipped artifact: unpack the .vsix (other runs may rebuild dist/ meanwhile).
  const vsix = join(ROOT, 'dist', 'oauth-flow-debugger.vsix');
  const unpacked = tempDir('bench-vsix');
  const unzip = spawnSync('unzip', ['-q', vsix, 'extension/*', '-d', unpacked]);
  if (unzip.status !== 0) {
    const py = spawnSync('python3', ['-m', 'zipfile', '-e', vsix, unpacked]);
    if (py.status !== 0) throw new Error('cannot unpack the .vsix: neither unzip nor python3 worked');
  }
  const extRoot = join(unpacked, 'extension');
  const ext = join(extRoot, 'dist', 'extension.js');
  const sizes = {
    'dist/extension.js': kb(ext),
    // Loaded on first need (a command, a log document, a panel to restore), not at activation.
    'dist/host.js (lazy)': kb(join(extRoot, 'dist', 'host.js')),
    'dist/webview/panel.js': kb(join(extRoot, 'dist', 'webview', 'panel.js')),
    'dist/oauth-flow-debugger.vsix': kb(vsix),
  };
  await buildIntegrationSuite();
  const probe = join(SUITE_OUT, 'activationProbe.js');
  const baselineDir = makeBaselineExtension();
  const server = await startIntegrationServer();
  const browser = await launchBrowser();
  const samples = { extension: [], baseline: [] };
  for (let i = 0; i < runs; i++) {
    for (const [kind, dir] of [['baseline', baselineDir], ['extension', extRoot]]) {
      const r = await runInExtensionHost({ testsModule: probe, server, browser, extensionDevelopmentPath: dir, timeoutMs: 90_000 });
      if (r.error) throw new Error(`activation probe (${kind}) failed: ${r.error}\n${r.console?.join('\n')}`);
      if (r.results.error) throw new Error(`activation probe (${kind}): ${r.results.error}`);
      samples[kind].push(r.results.activationMs);
    }
    process.stdout.write(`  window ${i + 1}/${runs}: extension ${samples.extension.at(-1).toFixed(2)} ms, baseline ${samples.baseline.at(-1).toFixed(2)} ms\n`);
  }
  // The production bundle has no source map comment; a dev build would not be a fair figure.
  const production = !readFileSync(ext, 'utf8').includes('sourceMappingURL');
  const act = median(samples.extension);
  const base = median(samples.baseline);
  const ok = (v, t) => (v < t ? 'ok  ' : 'MISS');
  console.log(`\nactivation in the real extension host (VS Code server 1.139.1, Node 24), median of ${runs} fresh windows:`);
  console.log(`  ${ok(act, TARGET_ACTIVATION_MS)} oauth-flow-debugger   ${act.toFixed(2)} ms   (target < ${TARGET_ACTIVATION_MS} ms; all: ${samples.extension.map((x) => x.toFixed(1)).join(', ')})`);
  console.log(`       empty extension       ${base.toFixed(2)} ms   (baseline; all: ${samples.baseline.map((x) => x.toFixed(1)).join(', ')})`);
  console.log(`       cost over baseline    ${(act - base).toFixed(2)} ms`);
  console.log(`\nsizes of the packaged files (${production ? 'production build' : 'WARNING: the .vsix holds a dev build'}):`);
  for (const [name, size] of Object.entries(sizes)) {
    const target = name === 'dist/extension.js' ? `  (target < ${TARGET_EXTENSION_KB} KB)` : '';
    console.log(`  ${name === 'dist/extension.js' ? ok(size, TARGET_EXTENSION_KB) : '    '} ${name.padEnd(32)} ${size.toFixed(1).padStart(8)} KB${target}`);
  }
  return act < TARGET_ACTIVATION_MS && sizes['dist/extension.js'] < TARGET_EXTENSION_KB && production ? 0 : 1;
}

let code = 1;
try {
  code = await main();
} catch (e) {
  console.error(`bench activation: ${e.stack ?? e}`);
} finally {
  await cleanupAll();
}
process.exit(code);
