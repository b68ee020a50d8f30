import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogParser } from '../../../src/core/logs/logParser';
import { parseLine } from '../../../src/core/logs/parseLine';
import type { OAuthEvent } from '../../../src/core/model';

function run(text: string, source = 'storage/logs/laravel.log', opts = {}): OAuthEvent[] {
  const p = new LogParser(opts);
  const out: OAuthEvent[] = [];
  text.split('\n').forEach((t, i) => out.push(...p.push({ source, line: i + 1, text: t })));
  out.push(...p.flush());
  return out;
}

const GENERIC_GRANT = 'The provided authorization grant (e.g., authorization code, resource owner credentials) or refresh token is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.';

function leagueEntry(time: string, code: number, message: string, frames: string[]): string {
  return [
    `[${time}] production.ERROR: ${message} {"exception":"[object] (League\\\\OAuth2\\\\Server\\\\Exception\\\\OAuthServerException(code: ${code}): ${message} at /var/www/html/vendor/league/oauth2-server/src/Exception/OAuthServerException.php:243)`,
    '[stacktrace]',
    ...frames.map((f, i) => `#${i} ${f}`),
    `#${frames.length} {main}`,
    '"} ',
  ].join('\n');
}

test('a League invalid_grant with its stack trace folds into one event: error, status, reason from the frame, stage token', () => {
  const text = [
    '[2024-01-15 10:23:40] production.INFO: Order 4411 shipped {"user_id":17} []',
    leagueEntry('2024-01-15 10:23:45', 10, GENERIC_GRANT, [
      "/var/www/html/vendor/league/oauth2-server/src/Grant/AuthCodeGrant.php(340): League\\\\OAuth2\\\\Server\\\\Exception\\\\OAuthServerException::invalidGrant('Failed to verif...')",
      '/var/www/html/vendor/league/oauth2-server/src/AuthorizationServer.php(202): League\\\\OAuth2\\\\Server\\\\Grant\\\\AuthCodeGrant->respondToAccessTokenRequest(Object(Nyholm\\\\Psr7\\\\ServerRequest), Object(League\\\\OAuth2\\\\Server\\\\ResponseTypes\\\\BearerTokenResponse), Object(DateInterval))',
      '/var/www/html/vendor/laravel/passport/src/Http/Controllers/AccessTokenController.php(42): League\\\\OAuth2\\\\Server\\\\AuthorizationServer->respondToAccessTokenRequest(Object(Nyholm\\\\Psr7\\\\ServerRequest), Object(Nyholm\\\\Psr7\\\\Response))',
    ]),
    '[2024-01-15 10:23:46] production.INFO: Heartbeat []',
  ].join('\n');
  const events = run(text);
  assert.equal(events.length, 1);
  const e = events[0]!;
  assert.equal(e.format, 'laravel');
  assert.deepEqual(e.ref, { file: 'storage/logs/laravel.log', line: 2 });
  assert.equal(e.time, Date.UTC(2024, 0, 15, 10, 23, 45));
  assert.equal(e.level, 'ERROR');
  assert.equal(e.error, 'invalid_grant');
  assert.equal(e.status, 400);
  assert.equal(e.reason, 'pkce_mismatch');
  assert.equal(e.stage, 'token');
  assert.equal(e.grantType, 'authorization_code');
  assert.equal(e.extra?.['exception'], 'OAuthServerException');
  assert.equal(e.extra?.['exceptionCode'], '10');
  assert.ok(e.message.startsWith('[2024-01-15 10:23:45] production.ERROR: The provided authorization grant'));
  assert.ok(!e.message.includes('[stacktrace]'));
});

test('the generic invalid_grant text alone names no cause (it lists them all)', () => {
  const [e] = run(`[2024-01-15 10:23:45] production.ERROR: ${GENERIC_GRANT} {"exception":"[object] (League\\\\OAuth2\\\\Server\\\\Exception\\\\OAuthServerException(code: 10): ${GENERIC_GRANT} at /var/www/x.php:1)"} []`);
  assert.equal(e!.error, 'invalid_grant');
  assert.equal(e!.reason, undefined);
});

