// `oauth-diagnose probe` and `live` against a real oidc-provider: JSON contract, exit codes,
// secrets never printed; the live command driven through the URL it prints.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { freePort, startAuthServer } from '../authServer/authServer.mjs';
import { devInteractionsDriver, launchChromium } from '../authServer/browserLogin.mjs';
import { main } from '../../../src/cli/main';
import '../../../src/cli/commands';

async function cli(args: string[], onErr?: (s: string) => void): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, (s) => { out += s; }, (s) => { err += s; onErr?.(s); });
  return { code, out, err };
}

let browser: Browser;
before(async () => { browser = await launchChromium(); });
after(async () => { await browser.close(); });

test('probe --json: scan-shaped findings with fix steps and curl, steps with exchanges, exit 0/1/2', async () => {
  const as = await startAuthServer({ authMethod: 'client_secret_post', redirectUris: ['http://127.0.0.1:53682/callback'] });
  process.env.OAUTH_DBG_TEST_SECRET = 'app-secret';
  process.env.OAUTH_DBG_WRONG_SECRET = 'wrong-secret';
  try {
    const ok = await cli(['probe', as.issuer, '--client-id', 'app', '--client-secret-env', 'OAUTH_DBG_TEST_SECRET', '--redirect-uri', 'http://127.0.0.1:53682/callback', '--json']);
    assert.equal(ok.code, 0, ok.err);
    const j = JSON.parse(ok.out) as { flows: unknown[]; findings: { id: string; severity: string; stage: string; evidence: unknown[]; detail: string; fix: string[]; curl?: string }[]; steps: { name: string; exchanges: unknown[] }[]; clientAuthMethods: string[] };
    assert.deepEqual(j.flows, []);
    const mismatch = j.findings.find((f) => f.id === 'client_auth_method_mismatch');
    assert.ok(mismatch && mismatch.fix.length > 0 && mismatch.stage === 'token' && Array.isArray(mismatch.evidence));
    assert.match(mismatch.curl ?? '', /^curl -sS -X POST 'http:\/\/127\.0\.0\.1:\d+\/token'/);
    assert.deepEqual(j.clientAuthMethods, ['client_secret_post']);
    assert.ok(j.steps.some((s) => s.name === 'client authentication' && s.exchanges.length >= 4));
    assert.ok(!ok.out.includes('app-secret') && !ok.err.includes('app-secret'));

    const bad = await cli(['probe', as.issuer, '--client-id', 'app', '--client-secret-env', 'OAUTH_DBG_WRONG_SECRET']);
    assert.equal(bad.code, 1);
    assert.match(bad.out, /ERROR invalid_client/);
    assert.match(bad.out, /✗ token +client authentication/);
    assert.ok(!bad.out.includes('wrong-secret'));

    assert.equal((await cli(['probe', as.issuer, '--client-id', 'app', '--client-secret', 'x'])).code, 2);
    const unset = await cli(['probe', as.issuer, '--client-id', 'app', '--client-secret-env', 'OAUTH_DBG_UNSET_VAR']);
    assert.equal(unset.code, 2);
    assert.match(unset.err, /OAUTH_DBG_UNSET_VAR is not set/);
    assert.equal((await cli(['probe', 'javascript:alert(1)'])).code, 2);
    assert.equal((await cli(['probe'])).code, 2);
  } finally {
    await as.close();
  }
});

test('live: prints the URL on stderr, a browser completes it, --json carries one live flow', async () => {
  const port = await freePort();
  const as = await startAuthServer({ redirectUris: [`http://127.0.0.1:${port}/cb`] });
  process.env.OAUTH_DBG_TEST_SECRET = 'app-secret';
  try {
    const driver = devInteractionsDriver(browser);
    let opened = false;
    const r = await cli(['live', as.issuer, '--client-id', 'app', '--client-secret-env', 'OAUTH_DBG_TEST_SECRET', '--port', String(port), '--callback-path', '/cb', '--wait', '20s', '--check-code-reuse', '--json'], (s) => {
      const m = /(http:\/\/127\.0\.0\.1:\d+\/auth\?\S+)/.exec(s);
      if (m?.[1] && !opened) {
        opened = true;
        void driver.openBrowser(m[1]);
      }
    });
    assert.equal(r.code, 0, r.out + r.err);
    const j = JSON.parse(r.out) as { flows: { id: string; status: string; stages: { stage: string; status: string }[] }[]; steps: { name: string; status: string }[] };
    assert.equal(j.flows.length, 1);
    assert.equal(j.flows[0]?.status, 'ok', JSON.stringify(j.flows[0]) + JSON.stringify(j.steps.map((s) => [s.name, s.status])));
    assert.equal(j.flows[0]?.stages.find((s) => s.stage === 'token_issued')?.status, 'ok');
    assert.equal(j.steps.find((s) => s.name === 'token exchange')?.status, 'ok');
    assert.equal(j.steps.find((s) => s.name === 'code reuse')?.status, 'ok');
    assert.ok(!r.out.includes('app-secret'));
    assert.ok(!/[?&]code=[A-Za-z0-9_-]{20,}/.test(r.out));
  } finally {
    await as.close();
  }
});
