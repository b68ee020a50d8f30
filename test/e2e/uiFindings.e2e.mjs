// Finding details end to end in the real VS Code of the harness: the demo Passport log (a
// redirect_uri that gained a trailing slash at the token request, a PKCE verifier from another
// attempt) plus an API call carrying a JWT. Guided Diagnose (no server, that log) must show the
// differing part of the redirect URI as its own highlighted element, the PKCE expected and sent
// challenges side by side, and the timeline's "Decode JWT" button must open the decoder on the
// line's token. Screenshots land in test-results/.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, it, before, after, afterEach } from 'mocha';
import { runPaletteCommand, webviewFrame, screenshot } from '../harness/codeServer.mjs';
import { e2eSession, openSessionWorkbench } from '../harness/e2eSession.mjs';

const LOG_NAME = 'findings.log';
// The demo's Passport log (healthy flow, trailing-slash redirect_uri, expired code, PKCE verifier
// from a stale tab, abandoned authorize) plus one API call carrying a JWT.
const DEMO_LOG = fileURLToPath(new URL('../../demo/example-logs/laravel.log', import.meta.url));
// Not signed by anyone reachable: the issuer is a closed loopback port (tests never leave 127.0.0.1).
const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
const JWT = `${b64({ alg: 'RS256', typ: 'JWT', kid: 'k1' })}.${b64({ iss: 'http://127.0.0.1:9', sub: 'user-e2e-42', aud: 'api', exp: 1900000000, iat: 1764000000, client_id: 'web-app' })}.c2lnbmF0dXJlLW5vdC12ZXJpZmlhYmxlLWhlcmU`;

function fixture() {
  const demo = readFileSync(DEMO_LOG, 'utf8').replace(/\n*$/, '\n');
  const lines = demo.split('\n');
  // The PKCE flow: the authorize request's challenge and the stale verifier of its token request.
  const tokenAt = lines.findIndex((l) => /"code_verifier":"5Su6uAFT/.test(l));
  const verifier = /"code_verifier":"([^"]+)"/.exec(lines[tokenAt])[1];
  const authorize = lines.slice(0, tokenAt).reverse().find((l) => /code_challenge=/.test(l));
  const challenge = /code_challenge=([\w-]+)/.exec(authorize)[1];
  const text = `${demo}[2026-11-28 10:06:00] local.INFO: GET /api/user Authorization: Bearer ${JWT}\n`;
  return { text, verifier, challenge, jwtLine: lines.length };
}

/** Opens a finding's <details> (the webview may render it closed) and returns its locator. */
async function openFinding(frame, id) {
  const finding = frame.locator(`.finding[data-finding-id="${id}"]`);
  await finding.waitFor({ timeout: 30_000 });
  if (!(await finding.evaluate((d) => d.open))) await finding.locator('summary').first().click();
  await finding.scrollIntoViewIfNeeded();
  return finding;
}