test('League messages and frames map to their errors and causes', () => {
  const cases: Array<[number, string, string, string | undefined, Record<string, string>]> = [
    [4, 'Client authentication failed', "/v/AbstractGrant.php(290): League\\\\OAuth2\\\\Server\\\\Exception\\\\OAuthServerException::invalidClient(Object(Nyholm\\\\Psr7\\\\ServerRequest))\n#1 /v/AuthCodeGrant.php(251): League\\\\OAuth2\\\\Server\\\\Grant\\\\AbstractGrant->validateRedirectUri('https://chatgpt...', Object(Laravel\\\\Passport\\\\Bridge\\\\Client), Object(Nyholm\\\\Psr7\\\\ServerRequest))", 'redirect_uri_mismatch', {}],
    [5, 'The requested scope is invalid, unknown, or malformed', "/v/AbstractGrant.php(303): League\\\\OAuth2\\\\Server\\\\Exception\\\\OAuthServerException::invalidScope('admin', 'https://app.exa...')", 'scope_not_allowed', { scopes: 'admin' }],
    [2, 'The authorization grant type is not supported by the authorization server.', "/v/AuthorizationServer.php(210): League\\\\OAuth2\\\\Server\\\\Exception\\\\OAuthServerException::unsupportedGrantType()", 'unsupported_grant_type', {}],
    [3, 'The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed.', "/v/AuthCodeGrant.php(121): League\\\\OAuth2\\\\Server\\\\Exception\\\\OAuthServerException::invalidRequest('code_verifier')", 'missing_required_parameter', { param: 'code_verifier' }],
    [3, 'The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed.', "/v/AuthCodeGrant.php(127): League\\\\OAuth2\\\\Server\\\\Exception\\\\OAuthServerException::invalidRequest('code_verifier', 'Code Verifier m...')", 'pkce_verifier_invalid', { param: 'code_verifier' }],
    [3, 'The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed.', "/v/AuthCodeGrant.php(330): League\\\\OAuth2\\\\Server\\\\Exception\\\\OAuthServerException::invalidRequest('code_challenge', 'Code challenge ...')", 'pkce_missing', { param: 'code_challenge' }],
    [3, 'The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed.', "/v/AuthCodeGrant.php(186): League\\\\OAuth2\\\\Server\\\\Exception\\\\OAuthServerException::invalidRequest('code', 'Authorization c...')", 'client_id_mismatch', { param: 'code' }],
    [3, 'The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed.', "/v/AuthCodeGrant.php(196): League\\\\OAuth2\\\\Server\\\\Exception\\\\OAuthServerException::invalidRequest('redirect_uri', 'Invalid redirec...')", 'redirect_uri_mismatch', { param: 'redirect_uri' }],
    [9, 'The resource owner or authorization server denied the request.', "/v/AuthCodeGrant.php(380): League\\\\OAuth2\\\\Server\\\\Exception\\\\OAuthServerException::accessDenied('The user denied...', 'https://app.exa...')", 'access_denied', {}],
    [8, 'The refresh token is invalid.', "/v/RefreshTokenGrant.php(120): League\\\\OAuth2\\\\Server\\\\Exception\\\\OAuthServerException::invalidRefreshToken('Token has been ...')\n#1 /v/RefreshTokenGrant.php(60): League\\\\OAuth2\\\\Server\\\\Grant\\\\RefreshTokenGrant->validateOldRefreshToken(Object(Nyholm\\\\Psr7\\\\ServerRequest), '9b1c')", 'refresh_token_invalid', {}],
  ];
  const codeErrors: Record<number, [string, number]> = { 2: ['unsupported_grant_type', 400], 3: ['invalid_request', 400], 4: ['invalid_client', 401], 5: ['invalid_scope', 400], 8: ['invalid_grant', 400], 9: ['access_denied', 401] };
  for (const [code, message, frame, reason, extra] of cases) {
    const events = run(leagueEntry('2024-01-15 10:23:45', code, message, [frame]));
    assert.equal(events.length, 1, message);
    const e = events[0]!;
    assert.equal(e.error, codeErrors[code]![0], message);
    assert.equal(e.status, codeErrors[code]![1], message);
    assert.equal(e.reason, reason, `${message}: ${frame}`);
    for (const [k, v] of Object.entries(extra)) assert.equal(e.extra?.[k], v, `${message} extra.${k}`);
  }
});

