// One esbuild script for every bundle (house style §7): the extension (node, cjs, `vscode`
// external), the webview (browser, iife) and the CLI (node, cjs, with a shebang).
// `--production` minifies and drops source maps; `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { readFileSync, chmodSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { compileWat } from './wat.mjs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'warning',
  define: { __VERSION__: JSON.stringify(pkg.version) },
  legalComments: 'none',
};

const targets = [
  // The extension is two bundles: a thin activation bootstrap, and everything else, which the
  // bootstrap requires on first need (see src/host/extension.ts).
  { ...common, entryPoints: ['src/host/extension.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] },
  { ...common, entryPoints: ['src/host/main.ts'], outfile: 'dist/host.js', platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] },
  { ...common, entryPoints: ['webview/panel.ts'], outfile: 'dist/webview/panel.js', platform: 'browser', format: 'iife', target: 'es2022' },
  { ...common, entryPoints: ['src/cli/index.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', target: 'node20', banner: { js: '#!/usr/bin/env node' } },
  // The parse thread of live tails (src/sources/parseThread.ts), next to dist/host.js.
  { ...common, entryPoints: ['src/sources/parseThreadWorker.ts'], outfile: 'dist/parseThreadWorker.js', platform: 'node', format: 'cjs', target: 'node20' },
  // The scan's reader thread (src/cli/fileLines.ts readInWorker): small, so the thread starts fast.
  { ...common, entryPoints: ['src/cli/fileLinesWorker.ts'], outfile: 'dist/fileLinesWorker.js', platform: 'node', format: 'cjs', target: 'node20' },
  // The scan thread for big inputs (src/cli/scanCommand.ts scanInThread): the engine with a heap sized for it.
  { ...common, entryPoints: ['src/cli/scanThread.ts'], outfile: 'dist/scanThread.js', platform: 'node', format: 'cjs', target: 'node20' },
];

/** The panel's icons: the codicon font and its stylesheet, served from dist/webview (CSP: cspSource). */
function copyCodicons() {
  mkdirSync('dist/webview', { recursive: true });
  for (const f of ['codicon.css', 'codicon.ttf']) copyFileSync(`node_modules/@vscode/codicons/dist/${f}`, `dist/webview/${f}`);
}

/** The CLI's SIMD line gate (src/cli/candidateScan.wat), loaded by dist/cli.js from next to it. */
async function buildWasm() {
  mkdirSync('dist', { recursive: true });
  writeFileSync('dist/candidateScan.wasm', await compileWat('src/cli/candidateScan.wat'));
}

if (watch) {
  copyCodicons();
  await buildWasm();
  for (const t of targets) await (await esbuild.context(t)).watch();
  console.log('watching…');
} else {
  const started = Date.now();
  await Promise.all([...targets.map((t) => esbuild.build(t)), buildWasm()]);
  chmodSync('dist/cli.js', 0o755);
  copyCodicons();
  console.log(`built ${targets.length} bundles and candidateScan.wasm in ${Date.now() - started} ms${production ? ' (production)' : ''}`);
}