describe('finding details in a real VS Code: redirect diff, PKCE side by side, Decode JWT from the timeline, result kept over a reload', function () {
  this.timeout(180_000);
  /** @type {import('playwright-core').Page} */
  let page;
  let frame;
  const fx = fixture();

  before(async function () {
    writeFileSync(join(e2eSession().server.workspace, LOG_NAME), fx.text);
    page = await openSessionWorkbench();
  });

  after(async function () {
    await page?.context().close();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) console.log(`      screenshot of the failure: ${await screenshot(page, `FAILED-uiFindings-${this.currentTest.title}`)}`);
  });

  it('guided Diagnose (logs only) highlights the differing part of the redirect URI as its own element', async function () {
    // The log open in an editor is what the logs step offers first.
    const entry = page.locator('.explorer-folders-view .monaco-list-row', { hasText: LOG_NAME }).first();
    await entry.waitFor({ state: 'visible', timeout: 20_000 });
    await entry.click();
    await page.locator('.tabs-container .tab', { hasText: LOG_NAME }).first().waitFor({ state: 'visible', timeout: 20_000 });
    await page.locator('.monaco-editor .view-line').first().waitFor({ state: 'visible', timeout: 20_000 });
    await runPaletteCommand(page, 'OAuth: Diagnose');
    const qi = page.locator('.quick-input-widget input');
    await qi.waitFor({ state: 'visible', timeout: 20_000 });
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'No server' }).first().click();
    await page.locator('.quick-input-widget', { hasText: 'logs' }).waitFor({ timeout: 10_000 });
    await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ timeout: 10_000 });
    await qi.fill(LOG_NAME);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: LOG_NAME }).first().waitFor({ timeout: 10_000 });
    await page.keyboard.press('Enter');

    frame = await webviewFrame(page, { selector: '.finding[data-finding-id="redirect_uri_mismatch"]', timeoutMs: 60_000 });
    const finding = await openFinding(frame, 'redirect_uri_mismatch');
    const rows = finding.locator('.redirect-diff .diff-row code');
    assert.equal(await rows.count(), 2, 'expected and actual rows');
    assert.equal(await rows.nth(0).innerText(), 'https://chatgpt.com/backend-api/aip/connectors/oauth/callback');
    assert.equal(await rows.nth(1).innerText(), 'https://chatgpt.com/backend-api/aip/connectors/oauth/callback/');
    // The differing part is a separate <mark>: empty on the registered side, the extra "/" on the sent side.
    assert.equal(await rows.nth(0).locator('mark.diff').innerText(), '');
    assert.equal(await rows.nth(1).locator('mark.diff').innerText(), '/');
    assert.match(await finding.locator('.redirect-diff').innerText(), /trailing_slash/);
    console.log(`      screenshot: ${await screenshot(page, 'ui-finding-redirect-diff')}`);
  });

  it('shows the PKCE expected and sent challenges side by side, the sent one marked as mismatching', async function () {
    const finding = await openFinding(frame, 'pkce_mismatch');
    const cells = finding.locator('table.pkce tbody td code');
    assert.equal(await cells.count(), 2);
    const expected = createHash('sha256').update(fx.verifier).digest('base64url');
    assert.equal(await cells.nth(0).innerText(), expected, 'BASE64URL(SHA256(verifier)) of the token request');
    assert.equal(await cells.nth(1).innerText(), fx.challenge, 'the challenge sent at authorize');
    assert.notEqual(expected, fx.challenge);
    assert.match(await cells.nth(1).getAttribute('class') ?? '', /\bmismatch\b/);
    assert.doesNotMatch(await finding.innerText(), new RegExp(fx.verifier), 'the verifier itself is never shown');
    console.log(`      screenshot: ${await screenshot(page, 'ui-finding-pkce')}`);
  });

  it('the timeline\'s "Decode JWT" button on a log line opens the decoder on its token', async function () {
    // Narrow the (virtualized) timeline to the API call, then open its stage.
    const filterBox = frame.locator('.filters input[type="search"]');
    await filterBox.scrollIntoViewIfNeeded();
    await filterBox.fill('/api/user');
    const api = frame.locator('.row.stage', { hasText: 'API call' }).filter({ has: frame.locator('.count') });
    await api.first().waitFor({ timeout: 10_000 });
    await api.first().click();
    const button = frame.locator('.row.line .inline-action');
    await button.first().waitFor({ timeout: 10_000 });
    const line = frame.locator('.row.line', { has: frame.locator('.inline-action') }).first();
    assert.match(await line.locator('.text').innerText(), /\/api\/user/);
    await button.first().click();
    const result = frame.locator('#decoder .decoder-result');
    await result.waitFor({ timeout: 30_000 });
    assert.match(await result.locator('.origin').innerText(), new RegExp(`${LOG_NAME}:${fx.jwtLine}\\b`));
    assert.ok(await result.locator('.claims td code', { hasText: 'user-e2e-42' }).count(), 'sub claim in the claims table');
    assert.ok(await result.locator('.claims td code', { hasText: 'http://127.0.0.1:9' }).count(), 'iss claim in the claims table');
    await frame.locator('#decoder').scrollIntoViewIfNeeded();
    console.log(`      screenshot: ${await screenshot(page, 'ui-decode-jwt-from-line')}`);
  });

  it('after a window reload the sidebar tree still lists the flows, without a new Diagnose', async function () {
    await page.reload({ waitUntil: 'domcontentloaded' });
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    const item = page.locator('.part.activitybar [role="tab"][aria-label^="OAuth"], .part.activitybar .action-item a[aria-label^="OAuth"]').first();
    await item.waitFor({ timeout: 30_000 });
    await item.click();
    // The tree is fed only by the session: flows here mean the saved result was restored.
    const row = page.locator('.part.sidebar .monaco-list-row', { hasText: '9b1c4f2e' }).first();
    await row.waitFor({ timeout: 30_000 });
    // The badge is rendered by the workbench after the tree's rows: poll for it, don't race it.
    let badge = [];
    for (const deadline = Date.now() + 15_000; Date.now() < deadline; await page.waitForTimeout(250)) {
      badge = await page.locator('.part.activitybar .badge-content').allInnerTexts();
      if (badge.some((b) => Number(b) >= 3)) break;
    }
    assert.ok(badge.some((b) => Number(b) >= 3), `failing-flows badge after reload: ${JSON.stringify(badge)}`);
    console.log(`      screenshot: ${await screenshot(page, 'ui-tree-after-reload')}`);
  });
});
