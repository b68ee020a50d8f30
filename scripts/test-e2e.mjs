// `npm run test:e2e`: end-to-end UI tests. Packages the extension (`npm run package`), installs
// the .vsix into a clean code-server (the VS Code 1.139.1 server build, offline), launches
// headless Debian Chromium, then runs every spec in test/e2e/ (`*.e2e.mjs`, or `*.e2e.ts`
// through tsx) with mocha, all sharing that one code-server and browser (test/harness/e2eSession.mjs).
// Screenshots and test-results/e2e-results.json land in test-results/.
//   --no-package   reuse dist/oauth-flow-debugger.vsix
//   --grep TEXT    run only matching tests
//   FILE…          run only these spec files
import { readdirSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import Mocha from 'mocha';
import { ROOT, HarnessSetupError } from '../test/harness/install.mjs';
import { startCodeServer, launchBrowser, tempDir, RESULTS_DIR } from '../test/harness/codeServer.mjs';
import { setE2eSession } from '../test/harness/e2eSession.mjs';
import { cleanupAll } from '../test/harness/processes.mjs';

const args = process.argv.slice(2);
const grep = args.includes('--grep') ? args[args.indexOf('--grep') + 1] : undefined;
const only = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--grep');
const VSIX = join(ROOT, 'dist', 'oauth-flow-debugger.vsix');
const E2E_DIR = join(ROOT, 'test', 'e2e');

function specFiles() {
  if (only.length) return only.map((f) => resolve(f));
  return readdirSync(E2E_DIR).filter((f) => /\.e2e\.(mjs|ts)$/.test(f)).sort().map((f) => join(E2E_DIR, f));
}

async function main() {
  const started = Date.now();
  const files = specFiles();
  if (files.length === 0) throw new Error(`no *.e2e.mjs / *.e2e.ts specs in ${E2E_DIR}`);
  if (!args.includes('--no-package')) {
    const p = spawnSync('npm', ['run', '--silent', 'package'], { cwd: ROOT, encoding: 'utf8' });
    if (p.status !== 0) throw new Error(`npm run package failed:\n${p.stdout}\n${p.stderr}`);
  }
  if (!existsSync(VSIX)) throw new HarnessSetupError(`no ${VSIX}: run npm run package`);
  if (files.some((f) => f.endsWith('.ts'))) {
    const { register } = await import('tsx/esm/api');
    register();
  }

  const workspace = tempDir('e2e-workspace');
  writeFileSync(join(workspace, 'README.md'), '# e2e workspace\n\nOpened by the OAuth Flow Debugger end-to-end tests.\n');
  const server = await startCodeServer({ workspace, vsix: VSIX });
  const browser = await launchBrowser();
  setE2eSession({ server, browser, vsix: VSIX });
  console.log(`e2e: code-server ${server.url} with ${VSIX} installed (${((Date.now() - started) / 1000).toFixed(1)} s); ${files.length} spec file(s)`);

  const mocha = new Mocha({ ui: 'bdd', timeout: 120_000, reporter: 'spec', color: !!process.stdout.isTTY });
  if (grep) mocha.grep(grep);
  for (const f of files) mocha.addFile(f);
  await mocha.loadFilesAsync();
  const tests = [];
  const failures = await new Promise((resolveRun) => {
    const runner = mocha.run((n) => resolveRun(n));
    runner.on('pass', (t) => tests.push({ title: t.fullTitle(), file: t.file, state: 'passed', durationMs: t.duration }));
    runner.on('fail', (t, err) => tests.push({ title: t.fullTitle(), file: t.file, state: 'failed', durationMs: t.duration, error: String(err?.stack ?? err) }));
  });
  const passed = tests.filter((t) => t.state === 'passed').length;
  const failed = tests.filter((t) => t.state === 'failed').length;
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, 'e2e-results.json'), JSON.stringify({ passed, failed, tests, seconds: (Date.now() - started) / 1000 }, null, 2));
  console.log(`e2e: ${passed} passed, ${failed} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  if (passed + failed === 0) {
    console.error('e2e: no test ran – treating that as a failure');
    return 1;
  }
  return failures > 0 || failed > 0 ? 1 : 0;
}

let code = 1;
try {
  code = await main();
} catch (e) {
  console.error(`e2e: cannot run – ${e instanceof HarnessSetupError ? e.message : e.stack ?? e}`);
  code = 1;
} finally {
  await cleanupAll();
}
process.exit(code);
