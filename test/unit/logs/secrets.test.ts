import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogParser } from '../../../src/core/logs/logParser';
import { parseLine } from '../../../src/core/logs/parseLine';
import type { OAuthEvent } from '../../../src/core/model';

// Planted secrets: each must never appear in any event, whatever the format.
const CODE = 'def50200f1e2d3c4b5a69788aabbccddeeff0011';
const REFRESH = 'rt_9f8e7d6c5b4a39281706f5e4d3c2b1a0';
const SECRET = 'Sup3r-S3cret_ClientSecret!';
const PASSWORD = 'hunter2-correct-horse';
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const OPAQUE = 'ya29.a0AfH6SMBx-opaque-access-token-value-1234567890';
const JWT = `${Buffer.from('{"alg":"RS256","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"sub":"42","exp":1705312800}').toString('base64url')}.c2lnbmF0dXJlLXZhbHVlLXRoYXQtbXVzdC1ub3QtbGVhaw`;
const SECRETS = [CODE, REFRESH, SECRET, PASSWORD, VERIFIER, OPAQUE, JWT, JWT.split('.')[2]!];

const LINES: Array<[string, string]> = [
  ['nginx', `203.0.113.7 - - [15/Jan/2024:10:23:45 +0000] "GET /callback?code=${CODE}&state=s1&access_token=${JWT} HTTP/1.1" 302 0 "https://as/login?password=${PASSWORD}" "UA"`],
  ['nginx', `203.0.113.7 - - [15/Jan/2024:10:23:45 +0000] "POST /oauth/token?grant_type=refresh_token&refresh_token=${REFRESH}&client_secret=${encodeURIComponent(SECRET)} HTTP/1.1" 200 0 "-" "UA"`],
  ['laravel', `[2024-01-15 10:23:45] production.INFO: POST /oauth/token {"grant_type":"authorization_code","code":"${CODE}","code_verifier":"${VERIFIER}","client_secret":"${SECRET}","refresh_token":"${REFRESH}","headers":{"authorization":"Bearer ${OPAQUE}"}} []`],
  ['laravel', `[2024-01-15 10:23:45] production.ERROR: Client authentication failed client_secret=${SECRET} password=${PASSWORD} Authorization: Bearer ${JWT} {"exception":"[object] (League\\\\OAuth2\\\\Server\\\\Exception\\\\OAuthServerException(code: 4): Client authentication failed at /v/x.php:1)"}`],
  ['keycloak', `2024-01-15 10:23:45,123 WARN  [org.keycloak.events] (default task-1) type=CODE_TO_TOKEN_ERROR, realmId=demo, clientId=app, userId=null, ipAddress=10.0.0.1, error=invalid_code, code=${CODE}, refresh_token=${REFRESH}`],
  ['json', JSON.stringify({ level: 30, time: 1705314225000, msg: `token issued access_token=${OPAQUE}`, req: { method: 'POST', url: `/token?code=${CODE}`, headers: { authorization: `Bearer ${JWT}` } }, body: { client_secret: SECRET, password: PASSWORD, code_verifier: VERIFIER, refresh_token: REFRESH }, res: { statusCode: 200, body: { access_token: OPAQUE, id_token: JWT } } })],
  ['json', `{"event":"grant.error","error":"invalid_grant","params":{"code":"${CODE}","code_verifier":"${VERIFIER}","client_secret":"${SECRET}"`],
  ['generic', `2024-01-15T10:00:00Z oauth token exchange code=${CODE} code_verifier=${VERIFIER} client_secret=${SECRET} password=${PASSWORD} refresh_token=${REFRESH} Authorization: Bearer ${OPAQUE} id_token=${JWT}`],
  ['generic', `callback received: https://app.example.com/cb#access_token=${OPAQUE}&token_type=bearer&state=s2 and {"refreshToken":"${REFRESH}","clientSecret":"${SECRET}"}`],
];

function assertClean(e: OAuthEvent | undefined, label: string): void {
  assert.ok(e, `${label}: no event`);
  const json = JSON.stringify(e);
  for (const s of SECRETS) assert.ok(!json.includes(s), `${label}: ${s.slice(0, 12)}… survived in ${json}`);
}

test('no raw code, token, secret, password or verifier survives in any event of any format', () => {
  for (const [format, text] of LINES) assertClean(parseLine({ source: 's', line: 1, text }), format);
});

test('the streaming parser (folded entries, truncated lines) keeps secrets out too', () => {
  const p = new LogParser();
  const out: OAuthEvent[] = [];
  let n = 0;
  for (const [, text] of LINES) out.push(...p.push({ source: 'mixed.log', line: ++n, text }));
  out.push(...p.push({ source: 'laravel.log', line: 1, text: `[2024-01-15 10:23:45] production.ERROR: Client authentication failed {"exception":"[object] (League\\\\OAuth2\\\\Server\\\\Exception\\\\OAuthServerException(code: 4): Client authentication failed at /v/x.php:1)` }));
  out.push(...p.push({ source: 'laravel.log', line: 2, text: '[stacktrace]' }));
  out.push(...p.push({ source: 'laravel.log', line: 3, text: `#0 /v/AbstractGrant.php(9): League\\\\OAuth2\\\\Server\\\\Grant\\\\AbstractGrant->validateClient('app', '${SECRET}', NULL) code=${CODE}` }));
  out.push(...p.push({ source: 'cut.log', line: 1, text: `GET /callback?state=x&id_token=${JWT.slice(0, 60)}`, truncated: true }));
  out.push(...p.flush());
  assert.ok(out.length >= LINES.length);
  for (const e of out) assertClean(e, `${e.format}:${e.ref.file}:${e.ref.line}`);
});

test('a JWT cut in half by the line cap does not leak its readable part', () => {
  const e = parseLine({ source: 's', line: 1, text: `oauth token ${JWT.slice(0, 40)}`, truncated: true });
  if (e) assert.ok(!e.message.includes(JWT.slice(0, 40)));
});