test('hints logged in full (custom logging) name the cause precisely', () => {
  const hints: Array<[string, string]> = [
    ['Authorization code has expired', 'code_expired'],
    ['Authorization code has been revoked', 'code_reused'],
    ['Authorization code was not issued to this client', 'client_id_mismatch'],
    ['Check the `code_verifier` parameter', 'missing_required_parameter'],
    ['Failed to verify `code_verifier`.', 'pkce_mismatch'],
  ];
  for (const [hint, reason] of hints) {
    const [e] = run(`[2024-01-15 10:23:45] production.WARNING: OAuth token request failed {"error":"invalid_grant","hint":"${hint}","client_id":"9b1c4f2e-1111-4a4a-9c9c-0123456789ab","ip":"203.0.113.7"} []`);
    assert.equal(e!.reason, reason, hint);
    assert.equal(e!.clientId, '9b1c4f2e-1111-4a4a-9c9c-0123456789ab');
    assert.equal(e!.ip, '203.0.113.7');
    assert.equal(e!.level, 'WARNING');
  }
});

test('request-logging lines give path, method, query parameters, user and request id', () => {
  const [e] = run('[2024-01-15 10:23:45] production.INFO: GET https://my.neonpanel.com/oauth2/authorize?response_type=code&client_id=chatgpt-client-123&redirect_uri=https%3A%2F%2Fchatgpt.com%2Fbackend-api%2Faip%2Fconnectors%2Foauth%2Fcallback&state=Zm9vYmFy&scope=dcr.create&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256 {"ip":"203.0.113.7","user_id":42,"request_id":"9f0c3a1e-7b7e-4f57-9a55-1c1d2e3f4a5b"} []');
  assert.equal(e!.method, 'GET');
  assert.equal(e!.path, '/oauth2/authorize');
  assert.equal(e!.stage, 'authorize');
  assert.equal(e!.clientId, 'chatgpt-client-123');
  assert.equal(e!.redirectUri, 'https://chatgpt.com/backend-api/aip/connectors/oauth/callback');
  assert.equal(e!.state, 'Zm9vYmFy');
  assert.equal(e!.scope, 'dcr.create');
  assert.equal(e!.responseType, 'code');
  assert.equal(e!.codeChallenge, 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  assert.equal(e!.codeChallengeMethod, 'S256');
  assert.equal(e!.user, '42');
  assert.equal(e!.ip, '203.0.113.7');
  assert.equal(e!.requestId, '9f0c3a1e-7b7e-4f57-9a55-1c1d2e3f4a5b');
});

test('Laravel local times are UTC unless a zone is given; ISO offsets in the header are honoured', () => {
  const line = '[2024-01-15 10:23:45] production.INFO: POST /oauth/token grant_type=authorization_code []';
  assert.equal(run(line)[0]!.time, Date.UTC(2024, 0, 15, 10, 23, 45));
  assert.equal(run(line, 'l', { timeZone: '+03:00' })[0]!.time, Date.UTC(2024, 0, 15, 7, 23, 45));
  assert.equal(run(line, 'l', { timeZone: 'Europe/Berlin' })[0]!.time, Date.UTC(2024, 0, 15, 9, 23, 45));
  assert.equal(run(line.replace('2024-01-15 10:23:45', '2024-07-15 10:23:45'), 'l', { timeZone: 'Europe/Berlin' })[0]!.time, Date.UTC(2024, 6, 15, 8, 23, 45));
  assert.equal(run(line.replace('2024-01-15 10:23:45', '2024-01-15T10:23:45.250000-05:00'))[0]!.time, Date.UTC(2024, 0, 15, 15, 23, 45, 250));
});

test('Unauthenticated (auth:api) is an API-stage 401', () => {
  const [e] = run('[2024-01-15 10:23:45] production.ERROR: Unauthenticated. {"exception":"[object] (Illuminate\\\\Auth\\\\AuthenticationException(code: 0): Unauthenticated. at /var/www/html/vendor/laravel/framework/src/Illuminate/Auth/Middleware/Authenticate.php:102)\n[stacktrace]\n#0 {main}\n"}');
  assert.equal(e!.stage, 'api');
  assert.equal(e!.status, 401);
});

test('parseLine reads a single Laravel line without folding', () => {
  const e = parseLine({ source: 'l', line: 7, text: '[2024-01-15 10:23:45] local.ERROR: Client authentication failed {"exception":"[object] (League\\\\OAuth2\\\\Server\\\\Exception\\\\OAuthServerException(code: 4): Client authentication failed at /v/x.php:1)"}' });
  assert.equal(e?.error, 'invalid_client');
  assert.equal(e?.stage, 'token');
  assert.deepEqual(e?.ref, { file: 'l', line: 7 });
});

test('an enormous stack trace is folded with bounded memory and still parsed', () => {
  const frames = Array.from({ length: 20_000 }, (_, i) => `#${i} /var/www/html/vendor/laravel/framework/src/Illuminate/Pipeline/Pipeline.php(${i}): Illuminate\\\\Pipeline\\\\Pipeline->Illuminate\\\\Pipeline\\\\{closure}(Object(Illuminate\\\\Http\\\\Request))`);
  const text = [`[2024-01-15 10:23:45] production.ERROR: Client authentication failed {"exception":"[object] (League\\\\OAuth2\\\\Server\\\\Exception\\\\OAuthServerException(code: 4): Client authentication failed at /v/x.php:1)`, '[stacktrace]', ...frames, '"}'].join('\n');
  const p = new LogParser({ maxEntryChars: 16_384 });
  const out: OAuthEvent[] = [];
  text.split('\n').forEach((t, i) => out.push(...p.push({ source: 's', line: i + 1, text: t })));
  out.push(...p.flush());
  assert.equal(out.length, 1);
  assert.equal(out[0]!.error, 'invalid_client');
  assert.ok(p.stats.droppedChars > 1_000_000);
  assert.equal(p.stats.folded, frames.length + 2);
});

test('the grant read from a League stack trace is the grant class nearest the throw, not the first one checked', () => {
  const trace = (grant: string, outer: string): string => [
    '[2024-01-15 09:01:40] production.ERROR: Client authentication failed {"exception":"[object] (League\\\\OAuth2\\\\Server\\\\Exception\\\\OAuthServerException(code: 4): Client authentication failed at /var/www/vendor/league/oauth2-server/src/Exception/OAuthServerException.php:152)',
    '[stacktrace]',
    '#0 /var/www/vendor/league/oauth2-server/src/Grant/AbstractGrant.php(290): League\\\\OAuth2\\\\Server\\\\Exception\\\\OAuthServerException::invalidClient(Object(Nyholm\\\\Psr7\\\\ServerRequest))',
    `#1 /var/www/vendor/league/oauth2-server/src/Grant/${grant}.php(49): League\\\\OAuth2\\\\Server\\\\Grant\\\\AbstractGrant->validateClient(Object(Nyholm\\\\Psr7\\\\ServerRequest))`,
    `#2 /var/www/vendor/league/oauth2-server/src/AuthorizationServer.php(202): League\\\\OAuth2\\\\Server\\\\Grant\\\\${outer}->respondToAccessTokenRequest(Object(Nyholm\\\\Psr7\\\\ServerRequest))`,
    '#3 {main}',
    '"}',
  ].join('\n');
  // A trace naming two grant classes (one delegating to another, or pasted together): the inner one ran.
  assert.equal(run(trace('ClientCredentialsGrant', 'AuthCodeGrant'))[0]?.grantType, 'client_credentials');
  assert.equal(run(trace('RefreshTokenGrant', 'AuthCodeGrant'))[0]?.grantType, 'refresh_token');
  assert.equal(run(trace('AuthCodeGrant', 'AuthCodeGrant'))[0]?.grantType, 'authorization_code');
  assert.equal(run(trace('PasswordGrant', 'PasswordGrant'))[0]?.grantType, 'password');
});

test('the step read from a League stack trace is the one nearest the throw: a scope refused at authorize is an authorize failure', () => {
  const entry = [
    '[2024-01-15 09:03:40] production.ERROR: The requested scope is invalid, unknown, or malformed {"exception":"[object] (League\\\\OAuth2\\\\Server\\\\Exception\\\\OAuthServerException(code: 5): The requested scope is invalid, unknown, or malformed at /var/www/vendor/league/oauth2-server/src/Exception/OAuthServerException.php:165)',
    '[stacktrace]',
    "#0 /var/www/vendor/league/oauth2-server/src/Grant/AbstractGrant.php(303): League\\\\OAuth2\\\\Server\\\\Exception\\\\OAuthServerException::invalidScope('admin', 'https://reports...')",
    '#1 /var/www/vendor/league/oauth2-server/src/AuthorizationServer.php(141): League\\\\OAuth2\\\\Server\\\\Grant\\\\AuthCodeGrant->validateAuthorizationRequest(Object(Nyholm\\\\Psr7\\\\ServerRequest))',
    '#2 /var/www/vendor/laravel/passport/src/Http/Controllers/AccessTokenController.php(42): League\\\\OAuth2\\\\Server\\\\AuthorizationServer->respondToAccessTokenRequest(Object(Nyholm\\\\Psr7\\\\ServerRequest))',
    '#3 {main}',
    '"}',
  ].join('\n');
  const [e] = run(entry);
  assert.equal(e?.stage, 'authorize');
  assert.equal(e?.reason, 'scope_not_allowed');
});
