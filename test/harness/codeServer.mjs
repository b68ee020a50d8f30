// Reusable helpers for tests that run the extension in a real VS Code (see
// ../shared/docs/real-vscode-tests.md): the VS Code server with the smoke-test driver for the
// integration suite, code-server with the packaged .vsix for UI tests, and headless Debian
// Chromium through playwright-core. Ports are chosen at run time; every process and temp folder
// is cleaned up on exit (processes.mjs), also after a failure or timeout.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { chromium } from 'playwright-core';
import { ensureVsCodeServer, node24Env, chromiumPath, ROOT, HarnessSetupError } from './install.mjs';
import { spawnTracked, waitForOutput, freePort, run, onCleanup, sleep, tail } from './processes.mjs';

export { ensureVsCodeServer, ensureNode24, chromiumPath, ROOT, CACHE, HarnessSetupError } from './install.mjs';
export { cleanupAll, onCleanup, freePort, sleep } from './processes.mjs';

/** Where screenshots and result files go (git-ignored). */
export const RESULTS_DIR = join(ROOT, 'test-results');

/**
 * User settings for a test window: no Restricted Mode, welcome page, chat pane, tips or
 * update/telemetry traffic in the way. Tests that need workspace trust pass their own
 * `security.workspace.trust.enabled` on purpose.
 */
export const QUIET_SETTINGS = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'chat.disableAIFeatures': true,
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'extensions.ignoreRecommendations': true,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'git.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

/** A fresh temp folder removed on exit. */
export function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), `oauth-dbg-${prefix}-`));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function writeUserSettings(userDataDir, settings) {
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...settings }, null, 2));
}

/**
 * Starts the VS Code server itself (server-main.js, not code-server's CLI, which rejects
 * `--enable-smoke-test-driver`): the built workbench then honours the `payload` URL parameter,
 * which is how the integration suite is loaded as `extensionTestsPath` into the real extension
 * host. `env` reaches the extension host (used to tell the suite where to write its results).
 */
export async function startVsCodeServer({ settings = {}, env = {}, readyTimeoutMs = 60_000 } = {}) {
  const vs = await ensureVsCodeServer();
  const base = tempDir('vscode-server');
  const userDataDir = join(base, 'user-data');
  const serverDataDir = join(base, 'server-data');
  const extensionsDir = join(base, 'extensions');
  mkdirSync(extensionsDir, { recursive: true });
  writeUserSettings(userDataDir, settings);
  const port = await freePort();
  const proc = spawnTracked(vs.node, [
    vs.serverMain,
    '--host', '127.0.0.1', '--port', String(port),
    '--without-connection-token', '--accept-server-license-terms', '--enable-smoke-test-driver',
    '--user-data-dir', userDataDir, '--server-data-dir', serverDataDir, '--extensions-dir', extensionsDir,
    '--disable-telemetry',
  ], { env: node24Env(vs.node, env), label: 'vscode-server' });
  await waitForOutput(proc, /Extension host agent listening on|Web UI available at/, readyTimeoutMs, 'VS Code server');
  const url = `http://127.0.0.1:${port}`;
  return {
    url, port, proc, userDataDir, serverDataDir, extensionsDir,
    /** `vscode-remote://` form of a local path, as the payload wants it. */
    remoteUri: (p) => `vscode-remote://127.0.0.1:${port}${resolve(p)}`,
    stop: () => stopProc(proc),
  };
}

/** The workbench URL that loads `extensionTestsPath` into the extension host of `server`. */
export function integrationUrl(server, { workspace, extensionDevelopmentPath = ROOT, extensionTestsPath }) {
  const payload = [
    ['extensionDevelopmentPath', server.remoteUri(extensionDevelopmentPath)],
    ['extensionTestsPath', server.remoteUri(extensionTestsPath)],
  ];
  return `${server.url}/?folder=${encodeURIComponent(resolve(workspace))}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/**
 * Installs `vsix` into a clean extensions folder (with the server stopped: a stale copy makes
 * VS Code answer "Please restart VS Code before reinstalling") and starts code-server on a free
 * 127.0.0.1 port (or `port`) with `workspace` open. Returns `{ url, port, workspace, userDataDir,
 * extensionsDir, proc, stop() }`.
 */
export async function startCodeServer({ workspace, vsix, settings = {}, env = {}, port: wantedPort, readyTimeoutMs = 60_000 } = {}) {
  const vs = await ensureVsCodeServer();
  const base = tempDir('code-server');
  const userDataDir = join(base, 'user-data');
  const extensionsDir = join(base, 'extensions');
  mkdirSync(extensionsDir, { recursive: true });
  writeUserSettings(userDataDir, settings);
  const ws = workspace ? resolve(workspace) : join(base, 'workspace');
  mkdirSync(ws, { recursive: true });
  const csEnv = node24Env(vs.node, { ...env, XDG_DATA_HOME: join(base, 'xdg-data'), XDG_CONFIG_HOME: join(base, 'xdg-config') });
  if (vsix) {
    if (!existsSync(vsix)) throw new HarnessSetupError(`no .vsix at ${vsix}: run \`npm run package\` first`);
    const out = await run(vs.node, [vs.entry, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', resolve(vsix)], { quiet: true, env: csEnv, timeoutMs: 120_000 });
    if (!/successfully installed/i.test(out)) throw new Error(`installing ${vsix} into code-server did not report success:\n${tail(out)}`);
  }
  const port = wantedPort ?? (await freePort());
  const proc = spawnTracked(vs.node, [
    vs.entry,
    '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    ws,
  ], { env: csEnv, label: 'code-server' });
  await waitForOutput(proc, /HTTP server listening on/, readyTimeoutMs, 'code-server');
  return { url: `http://127.0.0.1:${port}`, port, workspace: ws, userDataDir, extensionsDir, proc, stop: () => stopProc(proc) };
}

