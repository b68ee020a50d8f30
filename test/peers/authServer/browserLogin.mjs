// Drives oidc-provider's real devInteractions login and consent pages in headless Chromium
// (Debian /usr/bin/chromium through playwright-core), so live flows run without a human:
// in tests, in the demo and in the benchmark.
import { chromium } from 'playwright-core';

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--headless'];

/** Launches the system Chromium headless. */
export function launchChromium() {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
}

/**
 * An `openBrowser` for runLiveFlow that logs in as `login` and approves (or denies, or abandons)
 * consent in a fresh browser context. `done` settles when the browser reached the callback (or gave up).
 * @param {import('playwright-core').Browser} browser
 * @param {{ login?: string, action?: 'approve'|'deny'|'abandon', timeoutMs?: number }} [opts]
 */
export function devInteractionsDriver(browser, opts = {}) {
  const action = opts.action ?? 'approve';
  const timeout = opts.timeoutMs ?? 15_000;
  let resolveDone;
  const done = new Promise((r) => { resolveDone = r; });
  const driver = {
    /** Pages seen, for assertions and demo output ("login", "consent", "callback"). */
    pages: [],
    error: undefined,
    done,
    async openBrowser(url) {
      const redirect = new URL(url).searchParams.get('redirect_uri') ?? '';
      const callbackOrigin = redirect ? new URL(redirect).origin : '';
      void (async () => {
        const context = await browser.newContext();
        const page = await context.newPage();
        page.setDefaultTimeout(timeout);
        try {
          await page.goto(url);
          if (action === 'abandon') {
            driver.pages.push('abandoned');
            return;
          }
          for (let i = 0; i < 4; i++) {
            if (page.url().startsWith(callbackOrigin)) break;
            const login = page.locator('input[name="login"]');
            if (await login.count()) {
              driver.pages.push('login');
              if (action === 'deny') {
                await page.getByText('[ Cancel ]').click();
              } else {
                await login.fill(opts.login ?? 'alice');
                await page.locator('input[name="password"]').fill('any-password');
                await page.locator('button[type="submit"]').click();
              }
            } else if (await page.locator('button[type="submit"]').count()) {
              driver.pages.push('consent');
              if (action === 'deny') await page.getByText('[ Cancel ]').click();
              else await page.locator('button[type="submit"]').click();
            }
            await page.waitForLoadState('load');
          }
          if (callbackOrigin) await page.waitForURL((u) => u.toString().startsWith(callbackOrigin));
          driver.pages.push('callback');
        } catch (e) {
          driver.error = e;
        } finally {
          await context.close().catch(() => {});
          resolveDone();
        }
      })();
    },
  };
  return driver;
}
