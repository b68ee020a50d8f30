// `npm run demo:vscode`: VS Code in the browser (code-server, offline) on 127.0.0.1 with the
// packaged extension installed and the demo workspace open. Prints the URL and runs until Ctrl-C;
// code-server and its temp profile are removed on exit.
//   --port N          listen on N (default: 8080 when free, otherwise a free port)
//   --workspace DIR   folder to open (default: demo/, or demo/workspace/ created with a README
//                     when demo/ holds nothing yet)
//   --no-package      reuse dist/oauth-flow-debugger.vsix
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT, HarnessSetupError } from '../test/harness/install.mjs';
import { startCodeServer } from '../test/harness/codeServer.mjs';
import { cleanupAll, shuttingDown } from '../test/harness/processes.mjs';

const args = process.argv.slice(2);
const opt = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);

function demoWorkspace() {
  const given = opt('--workspace');
  if (given) return resolve(given);
  const demo = join(ROOT, 'demo');
  if (existsSync(demo) && readdirSync(demo).some((n) => n !== 'workspace')) return demo;
  const ws = join(demo, 'workspace');
  mkdirSync(ws, { recursive: true });
  if (readdirSync(ws).length === 0) {
    writeFileSync(join(ws, 'README.md'), '# OAuth Flow Debugger demo workspace\n\nRun **OAuth: Diagnose** from the Command Palette (F1), or open the OAuth view in the activity bar.\n');
  }
  return ws;
}

function portFree(port) {
  return new Promise((res) => {
    const s = createServer();
    s.once('error', () => res(false));
    s.listen(port, '127.0.0.1', () => s.close(() => res(true)));
  });
}

async function main() {
  if (!args.includes('--no-package')) {
    console.log('packaging the extension (npm run package)…');
    const p = spawnSync('npm', ['run', '--silent', 'package'], { cwd: ROOT, encoding: 'utf8' });
    if (p.status !== 0) throw new Error(`npm run package failed:\n${p.stdout}\n${p.stderr}`);
  }
  const workspace = demoWorkspace();
  const wanted = opt('--port') ? Number(opt('--port')) : (await portFree(8080)) ? 8080 : undefined;
  console.log('starting code-server (first run installs it into .vscode-test/, 2–4 minutes)…');
  const server = await startCodeServer({ workspace, vsix: join(ROOT, 'dist', 'oauth-flow-debugger.vsix'), port: wanted });
  console.log(`\nOAuth Flow Debugger demo: ${server.url}/?folder=${encodeURIComponent(workspace)}`);
  console.log(`workspace: ${workspace}`);
  console.log('Open it in a browser, press F1 and run "OAuth: Diagnose". Ctrl-C stops the demo.\n');
  await new Promise((res) => server.proc.once('exit', res));
  if (shuttingDown()) return 0;
  console.error(`code-server exited (code ${server.proc.exitCode}).\n${server.proc.output.split('\n').slice(-20).join('\n')}`);
  return 1;
}

let code = 1;
try {
  code = await main();
} catch (e) {
  console.error(`demo: cannot start – ${e instanceof HarnessSetupError ? e.message : e.stack ?? e}`);
} finally {
  await cleanupAll();
}
if (!shuttingDown()) process.exit(code);
