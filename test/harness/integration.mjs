// Builds the integration suite (esbuild, `vscode` and `mocha` external) and runs a compiled
// `extensionTestsPath` module inside the real extension host of the offline VS Code server,
// reading the result file the module writes (the host itself exits 0 even when tests fail).
import { readdirSync, statSync, existsSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as esbuild from 'esbuild';
import { ROOT } from './install.mjs';
import { startVsCodeServer, integrationUrl, launchBrowser, newPage, tempDir } from './codeServer.mjs';
import { sleep, onCleanup } from './processes.mjs';

export const SUITE_SRC = join(ROOT, 'test', 'integration');
/**
 * Per-process output folder (removed on exit): several test runs in one checkout (other
 * helpers, a bench) must not delete each other's compiled suite mid-run. It stays under the
 * repository so the compiled files resolve `mocha` from its node_modules.
 */
export const SUITE_OUT = join(ROOT, 'out', 'integration', `run-${process.pid}`);

function findTs(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'fixtures' ? [] : findTs(p);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [p] : [];
  });
}

/**
 * Compiles every .ts under test/integration/ to SUITE_OUT (flat: `a/b.test.ts` →
 * `a-b.test.js`), one bundle per file so each test file is its own mocha file. The extension
 * under test is NOT bundled in: tests reach it through `vscode.extensions` and its exported API.
 */
export async function buildIntegrationSuite() {
  rmSync(SUITE_OUT, { recursive: true, force: true });
  mkdirSync(SUITE_OUT, { recursive: true });
  onCleanup(() => rmSync(SUITE_OUT, { recursive: true, force: true }));
  const files = findTs(SUITE_SRC);
  const entryPoints = files.map((f) => ({ in: f, out: relative(SUITE_SRC, f).replace(/\.ts$/, '').replace(/[\\/]/g, '-') }));
  await esbuild.build({
    entryPoints,
    outdir: SUITE_OUT,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  return files.length;
}

/**
 * A VS Code server whose extension hosts write their results to `server.resultsFile` (the path
 * travels in the server's environment, which every extension host inherits). One server can
 * serve several windows one after another; each window gets a fresh extension host.
 */
export async function startIntegrationServer({ settings, env = {} } = {}) {
  const resultsFile = join(tempDir('results'), 'results.json');
  const server = await startVsCodeServer({ settings, env: { ...env, OAUTH_TEST_RESULTS: resultsFile } });
  return Object.assign(server, { resultsFile });
}

/**
 * Opens a window whose extension host loads `testsModule` (a compiled extensionTestsPath module)
 * with `extensionDevelopmentPath` (default: this repository) as the extension under development, and waits for the JSON result file.
 * Resolves `{ results, ms }`, or `{ error, ms, console, serverOutput }` when no result arrived
 * within `timeoutMs`. Pass `server`/`browser` to reuse them across windows.
 */
export async function runInExtensionHost({ testsModule, workspace, server, browser, settings, env, extensionDevelopmentPath = ROOT, timeoutMs = 180_000 }) {
  const srv = server ?? (await startIntegrationServer({ settings, env }));
  const b = browser ?? (await launchBrowser());
  const ws = workspace ?? tempDir('workspace');
  rmSync(srv.resultsFile, { force: true });
  const page = await newPage(b);
  const started = Date.now();
  await page.goto(integrationUrl(srv, { workspace: ws, extensionDevelopmentPath, extensionTestsPath: testsModule }), { waitUntil: 'domcontentloaded', timeout: 60_000 });
  let results;
  while (Date.now() - started < timeoutMs) {
    if (existsSync(srv.resultsFile)) {
      try {
        results = JSON.parse(readFileSync(srv.resultsFile, 'utf8'));
        break;
      } catch { /* being written: retry */ }
    }
    if (srv.proc.exitCode !== null) break;
    await sleep(200);
  }
  const ms = Date.now() - started;
  const consoleLines = page.consoleLines.slice(-40);
  await page.context().close().catch(() => {});
  if (!results) {
    const why = srv.proc.exitCode !== null ? `the VS Code server exited (code ${srv.proc.exitCode})` : `no result file after ${timeoutMs} ms`;
    return { error: why, ms, console: consoleLines, serverOutput: srv.proc.output.split('\n').slice(-40) };
  }
  return { results, ms, console: consoleLines };
}
