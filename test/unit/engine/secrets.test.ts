/**
 * Secrets planted in every format a log carries them (codes, JWT access and ID tokens, client
 * secrets, passwords, Authorization Bearer/Basic headers, refresh tokens, code_verifiers) must not
 * survive into any output: the text report, the JSON report, the Markdown export, the CLI.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../../../src/core/engine/diagnosisEngine';
import { renderTextReport } from '../../../src/core/report/textReport';
import { renderJsonReport } from '../../../src/core/report/jsonReport';
import { renderMarkdownReport } from '../../../src/core/report/markdownReport';

const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
const now = Math.floor(Date.parse('2026-11-28T10:00:30Z') / 1000);
const ACCESS = `${b64({ alg: 'RS256', typ: 'at+jwt' })}.${b64({ sub: 'u1', scope: 'mcp', exp: now - 3600, client_id: 'c1' })}.SIGNATUREaccessAAAAAAAAAAAAAAAAAAAAAA`;
const ID_TOKEN = `${b64({ alg: 'RS256' })}.${b64({ sub: 'u1', aud: 'c1', nonce: 'n0nce', exp: now + 3600 })}.SIGNATUREidBBBBBBBBBBBBBBBBBBBBBBBBBBB`;
const SECRETS = {
  code: 'def50200SECRETCODEa1b2c3d4e5f6',
  code2: 'SplxlOBeZQQYbYS6WxSbIA',
  clientSecret: 'S3cr3t-Client-Value-42',
  password: 'hunter2-Pa55word',
  verifier: 'dBjftJeZ4CVPmB92K27uhbUJU1p1rwW1gFWFOEjXkSECRET',
  refresh: 'def50200REFRESHa9b8c7d6e5f4',
  basic: Buffer.from('c1:S3cr3t-Client-Value-42').toString('base64'),
  access: ACCESS,
  idToken: ID_TOKEN,
  apiKey: 'sk_live_APIKEYabcdef123456',
};

const LOG = [
  `[2026-11-28 10:00:00] production.INFO: Authorization request {"client_id":"c1","redirect_uri":"https://app.example.com/cb","state":"st4te-abcdefgh","code_challenge":"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM","code_challenge_method":"S256"}`,
  `10.0.0.1 - - [28/Nov/2026:10:00:05 +0000] "GET /cb?code=${SECRETS.code}&state=st4te-abcdefgh HTTP/1.1" 200 12 "-" "Mozilla/5.0"`,
  `[2026-11-28 10:00:06] production.INFO: Token request {"grant_type":"authorization_code","client_id":"c1","client_secret":"${SECRETS.clientSecret}","code":"${SECRETS.code}","code_verifier":"${SECRETS.verifier}","redirect_uri":"https://app.example.com/cb/"}`,
  `[2026-11-28 10:00:06] production.ERROR: The provided authorization grant (e.g. authorization code, resource owner credentials) or refresh token is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client. {"exception":"[object] (League\\\\OAuth2\\\\Server\\\\Exception\\\\OAuthServerException(code: 10): Invalid redirect URI at /var/www/x.php:1)"}`,
  `[2026-11-28 10:00:07] production.WARNING: Login failed for user alice password=${SECRETS.password} client_id=c1`,
  `10.0.0.2 - - [28/Nov/2026:10:00:08 +0000] "POST /oauth/token?code=${SECRETS.code2}&client_secret=${SECRETS.clientSecret} HTTP/1.1" 400 80 "-" "curl/8"`,
  `{"time":"2026-11-28T10:00:09Z","level":"error","msg":"refresh failed","grant_type":"refresh_token","refresh_token":"${SECRETS.refresh}","client_id":"c1","error":"invalid_grant","error_description":"refresh token is expired"}`,
  `[2026-11-28 10:00:10] production.DEBUG: MCP request {"path":"/mcp","status":401,"authorization":"Bearer ${SECRETS.access}"}`,
  `[2026-11-28 10:00:11] production.DEBUG: MCP request {"path":"/mcp","status":401,"authorization":"Bearer ${SECRETS.idToken}"}`,
  `[2026-11-28 10:00:12] production.DEBUG: token endpoint call {"path":"/oauth/token","status":401,"error":"invalid_client","authorization":"Basic ${SECRETS.basic}","api_key":"${SECRETS.apiKey}"}`,
  `2026-11-28T10:00:13Z ERROR oauth: token exchange failed status=400 error=invalid_grant code=${SECRETS.code2} access_token=${SECRETS.access} id_token=${SECRETS.idToken}`,
];

function assertClean(out: string, where: string): void {
  for (const [name, value] of Object.entries(SECRETS)) {
    assert.ok(!out.includes(value), `${name} survived in ${where}`);
  }
  // Neither JWT payloads nor signatures, even without their headers.
  for (const jwt of [ACCESS, ID_TOKEN]) for (const part of jwt.split('.').slice(1)) assert.ok(!out.includes(part), `a JWT part survived in ${where}`);
}

test('no secret survives in the text, JSON or Markdown report', () => {
  const d = analyze(LOG.map((text, i) => ({ source: 'app.log', line: i + 1, text })));
  assert.ok(d.findings.length >= 3, `the planted failures should be found: ${d.findings.map((f) => f.id).join(', ')}`);
  assert.ok(d.findings.some((f) => f.id === 'redirect_uri_mismatch'));
  assert.ok(d.findings.some((f) => f.id === 'token_expired' || f.id === 'wrong_token_used'));
  assertClean(renderTextReport(d), 'text');
  assertClean(renderJsonReport(d), 'JSON');
  assertClean(renderMarkdownReport(d), 'Markdown');
  // The flows themselves (what the UI renders) hold only masked values too.
  assertClean(JSON.stringify(d.flows), 'flows');
  assertClean(JSON.stringify(d.findings), 'findings');
});

test('no secret survives in the CLI output (text and --json)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oauth-secrets-'));
  try {
    const f = join(dir, 'app.log');
    writeFileSync(f, LOG.join('\n') + '\n');
    for (const args of [[], ['--json']]) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'scan', f, ...args], { encoding: 'utf8' });
      assert.equal(r.status, 1, r.stderr);
      assertClean(r.stdout + r.stderr, `cli ${args.join(' ') || 'text'}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
