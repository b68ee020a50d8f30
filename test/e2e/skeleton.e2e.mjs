// End-to-end through the UI, as a person would: the packaged .vsix installed in code-server,
// headless Chromium runs "OAuth: Diagnose" from the palette and opens the OAuth activity-bar view.
import assert from 'node:assert/strict';
import { describe, it, before, after, afterEach } from 'mocha';
import { runPaletteCommand, webviewFrame, screenshot } from '../harness/codeServer.mjs';
import { openSessionWorkbench } from '../harness/e2eSession.mjs';

describe('walking skeleton in code-server (packaged .vsix)', function () {
  /** @type {import('playwright-core').Page} */
  let page;

  before(async function () {
    page = await openSessionWorkbench();
  });

  after(async function () {
    await page?.context().close();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) {
      const file = await screenshot(page, `FAILED-${this.currentTest.title}`);
      console.log(`      screenshot of the failure: ${file}`);
    }
  });

  it('OAuth: Diagnose opens the panel with its empty state and buttons', async function () {
    await runPaletteCommand(page, 'OAuth: Diagnose');
    const tab = page.locator('.tabs-container .tab', { hasText: 'OAuth Diagnosis' });
    await tab.waitFor({ state: 'visible', timeout: 30_000 });
    const frame = await webviewFrame(page, { selector: 'section.empty h1', text: 'No diagnosis yet', timeoutMs: 45_000 });
    assert.equal((await frame.locator('section.empty h1').innerText()).trim(), 'No diagnosis yet');
    assert.match(await frame.locator('section.empty p').first().innerText(), /tail a log file/i);
    const buttons = (await frame.locator('section.empty vscode-button').allInnerTexts()).map((s) => s.trim());
    for (const label of ['Diagnose…', 'Tail Log File…']) assert.ok(buttons.includes(label), `button "${label}" missing; found ${JSON.stringify(buttons)}`);
    // The strict CSP is in force in the real webview: no inline script ran, and the bundle did.
    assert.equal(await frame.locator('#app').getAttribute('data-ready'), 'true');
    console.log(`      screenshot: ${await screenshot(page, 'skeleton-diagnose-panel')}`);
  });

  it('the OAuth activity-bar view shows its welcome content with Diagnose and Tail Log File', async function () {
    const item = page.locator('.part.activitybar [role="tab"][aria-label^="OAuth"], .part.activitybar .action-item a[aria-label^="OAuth"]').first();
    await item.waitFor({ state: 'visible', timeout: 20_000 });
    await item.click();
    const welcome = page.locator('.part.sidebar .welcome-view-content');
    await welcome.first().waitFor({ state: 'visible', timeout: 20_000 });
    const text = await welcome.first().innerText();
    assert.match(text, /No OAuth flows yet/);
    assert.match(text, /Flows appear here/);
    const buttonTexts = (await welcome.first().locator('.monaco-button').allInnerTexts()).map((s) => s.trim());
    assert.deepEqual(buttonTexts, ['Diagnose', 'Tail Log File']);
    assert.match(await page.locator('.part.sidebar .composite.title').innerText(), /OAuth/i);
    console.log(`      screenshot: ${await screenshot(page, 'skeleton-activity-bar-view')}`);
  });
});
