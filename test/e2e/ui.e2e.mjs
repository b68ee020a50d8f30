// The user interface end to end, in the real VS Code of the harness (packaged .vsix in
// code-server, headless Chromium): open a log, hover a line, run the guided Diagnose against a
// local authorization server and the log, then check the panel (timeline, finding with fix,
// XSS line shown as text), the JWT decoder's signature verified against the server's JWKS
// (fetched by the extension host), the sidebar tree and the Problems panel. Screenshots in light
// and dark theme land in test-results/.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, before, after, afterEach } from 'mocha';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { runPaletteCommand, webviewFrame, screenshot, sleep } from '../harness/codeServer.mjs';
import { e2eSession, openSessionWorkbench } from '../harness/e2eSession.mjs';

const XSS = '<img src=x onerror=alert(1)>';

/** A minimal authorization server on 127.0.0.1: discovery metadata and a JWKS with one RS256 key. */
async function startKeyServer() {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'e2e-key', alg: 'RS256', use: 'sig' };
  const server = createServer((req, res) => {
    const base = `http://127.0.0.1:${server.address().port}`;
    const json = (code, body) => { res.writeHead(code, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
    if (req.url === '/.well-known/openid-configuration' || req.url === '/.well-known/oauth-authorization-server') {
      return json(200, { issuer: base, authorization_endpoint: `${base}/authorize`, token_endpoint: `${base}/token`, jwks_uri: `${base}/jwks`,
        response_types_supported: ['code'], code_challenge_methods_supported: ['S256'], grant_types_supported: ['authorization_code'] });
    }
    if (req.url === '/jwks') return json(200, { keys: [jwk] });
    return json(404, { error: 'not_found' });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const token = await new SignJWT({ scope: 'openid profile', client_id: 'web-app' })
    .setProtectedHeader({ alg: 'RS256', kid: 'e2e-key', typ: 'at+jwt' })
    .setIssuer(issuer).setAudience('api').setSubject('user-1').setIssuedAt().setExpirationTime('1h')
    .sign(privateKey);
  return { server, issuer, token };
}

/** Switches the workbench to a light or dark theme (the user settings outlive a run: always restore). */
async function setTheme(page, want) {
  // Judged by what the user sees: the editor background's brightness.
  const isDark = async () => page.locator('.monaco-workbench').evaluate((el) => {
    const rgb = (globalThis.getComputedStyle(el).backgroundColor.match(/\d+/g) ?? ['0', '0', '0']).slice(0, 3).map(Number);
    return rgb[0] + rgb[1] + rgb[2] < 384;
  });
  const dark = want !== 'light';
  if (want !== 'hc' && (await isDark()) === dark) return;
  // Through the user settings file, as a user editing settings.json would: VS Code applies it live.
  const file = join(e2eSession().server.userDataDir, 'User', 'settings.json');
  const settings = JSON.parse(readFileSync(file, 'utf8'));
  settings['workbench.colorTheme'] = want === 'dark' ? 'Dark Modern' : want === 'hc' ? 'Default High Contrast' : 'Light Modern';
  writeFileSync(file, JSON.stringify(settings, null, 2));
  for (let i = 0; i < 20 && (await isDark()) !== dark; i++) await sleep(250);
  if ((await isDark()) !== dark || want === 'hc') {
    // The workbench reads settings for certain when it loads: reload (the panel must survive it).
    await page.reload({ waitUntil: 'domcontentloaded' });
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    for (let i = 0; i < 40 && (await isDark()) !== dark; i++) await sleep(250);
  }
  assert.equal(await isDark(), dark, `workbench theme is not ${want}`);
}

function logText(token) {
  return [
    '[2026-11-28 10:00:00] local.INFO: GET /oauth/authorize?client_id=web-app&redirect_uri=https%3A%2F%2Fapp.example%2Fcallback&response_type=code&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&state=abc123',
    '[2026-11-28 10:00:04] local.INFO: Authorization approved, redirecting to https://app.example/callback?code=def50200aa11bb22&state=abc123',
    '[2026-11-28 10:02:10] local.INFO: POST /oauth/token grant_type=authorization_code client_id=web-app code=def50200aa11bb22',
    `[2026-11-28 10:02:10] local.ERROR: League\\OAuth2\\Server\\Exception\\OAuthServerException: The authorization code has expired {"exception":"invalid_grant","client_id":"web-app"} ${XSS}`,
    `[2026-11-28 10:03:00] local.INFO: GET /api/user Authorization: Bearer ${token}`,
    '',
  ].join('\n');
}

describe('the user interface in a real VS Code', function () {
  this.timeout(180_000);
  /** @type {import('playwright-core').Page} */
  let page;
  let keys;
  let logPath;

  before(async function () {
    keys = await startKeyServer();
    logPath = join(e2eSession().server.workspace, 'oauth.log');
    writeFileSync(logPath, logText(keys.token));
    page = await openSessionWorkbench();
  });

  after(async function () {
    keys?.server.close();
    await page?.context().close();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) console.log(`      screenshot of the failure: ${await screenshot(page, `FAILED-ui-${this.currentTest.title}`)}`);
  });

  it('hovering an error line in a .log file explains it with the catalog fix', async function () {
    await setTheme(page, 'dark');
    const entry = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'oauth.log' }).first();
    await entry.waitFor({ state: 'visible', timeout: 20_000 });
    await entry.click();
    const line = page.locator('.monaco-editor .view-line', { hasText: 'authorization code has expired' }).first();
    await line.waitFor({ state: 'visible', timeout: 20_000 });
    const hover = page.locator('.monaco-hover:visible, .workbench-hover:visible').filter({ hasText: 'How to fix' });
    // The editor re-renders lines as decorations arrive: re-measure on every attempt.
    for (let i = 0; i < 20 && !(await hover.count()); i++) {
      const box = await line.boundingBox().catch(() => null);
      if (!box) {
        await sleep(500);
        continue;
      }
      await page.mouse.move(box.x + 40 + (i % 10) * 7, box.y + box.height / 2);
      await sleep(1500);
    }
    const text = await hover.first().innerText({ timeout: 10_000 });
    assert.match(text, /Authorization code expired/i, text);
    assert.match(text, /How to fix/);
    assert.ok((await hover.first().locator('ol li').count()) >= 2, 'numbered fix steps');
    console.log(`      screenshot: ${await screenshot(page, 'ui-hover-dark')}`);
    await page.mouse.move(5, 5);
  });

  it('guided Diagnose (server + open log) shows the timeline, a finding with its fix, and log text as text', async function () {
    await runPaletteCommand(page, 'OAuth: Diagnose');
    const qi = page.locator('.quick-input-widget input');
    await qi.waitFor({ state: 'visible', timeout: 20_000 });
    await qi.fill(keys.issuer);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: keys.issuer }).first().waitFor({ timeout: 10_000 });
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget', { hasText: 'client' }).waitFor({ timeout: 10_000 });
    await qi.fill('web-app');
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget', { hasText: 'secret' }).waitFor({ timeout: 10_000 });
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'oauth.log' }).first().waitFor({ timeout: 10_000 });
    await qi.fill('oauth.log');
    await page.keyboard.press('Enter');

    const frame = await webviewFrame(page, { selector: '.finding[data-finding-id="code_expired"]', timeoutMs: 60_000 });
    const finding = frame.locator('.finding[data-finding-id="code_expired"]');
    assert.match(await finding.locator('.finding-title').innerText(), /expired/i);
    const fix = await finding.locator('ol.fix li').allInnerTexts();
    assert.ok(fix.length >= 2, `numbered fix steps: ${JSON.stringify(fix)}`);
    // The timeline: the failing flow of web-app with its stages, token failed after a long gap.
    const flowRow = frame.locator('.row.flow', { hasText: 'web-app' }).filter({ has: frame.locator('.st-failed') }).first();
    await flowRow.click();
    const stages = await frame.locator('.row.stage .label').allInnerTexts();
    for (const s of ['Authorize', 'Callback', 'Token request']) assert.ok(stages.includes(s), `stage ${s} in ${JSON.stringify(stages)}`);
    await frame.locator('.row.stage', { hasText: 'Token request' }).click();
    // The hostile log line is shown as text, never as HTML.
    await frame.locator('.row.line .text', { hasText: XSS }).first().waitFor({ timeout: 10_000 });
    assert.equal(await frame.locator('img').count(), 0, 'no <img> element was created from log text');
    assert.ok((await frame.locator('.row.stage', { hasText: 'Token request' }).innerText()).includes('+2 min'), 'gap before the token request');
    console.log(`      screenshot: ${await screenshot(page, 'ui-panel-dark')}`);
  });

  it('the JWT decoder verifies the signature against the issuer JWKS, fetched by the host', async function () {
    const frame = await webviewFrame(page, { selector: '#jwt-input' });
    await frame.locator('#jwt-input').fill(keys.token);
    await frame.locator('#jwt-decode').click();
    const verification = frame.locator('.verification.verified');
    await verification.waitFor({ timeout: 30_000 });
    const text = await verification.innerText();
    assert.match(text, /Signature verified/);
    assert.match(text, /kid e2e-key/);
    assert.ok(await frame.locator('.claims td code', { hasText: keys.issuer }).count(), 'iss claim in the table');
    await frame.locator('#decoder').scrollIntoViewIfNeeded();
    console.log(`      screenshot: ${await screenshot(page, 'ui-decoder-dark')}`);
  });

  it('the sidebar tree lists the flows with a failing badge, and Problems shows the error finding', async function () {
    const item = page.locator('.part.activitybar [role="tab"][aria-label^="OAuth"], .part.activitybar .action-item a[aria-label^="OAuth"]').first();
    await item.click();
    const row = page.locator('.part.sidebar .monaco-list-row', { hasText: 'web-app' }).first();
    await row.waitFor({ timeout: 20_000 });
    const badge = await page.locator('.part.activitybar .badge-content').allInnerTexts();
    assert.ok(badge.some((b) => Number(b) >= 1), `badge: ${JSON.stringify(badge)}`);
    console.log(`      screenshot: ${await screenshot(page, 'ui-tree-dark')}`);
    await runPaletteCommand(page, 'Problems: Focus on Problems View');
    const problems = page.locator('.markers-panel');
    await problems.waitFor({ timeout: 15_000 });
    await page.locator('.markers-panel .monaco-list-row', { hasText: /expired/i }).first().waitFor({ timeout: 15_000 });
    console.log(`      screenshot: ${await screenshot(page, 'ui-problems-dark')}`);
  });

  it('follows the light and high-contrast themes, and the panel survives a window reload', async function () {
    await setTheme(page, 'light');
    const tab = page.locator('.tabs-container .tab', { hasText: 'OAuth Diagnosis' }).first();
    await tab.click();
    const frame = await webviewFrame(page, { selector: '.finding' });
    // The webview re-themes a moment after the workbench: poll its computed background.
    let bg = '';
    for (let i = 0; i < 40; i++) {
      bg = await frame.evaluate(() => globalThis.getComputedStyle(globalThis.document.body).backgroundColor);
      const [r, g, b] = bg.match(/\d+/g).map(Number);
      if (r + g + b > 600) break;
      await sleep(250);
    }
    const [r, g, b] = bg.match(/\d+/g).map(Number);
    assert.ok(r + g + b > 600, `light background expected, got ${bg}`);
    console.log(`      screenshot: ${await screenshot(page, 'ui-panel-light')}`);
    const item = page.locator('.part.activitybar [role="tab"][aria-label^="OAuth"], .part.activitybar .action-item a[aria-label^="OAuth"]').first();
    await item.click();
    console.log(`      screenshot: ${await screenshot(page, 'ui-tree-light')}`);
    await setTheme(page, 'hc');
    await page.locator('.tabs-container .tab', { hasText: 'OAuth Diagnosis' }).first().click();
    await webviewFrame(page, { selector: '.finding', timeoutMs: 60_000 });
    await sleep(500);
    console.log(`      screenshot: ${await screenshot(page, 'ui-panel-high-contrast')}`);
    await setTheme(page, 'dark');
  });
});
