// `npm run test:electron`: the same integration suite as `npm run test:integration`, launched
// with @vscode/test-electron – for machines that can download VS Code (a contributor's laptop,
// hosted CI). It downloads VS Code from update.code.visualstudio.com into .vscode-test/ on first
// use; where that host is unreachable (this project's offline CI) it fails with a clear message –
// use `npm run test:integration` there. Not part of `npm test`.
//   --version V   VS Code version to download (default: stable)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { runTests } from '@vscode/test-electron';
import { ROOT } from '../test/harness/install.mjs';
import { buildIntegrationSuite, SUITE_OUT } from '../test/harness/integration.mjs';
import { cleanupAll } from '../test/harness/processes.mjs';

const args = process.argv.slice(2);
const version = args.includes('--version') ? args[args.indexOf('--version') + 1] : 'stable';

async function main() {
  const b = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  if (b.status !== 0) throw new Error('the extension build failed');
  await buildIntegrationSuite();
  const tmp = mkdtempSync(join(tmpdir(), 'oauth-dbg-electron-'));
  const resultsFile = join(tmp, 'results.json');
  const workspace = join(tmp, 'workspace');
  try {
    let hostExit;
    try {
      hostExit = await runTests({
        version,
        extensionDevelopmentPath: ROOT,
        extensionTestsPath: join(SUITE_OUT, 'index.js'),
        extensionTestsEnv: { OAUTH_TEST_RESULTS: resultsFile },
        launchArgs: [workspace, '--disable-extensions', '--skip-welcome', '--skip-release-notes', '--disable-workspace-trust'],
        timeout: 30_000,
      });
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ECONNRESET|getaddrinfo|download|fetch/i.test(msg)) {
        console.error(`test:electron: cannot download VS Code (${version}) – ${msg}\n` +
          'This launcher needs update.code.visualstudio.com. On machines without internet use `npm run test:integration`, ' +
          'which runs the same suite in the offline VS Code server harness.');
      } else {
        console.error(`test:electron: VS Code did not run the suite – ${msg}`);
      }
      return 1;
    }
    if (!existsSync(resultsFile)) {
      console.error(`test:electron: VS Code exited (code ${hostExit}) without writing the suite's result file`);
      return 1;
    }
    const res = JSON.parse(readFileSync(resultsFile, 'utf8'));
    for (const t of res.tests) console.log(`  ${t.state === 'passed' ? '✔' : t.state === 'failed' ? '✘' : '-'} ${t.title}${t.error ? `\n      ${t.error.split('\n')[0]}` : ''}`);
    console.log(`test:electron: VS Code ${res.vscode}: ${res.passed} passed, ${res.failed} failed`);
    return res.failed > 0 || res.passed === 0 ? 1 : 0;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

let code = 1;
try {
  code = await main();
} catch (e) {
  console.error(`test:electron: cannot run – ${e.stack ?? e}`);
} finally {
  await cleanupAll();
}
process.exit(code);
