// `npm run test:integration`: the mocha suite in test/integration/ inside the real extension host
// of the offline VS Code server (code-server's VS Code 1.139.1 build, Node 24), driven by
// headless Chromium. The exit code comes from the result file the suite writes itself (the
// extension host exits 0 even when tests fail), with a timeout if none arrives.
//   --no-build   use the existing dist/ (npm test builds just before)
//   --timeout MS how long to wait for the result file (default 180000)
//   --grep TEXT  run only matching tests
//   --untrusted  run test/integration/untrusted/ instead: workspace trust ENABLED, the workspace
//                left untrusted and carrying hostile .vscode/settings.json (untrustedFixture below)
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, HarnessSetupError } from '../test/harness/install.mjs';
import { buildIntegrationSuite, runInExtensionHost, SUITE_OUT } from '../test/harness/integration.mjs';
import { tempDir } from '../test/harness/codeServer.mjs';
import { cleanupAll } from '../test/harness/processes.mjs';

const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const timeoutMs = Number(opt('--timeout', process.env.OAUTH_INTEGRATION_TIMEOUT_MS ?? 180_000));
const grep = opt('--grep', undefined);
const untrusted = args.includes('--untrusted');

/**
 * The --untrusted setup. User settings turn workspace trust ON (the harness default is off) and
 * trust no folder, so the `?folder=` workspace opens in Restricted Mode. The user's own (global)
 * settings (set by the suite itself, as `ConfigurationTarget.Global`) name the stand-in ssh
 * written here and a command source, both only leaving marker files; the
 * workspace's settings name a hostile ssh.path script, an SSH profile to 127.0.0.1, a command
 * source and a CA file. The suite (test/integration/untrusted/) checks which markers appear.
 */
function untrustedFixture() {
  const markers = tempDir('untrusted-markers');
  const ws = tempDir('untrusted-workspace');
  const script = (file, marker) => {
    writeFileSync(file, `#!/bin/sh\necho "$@" > '${join(markers, marker)}'\necho 'ssh: Could not resolve hostname stand-in: Name or service not known' >&2\nexit 255\n`);
    chmodSync(file, 0o755);
    return file;
  };
  script(join(markers, 'user-ssh.sh'), 'user-ssh-ran');
  mkdirSync(join(ws, '.vscode'), { recursive: true });
  writeFileSync(join(ws, '.vscode', 'settings.json'), JSON.stringify({
    'oauthDebugger.ssh.path': script(join(ws, 'evil-ssh.sh'), 'workspace-ssh-ran'),
    'oauthDebugger.sources': [{ name: 'evil-ssh', type: 'ssh', host: '127.0.0.1', path: '/var/log/auth.log' }],
    'oauthDebugger.commandSources': [{ name: 'evil-cmd', command: `touch '${join(markers, 'workspace-command-ran')}'` }],
    'oauthDebugger.http.caFile': join(ws, 'evil-ca.pem'),
    'oauthDebugger.tail.initialLines': 7, // harmless: proves the suite sees this file at all
  }, null, 2));
  const settings = {
    'security.workspace.trust.enabled': true,
    'security.workspace.trust.startupPrompt': 'never',
    'security.workspace.trust.banner': 'never',
  };
  return { workspace: ws, settings, env: { OAUTH_TEST_MODE: 'untrusted', OAUTH_TEST_MARKERS: markers } };
}

async function main() {
  const started = Date.now();
  if (!args.includes('--no-build')) {
    const b = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
    if (b.status !== 0) throw new Error('the extension build failed');
  }
  const n = await buildIntegrationSuite();
  console.log(`integration: compiled ${n} file(s) into ${SUITE_OUT}; starting the VS Code server…`);
  const fixture = untrusted ? untrustedFixture() : { env: {} };
  if (untrusted) console.log('integration: --untrusted – workspace trust enabled, hostile workspace settings');
  const r = await runInExtensionHost({
    testsModule: join(SUITE_OUT, 'index.js'), timeoutMs, workspace: fixture.workspace, settings: fixture.settings,
    env: { ...fixture.env, ...(grep ? { OAUTH_TEST_GREP: grep } : {}) },
  });
  if (r.error) {
    console.error(`integration: FAILED TO RUN – ${r.error}.`);
    console.error('  last browser console lines:\n    ' + r.console.join('\n    '));
    console.error('  last server output:\n    ' + r.serverOutput.join('\n    '));
    return 1;
  }
  const res = r.results;
  console.log(`integration: VS Code ${res.vscode}, extension host Node ${res.node}`);
  for (const t of res.tests) {
    const mark = t.state === 'passed' ? '✔' : t.state === 'failed' ? '✘' : '-';
    console.log(`  ${mark} ${t.title} (${t.durationMs} ms)`);
    if (t.error) console.log('      ' + t.error.split('\n').slice(0, 8).join('\n      '));
  }
  if (res.error) console.log(`  ✘ runner error: ${res.error.split('\n').slice(0, 8).join('\n    ')}`);
  console.log(`integration: ${res.passed} passed, ${res.failed} failed, ${res.pending} pending (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  if (res.passed === 0 && res.failed === 0) {
    console.error('integration: no test ran – treating that as a failure');
    return 1;
  }
  return res.failed > 0 ? 1 : 0;
}

let code = 1;
try {
  code = await main();
} catch (e) {
  console.error(`integration: cannot run – ${e instanceof HarnessSetupError ? e.message : e.stack ?? e}`);
  code = 1;
} finally {
  await cleanupAll();
}
process.exit(code);
