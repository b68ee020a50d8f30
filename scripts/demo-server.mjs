// The demo's embedded world: a real authorization server (oidc-provider) with a deliberately
// misconfigured client – its registered redirect URI ends in a slash the app does not send, and it
// accepts client credentials only in the form body – plus a small protected resource (an MCP-style
// `/mcp` endpoint with RFC 9728 metadata). Exported for `npm run demo`; standalone it prints its URLs
// and serves until Ctrl-C:  node scripts/demo-server.mjs
// or runs the probes and a headless live flow against itself and prints both reports:
//   node scripts/demo-server.mjs --run
import { pathToFileURL } from 'node:url';
import { freePort, startAuthServer, startResourceServer } from '../test/peers/authServer/authServer.mjs';
import { devInteractionsDriver, launchChromium } from '../test/peers/authServer/browserLogin.mjs';

/**
 * Starts the demo authorization server and protected resource on 127.0.0.1 (random ports).
 * @returns {Promise<{ issuer: string, resourceUrl: string, clientId: string, clientSecret: string,
 *   appRedirectUri: string, registeredRedirectUri: string, stop(): Promise<void> }>}
 */
export async function startDemoServer() {
  const [callbackPort, resourcePort] = [await freePort(), await freePort()];
  const appRedirectUri = `http://127.0.0.1:${callbackPort}/callback`;
  const registeredRedirectUri = `${appRedirectUri}/`;
  const clientId = 'demo-app';
  const clientSecret = 'demo-secret-change-me';
  const as = await startAuthServer({
    clientId,
    clientSecret,
    redirectUris: [registeredRedirectUri],
    authMethod: 'client_secret_post',
    resource: `http://127.0.0.1:${resourcePort}/mcp`,
  });
  const rs = await startResourceServer({ issuer: as.issuer, port: resourcePort });
  return {
    issuer: as.issuer,
    resourceUrl: rs.url,
    clientId,
    clientSecret,
    appRedirectUri,
    registeredRedirectUri,
    async stop() {
      await rs.close();
      await as.close();
    },
  };
}

/** Loads a TypeScript module of src/ through tsx, so the demo runs without a build. */
async function loadSrc(path) {
  const { tsImport } = await import('tsx/esm/api');
  return tsImport(new URL(`../${path}`, import.meta.url).href, import.meta.url);
}

/** Runs every probe against the demo (as the app is configured: redirect URI without the slash). */
export async function runDemoProbes(demo, deps = {}) {
  const { runProbes } = await loadSrc('src/probes/runProbes.ts');
  return runProbes({ target: demo.resourceUrl, clientId: demo.clientId, clientSecret: demo.clientSecret, redirectUri: demo.appRedirectUri }, deps);
}

/**
 * A live authorization-code run without a human: headless Chromium logs in and approves consent
 * on the server's real pages. Uses the registered redirect URI by default (the run succeeds and
 * shows the whole timeline); pass `redirectUri: demo.appRedirectUri` to watch the mismatch instead.
 */
export async function runDemoLiveFlow(demo, opts = {}) {
  const { runLiveFlow } = await loadSrc('src/probes/liveFlow.ts');
  const browser = await launchChromium();
  try {
    const driver = devInteractionsDriver(browser, { action: opts.action ?? 'approve' });
    const report = await runLiveFlow({
      issuer: demo.resourceUrl,
      clientId: demo.clientId,
      clientSecret: demo.clientSecret,
      redirectUri: opts.redirectUri ?? demo.registeredRedirectUri,
      callbackTimeoutMs: opts.callbackTimeoutMs ?? 30_000,
    }, { openBrowser: (url) => driver.openBrowser(url), onStep: opts.onStep, signal: opts.signal });
    await Promise.race([driver.done, new Promise((r) => setTimeout(r, 2000))]);
    return report;
  } finally {
    await browser.close();
  }
}

/**
 * The whole show as text: the probes (which find the misconfiguration), then a headless live run
 * with the registered redirect URI (the complete timeline), each rendered like the CLI does.
 */
export async function runDemoReport(demo, write = (s) => process.stdout.write(s)) {
  const { renderProbeText } = await loadSrc('src/core/probes/probeReportRender.ts');
  write(`\n== Probes of ${demo.resourceUrl} (client ${demo.clientId}, redirect URI ${demo.appRedirectUri}) ==\n\n`);
  const probes = await runDemoProbes(demo);
  write(renderProbeText(probes));
  write(`\n== Live authorization-code flow in headless Chromium (redirect URI ${demo.registeredRedirectUri}) ==\n\n`);
  const live = await runDemoLiveFlow(demo);
  write(renderProbeText(live));
  return { probes, live };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const demo = await startDemoServer();
  if (process.argv.includes('--run')) {
    try {
      await runDemoReport(demo);
    } finally {
      await demo.stop();
    }
    process.exit(0);
  }
  console.log(`Demo authorization server: ${demo.issuer}`);
  console.log(`Protected resource (MCP):  ${demo.resourceUrl}`);
  console.log(`Client: ${demo.clientId} (secret in DEMO_CLIENT_SECRET), registered redirect URI ${demo.registeredRedirectUri}`);
  console.log(`Try:  DEMO_CLIENT_SECRET=${demo.clientSecret} node dist/cli.js probe ${demo.resourceUrl} --client-id ${demo.clientId} --client-secret-env DEMO_CLIENT_SECRET --redirect-uri ${demo.appRedirectUri}`);
  console.log('Ctrl-C stops.');
  process.once('SIGINT', () => { void demo.stop().then(() => process.exit(0)); });
}
