// `npm run demo` – the README's main command. Needs nothing beyond `npm install`:
//   1. reads a bundled example server log (Laravel + nginx) and diagnoses every flow in it;
//   2. starts an embedded authorization server (oidc-provider) with a deliberately misconfigured
//      client and a small MCP-style protected resource, and runs every probe against it;
//   3. runs a live authorization-code + PKCE flow against it, headless (Chromium when installed,
//      otherwise a plain HTTP client that fills in the server's real login and consent forms);
//   4. opens VS Code in the browser on 127.0.0.1 with the extension installed and the demo
//      workspace, the authorization server still running, and prints the URL (skip: --no-vscode).
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { startDemoServer } from './demo-server.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const withVsCode = !args.includes('--no-vscode') && !process.env.CI;
const bold = (s) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const heading = (n, s) => console.log(`\n${bold(`── ${n}. ${s} ${'─'.repeat(Math.max(0, 70 - s.length))}`)}\n`);

async function loadSrc(path) {
  const { tsImport } = await import('tsx/esm/api');
  return tsImport(new URL(`../${path}`, import.meta.url).href, import.meta.url);
}

// The embedded servers live in this process, so children run asynchronously (a blocking spawn
// would freeze the very server the child is probing).
function run(cmd, argv, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
    child.once('error', () => resolve(1));
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

// oidc-provider's development notices ("quick start keys", default TTLs) are for its own users,
// not for the demo's reader.
for (const level of ['warn', 'info', 'log']) {
  const original = console[level].bind(console);
  console[level] = (...a) => (typeof a[0] === 'string' && /^oidc-provider (WARNING|NOTICE)/.test(a[0]) ? undefined : original(...a));
}

/**
 * A browserless stand-in for the user: follows the authorize redirects with a cookie jar and
 * submits oidc-provider's real login and consent forms, then lets the browser "arrive" at the
 * loopback callback. Used when no Chromium is installed.
 */
function httpUser() {
  const jar = new Map();
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const keep = (res) => {
    for (const c of res.headers.getSetCookie?.() ?? []) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      if (i > 0) jar.set(pair.slice(0, i).trim(), pair.slice(i + 1));
    }
  };
  async function request(url, init = {}) {
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers ?? {}), cookie: cookieHeader() }, signal: AbortSignal.timeout(10_000) });
    keep(res);
    return res;
  }
  return async (authorizeUrl) => {
    const callbackOrigin = new URL(new URL(authorizeUrl).searchParams.get('redirect_uri')).origin;
    let url = authorizeUrl;
    let init = {};
    for (let hop = 0; hop < 12; hop++) {
      const res = await request(url, init);
      init = {};
      const location = res.headers.get('location');
      if (location) {
        url = new URL(location, url).href;
        if (url.startsWith(callbackOrigin)) {
          await fetch(url, { signal: AbortSignal.timeout(10_000) }).then((r) => r.text()).catch(() => {});
          return;
        }
        await res.body?.cancel();
        continue;
      }
      const html = await res.text();
      const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
      if (!form) throw new Error(`the authorization server answered ${res.status} without a form or redirect`);
      const fields = new URLSearchParams();
      for (const m of form[2].matchAll(/<input[^>]*name="([^"]+)"[^>]*>/gi)) {
        const value = /value="([^"]*)"/i.exec(m[0])?.[1] ?? '';
        fields.set(m[1], value);
      }
      if (fields.has('login')) fields.set('login', 'alice');
      if (fields.has('password')) fields.set('password', 'demo-password');
      url = new URL(form[1], url).href;
      init = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: fields.toString() };
    }
    throw new Error('too many redirects between the authorization server pages');
  };
}

async function liveFlow(demo) {
  const { renderProbeText } = await loadSrc('src/core/probes/probeReportRender.ts');
  let report;
  if (existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')) {
    console.log('The user: headless Chromium logging in and approving consent on the server\'s real pages.\n');
    const { runDemoLiveFlow } = await import('./demo-server.mjs');
    report = await runDemoLiveFlow(demo);
  } else {
    console.log('The user: an HTTP client filling in the server\'s real login and consent forms (install Debian\'s chromium to use a real browser).\n');
    const { runLiveFlow } = await loadSrc('src/probes/liveFlow.ts');
    const user = httpUser();
    report = await runLiveFlow({ issuer: demo.resourceUrl, clientId: demo.clientId, clientSecret: demo.clientSecret, redirectUri: demo.registeredRedirectUri, callbackTimeoutMs: 30_000 }, {
      openBrowser: async (url) => { void user(url).catch((e) => console.error(`  (demo user: ${e.message})`)); },
    });
  }
  process.stdout.write(renderProbeText(report));
}

async function main() {
  if ((await run(process.execPath, ['scripts/build.mjs'])) !== 0) return 1;

  heading(1, 'Reading the server\'s logs (demo/example-logs: laravel.log + nginx access.log)');
  console.log(`$ oauth-diagnose scan demo/example-logs/laravel.log demo/example-logs/access.log\n`);
  await run(process.execPath, ['dist/cli.js', 'scan', 'demo/example-logs/laravel.log', 'demo/example-logs/access.log']);

  heading(2, 'Asking the server: probes against an embedded authorization server');
  const demo = await startDemoServer();
  try {
    console.log(`Authorization server: ${demo.issuer}`);
    console.log(`Protected resource:   ${demo.resourceUrl}`);
    console.log(`Client:               ${demo.clientId} (registered redirect URI ${demo.registeredRedirectUri}; the app sends ${demo.appRedirectUri})\n`);
    console.log(`$ DEMO_CLIENT_SECRET=… oauth-diagnose probe ${demo.resourceUrl} --client-id ${demo.clientId} --client-secret-env DEMO_CLIENT_SECRET --redirect-uri ${demo.appRedirectUri}\n`);
    await run(process.execPath, ['dist/cli.js', 'probe', demo.resourceUrl, '--client-id', demo.clientId, '--client-secret-env', 'DEMO_CLIENT_SECRET', '--redirect-uri', demo.appRedirectUri], { DEMO_CLIENT_SECRET: demo.clientSecret });

    heading(3, 'A live authorization-code + PKCE run, headless');
    await liveFlow(demo);

    if (!withVsCode) {
      console.log('\nDone (--no-vscode). `npm run demo` without it also opens VS Code in the browser.');
      return 0;
    }
    heading(4, 'VS Code in the browser, with the extension and the demo workspace');
    console.log(`In VS Code run "OAuth: Diagnose" (F1) and give it ${demo.resourceUrl}, client ${demo.clientId},`);
    console.log('the demo client\'s secret (the public test value `clientSecret` in scripts/demo-server.mjs) and the log demo/example-logs/laravel.log.\n');
    const code = await run(process.execPath, ['scripts/demo-vscode.mjs', '--workspace', join(ROOT, 'demo')]);
    return code;
  } finally {
    await demo.stop();
  }
}

main().then((code) => process.exit(code), (e) => {
  console.error(`demo failed: ${e instanceof Error ? e.stack : e}`);
  process.exit(1);
});
