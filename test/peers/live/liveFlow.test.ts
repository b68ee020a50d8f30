// The live authorization-code flow end to end against a real oidc-provider, its real login and
// consent pages driven in headless Chromium: success with token verification and an API call,
// a reused code, a denied consent, an expired code, an abandoned browser and a cancellation.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import type { Browser } from 'playwright-core';
import { freePort, startAuthServer, startResourceServer } from '../authServer/authServer.mjs';
import { devInteractionsDriver, launchChromium } from '../authServer/browserLogin.mjs';
import { runLiveFlow } from '../../../src/probes/liveFlow';
import type { ProbeReport } from '../../../src/core/probes/probeReport';

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser.close();
});

function ids(r: ProbeReport): string[] {
  return [...new Set(r.findings.filter((f) => f.id !== 'insecure_http_endpoint').map((f) => f.id))].sort();
}
function step(r: ProbeReport, name: string): ProbeReport['steps'][number] {
  const s = r.steps.find((x) => x.name === name);
  assert.ok(s, `no step ${name}: ${r.steps.map((x) => `${x.name}:${x.status}`).join(', ')}`);
  return s;
}
async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

test('healthy: login and consent in Chromium, code exchanged, tokens verified, API call; reused code → code_reused', async () => {
  const [cbPort, rsPort] = [await freePort(), await freePort()];
  const redirectUri = `http://127.0.0.1:${cbPort}/callback`;
  const as = await startAuthServer({ redirectUris: [redirectUri], resource: `http://127.0.0.1:${rsPort}/mcp` });
  const rs = await startResourceServer({ issuer: as.issuer, port: rsPort });
  try {
    const driver = devInteractionsDriver(browser, { action: 'approve' });
    const seen: string[] = [];
    const r = await runLiveFlow({ issuer: rs.url, clientId: 'app', clientSecret: 'app-secret', redirectUri, reuseCode: true, callbackTimeoutMs: 20_000 }, { openBrowser: (u) => driver.openBrowser(u), onStep: (s) => seen.push(s.name) });
    await driver.done;
    assert.equal(driver.error, undefined);
    assert.deepEqual(driver.pages, ['login', 'consent', 'callback']);
    assert.deepEqual(ids(r), ['code_reused'], JSON.stringify(r.findings, null, 1));
    assert.equal(r.findings.find((f) => f.id === 'code_reused')?.severity, 'info');
    for (const name of ['authorize', 'callback', 'token exchange', 'tokens', 'api call']) assert.equal(step(r, name).status, 'ok', `${name}: ${step(r, name).summary}`);
    assert.match(step(r, 'tokens').summary, /access token verified \(RS256/);
    assert.match(step(r, 'tokens').summary, /ID token verified/);
    assert.match(step(r, 'token exchange').summary, /client auth: Basic header/);
    assert.ok(seen.indexOf('callback') > seen.indexOf('authorize'), 'steps reported live, in order');
    // nothing secret in the report: the code, the verifier, the tokens, the client secret
    const text = JSON.stringify(r);
    assert.ok(!text.includes('app-secret'));
    assert.ok(!/[?&]code=[A-Za-z0-9_-]{20,}/.test(text), 'the code is masked in the callback URL');
    assert.ok(!/"(access|id|refresh)_token":"ey/.test(text));
    assert.ok(await portIsFree(cbPort), 'the loopback server closed');
  } finally {
    await rs.close();
    await as.close();
  }
});

test('the user denies consent: access_denied at the consent stage', async () => {
  const cbPort = await freePort();
  const redirectUri = `http://127.0.0.1:${cbPort}/callback`;
  const as = await startAuthServer({ redirectUris: [redirectUri] });
  try {
    const driver = devInteractionsDriver(browser, { action: 'deny' });
    const r = await runLiveFlow({ issuer: as.issuer, clientId: 'app', clientSecret: 'app-secret', redirectUri, callbackTimeoutMs: 20_000 }, { openBrowser: (u) => driver.openBrowser(u) });
    await driver.done;
    assert.deepEqual(ids(r), ['access_denied']);
    const f = r.findings.find((x) => x.id === 'access_denied');
    assert.equal(f?.stage, 'consent');
    assert.match(f?.detail ?? '', /End-User aborted interaction/);
    assert.equal(step(r, 'callback').status, 'failed');
    assert.ok(!r.steps.some((s) => s.name === 'token exchange'));
    assert.ok(await portIsFree(cbPort));
  } finally {
    await as.close();
  }
});

test('a code lifetime of 2 s and an exchange 3 s later: code_expired with the gap', async () => {
  const cbPort = await freePort();
  const redirectUri = `http://127.0.0.1:${cbPort}/callback`;
  const as = await startAuthServer({ redirectUris: [redirectUri], codeTtlSeconds: 2 });
  try {
    const driver = devInteractionsDriver(browser);
    const r = await runLiveFlow({ issuer: as.issuer, clientId: 'app', clientSecret: 'app-secret', redirectUri, exchangeDelayMs: 3000, callbackTimeoutMs: 20_000 }, { openBrowser: (u) => driver.openBrowser(u) });
    assert.deepEqual(ids(r), ['code_expired']);
    const f = r.findings.find((x) => x.id === 'code_expired');
    assert.ok(Number(f?.data?.gapSeconds) >= 3);
    assert.equal(f?.stage, 'token');
    assert.equal(f?.exchanges?.[0]?.status, 400);
  } finally {
    await as.close();
  }
});

test('the browser never comes back: flow_abandoned_at_authorize, and the loopback server closes', async () => {
  const cbPort = await freePort();
  const redirectUri = `http://127.0.0.1:${cbPort}/callback`;
  const as = await startAuthServer({ redirectUris: [redirectUri] });
  try {
    const driver = devInteractionsDriver(browser, { action: 'abandon' });
    const t0 = Date.now();
    const r = await runLiveFlow({ issuer: as.issuer, clientId: 'app', clientSecret: 'app-secret', redirectUri, callbackTimeoutMs: 1500 }, { openBrowser: (u) => driver.openBrowser(u) });
    assert.ok(Date.now() - t0 < 8000);
    assert.deepEqual(ids(r), ['flow_abandoned_at_authorize']);
    assert.match(r.findings.find((f) => f.id === 'flow_abandoned_at_authorize')?.detail ?? '', /never came back to the callback/);
    assert.equal(step(r, 'callback').status, 'skipped');
    assert.ok(await portIsFree(cbPort));
  } finally {
    await as.close();
  }
});

test('cancellation while waiting for the browser: returns promptly, no finding invented, port released', async () => {
  const cbPort = await freePort();
  const redirectUri = `http://127.0.0.1:${cbPort}/callback`;
  const as = await startAuthServer({ redirectUris: [redirectUri] });
  try {
    const ac = new AbortController();
    const r = await runLiveFlow({ issuer: as.issuer, clientId: 'app', clientSecret: 'app-secret', redirectUri }, {
      openBrowser: async () => { setTimeout(() => ac.abort(), 200); },
      signal: ac.signal,
    });
    assert.deepEqual(ids(r), []);
    assert.match(step(r, 'callback').summary, /cancelled/);
    assert.ok(await portIsFree(cbPort));
  } finally {
    await as.close();
  }
});

test('a callback with a foreign state or another issuer: state_mismatch / issuer mismatch, and the code is not redeemed', async () => {
  const cbPort = await freePort();
  const redirectUri = `http://127.0.0.1:${cbPort}/callback`;
  const as = await startAuthServer({ redirectUris: [redirectUri] });
  try {
    // a "browser" that comes back with a forged response instead of logging in
    const forged = (params: (state: string) => string) => async (url: string): Promise<void> => {
      const u = new URL(url);
      setTimeout(() => { fetch(`${u.searchParams.get('redirect_uri')}?${params(u.searchParams.get('state') ?? '')}`).then((r) => r.text(), () => ''); }, 50);
    };
    const s = await runLiveFlow({ issuer: as.issuer, clientId: 'app', clientSecret: 'app-secret', redirectUri, callbackTimeoutMs: 5000 }, { openBrowser: forged(() => `code=stolen-code-value&state=attacker-state&iss=${encodeURIComponent(as.issuer)}`) });
    assert.deepEqual(ids(s), ['state_mismatch']);
    assert.ok(!s.steps.some((x) => x.name === 'token exchange'), 'a code with a foreign state is never exchanged');
    const i = await runLiveFlow({ issuer: as.issuer, clientId: 'app', clientSecret: 'app-secret', redirectUri, callbackTimeoutMs: 5000 }, { openBrowser: forged((st) => `code=x&state=${st}&iss=${encodeURIComponent('https://evil.example')}`) });
    assert.deepEqual(ids(i), ['discovery_issuer_mismatch']);
    assert.match(i.findings.find((f) => f.id === 'discovery_issuer_mismatch')?.detail ?? '', /RFC 9207/);
    assert.ok(!i.steps.some((x) => x.name === 'token exchange'));
    assert.ok(!JSON.stringify(s).includes('stolen-code-value'), 'the code is masked in the recorded callback');
  } finally {
    await as.close();
  }
});