async function stopProc(proc) {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  try { process.kill(-proc.pid, 'SIGTERM'); } catch { return; }
  const exited = new Promise((r) => proc.once('exit', r));
  if (await Promise.race([exited.then(() => true), sleep(5000).then(() => false)])) return;
  try { process.kill(-proc.pid, 'SIGKILL'); } catch { /* gone */ }
}

/** Headless Debian Chromium (closed on exit). */
export async function launchBrowser({ headless = !process.env.HARNESS_HEADED } = {}) {
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
  onCleanup(() => browser.close().catch(() => {}));
  return browser;
}

/**
 * A new page in its own browser context (clean storage: no state leaks between specs). Console
 * errors are kept in `page.consoleLines` for failure messages.
 */
export async function newPage(browser, { width = 1400, height = 900 } = {}) {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  page.consoleLines = [];
  page.on('console', (m) => {
    page.consoleLines.push(`[${m.type()}] ${m.text()}`);
    if (page.consoleLines.length > 500) page.consoleLines.shift();
  });
  page.on('pageerror', (e) => page.consoleLines.push(`[pageerror] ${e.message}`));
  return page;
}

/**
 * Opens the workbench of `server` (an object from startCodeServer / startVsCodeServer, or a base
 * URL) on `folder` and waits until it is usable.
 */
export async function openWorkbench(page, server, folder, { timeoutMs = 60_000 } = {}) {
  const base = typeof server === 'string' ? server : server.url;
  const dir = folder ?? (typeof server === 'object' ? server.workspace : undefined);
  const url = dir ? `${base}/?folder=${encodeURIComponent(resolve(dir))}` : base;
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: timeoutMs });
  // The activity bar and status bar appear once the workbench has restored its layout.
  await page.locator('.part.activitybar, .part.statusbar').first().waitFor({ state: 'visible', timeout: timeoutMs });
}

/**
 * Runs a command through the palette as a user does: F1, type the title, pick the entry whose
 * label matches `title`, Enter. Extensions of a remote window register their contributions a
 * moment after the workbench appears, so "No matching commands" is retried until `timeoutMs`.
 */
export async function runPaletteCommand(page, title, { timeoutMs = 30_000 } = {}) {
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await page.keyboard.press('F1');
    try {
      await input.waitFor({ state: 'visible', timeout: 5000 });
      await input.fill(`>${title}`);
      await row.waitFor({ state: 'visible', timeout: 3000 });
      break;
    } catch (e) {
      if (Date.now() > deadline) {
        throw new Error(`palette: no command "${title}" after ${timeoutMs} ms (${e.message.split('\n')[0]})`);
      }
      await page.keyboard.press('Escape');
      await sleep(1000);
    }
  }
  const label = (await row.getAttribute('aria-label')) ?? (await row.innerText());
  if (!label.includes(title)) throw new Error(`palette entry "${label}" does not match "${title}"`);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => {});
}

/**
 * The frame holding an extension webview's own document. VS Code nests it two iframes deep
 * (`iframe.webview` → `#active-frame`); this waits until a frame exists in which `selector`
 * is present (and, when given, contains `text`).
 */
export async function webviewFrame(page, { selector = 'body', text, timeoutMs = 30_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      try {
        const found = await frame.evaluate(
          ([sel, txt]) => {
            const el = globalThis.document.querySelector(sel);
            return !!el && (!txt || (el.textContent ?? '').includes(txt));
          },
          [selector, text ?? ''],
        );
        if (found && frame.parentFrame() !== page.mainFrame()) return frame;
      } catch { /* frame detached or navigating: try the next one */ }
    }
    if (Date.now() > deadline) {
      throw new Error(`no webview frame with ${selector}${text ? ` containing "${text}"` : ''} after ${timeoutMs} ms (frames: ${page.frames().map((f) => f.url().slice(0, 80)).join(', ')})`);
    }
    await sleep(250);
  }
}

/** Saves a full-page screenshot as test-results/NAME.png and returns its path. */
export async function screenshot(page, name) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path: file });
  return file;
}
