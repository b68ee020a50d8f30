import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLine } from '../../../src/core/logs/parseLine';
import { fingerprint } from '../../../src/core/redact/redact';

const at = (text: string) => parseLine({ source: 'keycloak.log', line: 5, text });

test('Keycloak, WildFly style (unquoted): CODE_TO_TOKEN_ERROR with every field', () => {
  const e = at('2024-01-15 10:23:45,123 WARN  [org.keycloak.events] (default task-12) type=CODE_TO_TOKEN_ERROR, realmId=myrealm, clientId=my-app, userId=null, ipAddress=203.0.113.5, error=invalid_code, grant_type=authorization_code, code_id=0b5e7c3a-1f0e-4c5b-9a11-7d2f0c1e2a3b, client_auth_method=client-secret');
  assert.ok(e);
  assert.equal(e.format, 'keycloak');
  assert.equal(e.time, Date.UTC(2024, 0, 15, 10, 23, 45, 123));
  assert.equal(e.level, 'WARN');
  assert.equal(e.stage, 'token');
  assert.equal(e.clientId, 'my-app');
  assert.equal(e.user, undefined);
  assert.equal(e.ip, '203.0.113.5');
  assert.equal(e.error, 'invalid_grant');
  assert.equal(e.reason, undefined);
  assert.equal(e.grantType, 'authorization_code');
  assert.equal(e.extra?.['keycloakError'], 'invalid_code');
  assert.equal(e.extra?.['event'], 'CODE_TO_TOKEN_ERROR');
  assert.equal(e.extra?.['realm'], 'myrealm');
  assert.equal(e.extra?.['clientAuth'], 'client-secret');
  assert.deepEqual(e.code, { fingerprint: fingerprint('keycloak-code-id:0b5e7c3a-1f0e-4c5b-9a11-7d2f0c1e2a3b'), preview: '' });
});

test('Keycloak, Quarkus style (quoted): LOGIN issues the code, with redirect_uri and user', () => {
  const e = at('2024-01-15 10:23:44,001 INFO  [org.keycloak.events] (executor-thread-3) type="LOGIN", realmId="4b1c2d3e", realmName="demo", clientId="my-app", userId="8f1d2c3b", sessionId="s-77", ipAddress="203.0.113.5", auth_method="openid-connect", auth_type="code", response_type="code", redirect_uri="https://app.example.com/callback", consent="no_consent_required", code_id="c-1", username="alice", response_mode="query", authSessionParentId="s-77", authSessionTabId="t1"');
  assert.equal(e?.stage, 'consent');
  assert.equal(e?.user, 'alice');
  assert.equal(e?.redirectUri, 'https://app.example.com/callback');
  assert.equal(e?.responseType, 'code');
  assert.equal(e?.extra?.['codeIssued'], 'true');
  assert.equal(e?.extra?.['realm'], '4b1c2d3e');
  assert.equal(e?.error, undefined);
  assert.deepEqual(e?.code, { fingerprint: fingerprint('keycloak-code-id:c-1'), preview: '' });
});

test('Keycloak error names map to causes and stages', () => {
  const kc = (type: string, error: string, more = '') => at(`2024-01-15 10:23:45,123 WARN  [org.keycloak.events] (executor-thread-1) type="${type}", realmId="r", clientId="app", userId="null", ipAddress="10.0.0.1", error="${error}"${more}`);
  assert.equal(kc('LOGIN_ERROR', 'invalid_redirect_uri', ', redirect_uri="https://app.example.com/callback/"')?.reason, 'redirect_uri_mismatch');
  assert.equal(kc('LOGIN_ERROR', 'invalid_redirect_uri')?.stage, 'authorize');
  assert.equal(kc('CODE_TO_TOKEN_ERROR', 'invalid_code_verifier')?.reason, 'pkce_mismatch');
  assert.equal(kc('CODE_TO_TOKEN_ERROR', 'expired_code')?.reason, 'code_expired');
  assert.equal(kc('LOGIN_ERROR', 'expired_code')?.reason, 'session_expired');
  assert.equal(kc('CLIENT_LOGIN_ERROR', 'invalid_client_credentials')?.error, 'invalid_client');
  assert.equal(kc('CLIENT_LOGIN_ERROR', 'invalid_client_credentials')?.stage, 'token');
  assert.equal(kc('REFRESH_TOKEN_ERROR', 'invalid_token')?.reason, 'refresh_token_invalid');
  assert.equal(kc('REFRESH_TOKEN_ERROR', 'invalid_token')?.grantType, 'refresh_token');
  assert.equal(kc('LOGIN_ERROR', 'rejected_by_user')?.reason, 'access_denied');
  assert.equal(kc('LOGIN_ERROR', 'rejected_by_user')?.error, 'access_denied');
  assert.equal(kc('LOGIN_ERROR', 'invalid_user_credentials')?.stage, 'consent');
  assert.equal(kc('CODE_TO_TOKEN', 'null')?.stage, 'token_issued');
});

test('JSON: oidc-provider grant.error with error_detail names the cause', () => {
  const e = at('{"time":"2024-01-15T10:23:45.120Z","level":"warn","event":"grant.error","error":"invalid_grant","error_description":"grant request is invalid","error_detail":"PKCE verification failed","client_id":"mcp-inspector","grant_type":"authorization_code","ip":"127.0.0.1","request_id":"01HMD7Q9"}');
  assert.equal(e?.format, 'json');
  assert.equal(e?.time, Date.UTC(2024, 0, 15, 10, 23, 45, 120));
  assert.equal(e?.level, 'warn');
  assert.equal(e?.stage, 'token');
  assert.equal(e?.error, 'invalid_grant');
  assert.equal(e?.errorDescription, 'grant request is invalid');
  assert.equal(e?.reason, 'pkce_mismatch');
  assert.equal(e?.clientId, 'mcp-inspector');
  assert.equal(e?.grantType, 'authorization_code');
  assert.equal(e?.ip, '127.0.0.1');
  assert.equal(e?.requestId, '01HMD7Q9');
  assert.equal(e?.extra?.['event'], 'grant.error');
});

test('JSON: oidc-provider events map to stages', () => {
  const ev = (name: string) => at(`{"event":"${name}","client_id":"c1","ts":1705314225}`);
  assert.equal(ev('grant.success')?.stage, 'token_issued');
  assert.equal(ev('grant.success')?.time, 1705314225000);
  assert.equal(ev('authorization.error')?.stage, 'authorize');
  assert.equal(ev('authorization.success')?.stage, 'callback');
  assert.equal(ev('interaction.started')?.stage, 'consent');
  assert.equal(ev('registration_create.success')?.stage, 'registration');
});

test('JSON: pino request log (req/res/responseTime, headers, query string)', () => {
  const e = at('{"level":30,"time":1705314225000,"pid":412,"hostname":"web-1","req":{"id":17,"method":"GET","url":"/authorize?client_id=mcp&redirect_uri=http%3A%2F%2Flocalhost%3A6274%2Foauth%2Fcallback&state=abc&code_challenge=x&code_challenge_method=S256&response_type=code","headers":{"host":"auth.local","x-request-id":"req-1","user-agent":"node"},"remoteAddress":"::1","remotePort":51324},"res":{"statusCode":303},"responseTime":3.2,"msg":"request completed"}');
  assert.equal(e?.level, 'info');
  assert.equal(e?.method, 'GET');
  assert.equal(e?.path, '/authorize');
  assert.equal(e?.stage, 'authorize');
  assert.equal(e?.status, 303);
  assert.equal(e?.durationMs, 3.2);
  assert.equal(e?.redirectUri, 'http://localhost:6274/oauth/callback');
  assert.equal(e?.requestId, '17');
  assert.equal(e?.ip, '::1');
  assert.equal(e?.clientId, 'mcp');
});

test('JSON: bunyan MCP server line with a Bearer JWT; Keycloak JSON console format', () => {
  const jwt = `${Buffer.from('{"alg":"RS256","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"iss":"https://as","aud":"mcp","exp":1705310000}').toString('base64url')}.c2ln`;
  const e = at(`{"name":"mcp-server","hostname":"h","pid":1,"level":40,"msg":"rejected request: token expired","time":"2024-01-15T10:23:45.000Z","v":0,"req":{"method":"POST","url":"/mcp","headers":{"authorization":"Bearer ${jwt}"}},"res":{"statusCode":401}}`);
  assert.equal(e?.stage, 'api');
  assert.equal(e?.status, 401);
  assert.equal(e?.authScheme, 'Bearer');
  assert.equal(e?.tokens?.[0]?.claims?.['aud'], 'mcp');
  assert.equal(e?.level, 'warn');
  const kc = at('{"timestamp":"2024-01-15T10:23:45.123+01:00","sequence":1,"loggerClassName":"org.jboss.logging.Logger","loggerName":"org.keycloak.events","level":"WARN","message":"type=\\"CODE_TO_TOKEN_ERROR\\", realmId=\\"r\\", clientId=\\"app\\", userId=\\"null\\", ipAddress=\\"10.0.0.1\\", error=\\"invalid_code\\", grant_type=\\"authorization_code\\""}');
  assert.equal(kc?.format, 'json');
  assert.equal(kc?.time, Date.UTC(2024, 0, 15, 9, 23, 45, 123));
  assert.equal(kc?.stage, 'token');
  assert.equal(kc?.clientId, 'app');
  assert.equal(kc?.error, 'invalid_grant');
});

test('truncated JSON falls back to the generic reader', () => {
  const e = at('{"event":"grant.error","error":"invalid_grant","client_id":"c1","error_description":"authorization code is expi');
  assert.equal(e?.format, 'generic');
  assert.equal(e?.error, 'invalid_grant');
  assert.equal(e?.clientId, 'c1');
});

test("docker's json-file lines are unwrapped and read by the inner line's format", () => {
  const e = at('{"log":"172.18.0.1 - - [15/Jan/2024:10:23:45 +0000] \\"POST /oauth/token HTTP/1.1\\" 400 84 \\"-\\" \\"curl/8.5\\"\\n","stream":"stdout","time":"2024-01-15T10:23:45.123456789Z"}');
  assert.equal(e?.format, 'nginx');
  assert.equal(e?.stage, 'token');
  assert.equal(e?.status, 400);
  assert.equal(e?.time, Date.UTC(2024, 0, 15, 10, 23, 45));
  const nested = at('{"log":"{\\"log\\":\\"{\\\\\\"log\\\\\\":\\\\\\"oauth x\\\\\\",\\\\\\"stream\\\\\\":\\\\\\"stdout\\\\\\"}\\",\\"stream\\":\\"stdout\\"}","stream":"stdout"}');
  assert.equal(nested, undefined);
});

test('nginx JSON log_format and Caddy access logs', () => {
  const n = at('{"time_iso8601":"2024-01-15T10:23:45+00:00","remote_addr":"203.0.113.9","request":"GET /oauth/authorize?client_id=web&response_type=code&state=s9 HTTP/1.1","status":"302","body_bytes_sent":"0","request_time":"0.004","http_user_agent":"Mozilla/5.0"}');
  assert.equal(n?.format, 'json');
  assert.equal(n?.method, 'GET');
  assert.equal(n?.path, '/oauth/authorize');
  assert.equal(n?.stage, 'authorize');
  assert.equal(n?.status, 302);
  assert.equal(n?.durationMs, 4);
  assert.equal(n?.ip, '203.0.113.9');
  assert.equal(n?.state, 's9');
  assert.equal(n?.time, Date.UTC(2024, 0, 15, 10, 23, 45));
  const c = at('{"level":"info","ts":1705314225.123,"logger":"http.log.access","msg":"handled request","request":{"remote_ip":"172.18.0.1","proto":"HTTP/2.0","method":"POST","host":"auth.example.dev","uri":"/oauth2/token","headers":{"Content-Type":["application/x-www-form-urlencoded"]}},"status":401,"duration":0.0021}');
  assert.equal(c?.stage, 'token');
  assert.equal(c?.status, 401);
  assert.equal(c?.ip, '172.18.0.1');
  assert.equal(c?.time, 1705314225123);
});

test('Spring Security and ORY Hydra style lines', () => {
  const spring = at('2024-01-15 10:23:45.123  WARN 1 --- [nio-8080-exec-3] o.s.s.o.s.a.e.TokenEndpoint : Handling error: InvalidGrantException, Invalid authorization code: Qm9Fz2');
  assert.equal(spring?.reason, 'code_not_found');
  assert.equal(spring?.time, Date.UTC(2024, 0, 15, 10, 23, 45, 123));
  const spring2 = at('2024-01-15T10:23:45.123Z ERROR 7 --- [main] o.s.s.oauth2.client.web.OAuth2LoginAuthenticationFilter : [invalid_grant] Redirect URI mismatch');
  assert.equal(spring2?.error, 'invalid_grant');
  const hydra = at('{"audience":"application","error":{"debug":"The \\"code_verifier\\" does not match the \\"code_challenge\\".","message":"invalid_grant","reason":"","status":"Bad Request","status_code":400},"http_request":{"headers":{},"host":"hydra:4444","method":"POST","path":"/oauth2/token","query":null,"remote":"172.18.0.5:41234","scheme":"http"},"level":"error","msg":"An error occurred","time":"2024-01-15T10:23:45.12Z"}');
  assert.equal(hydra?.error, 'invalid_grant');
  assert.equal(hydra?.reason, 'pkce_mismatch');
  assert.equal(hydra?.stage, 'token');
  assert.equal(hydra?.status, 400);
});

test('Laravel with Monolog JsonFormatter: League exception objects', () => {
  const e = at('{"message":"The provided authorization grant (e.g., authorization code, resource owner credentials) or refresh token is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.","context":{"exception":{"class":"League\\\\OAuth2\\\\Server\\\\Exception\\\\OAuthServerException","message":"The provided authorization grant (e.g., authorization code, resource owner credentials) or refresh token is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.","code":10,"file":"/var/www/html/vendor/league/oauth2-server/src/Exception/OAuthServerException.php:243","trace":["/var/www/html/vendor/league/oauth2-server/src/Grant/AuthCodeGrant.php:171","/var/www/html/vendor/league/oauth2-server/src/AuthorizationServer.php:202","/var/www/html/vendor/laravel/passport/src/Http/Controllers/AccessTokenController.php:42"]}},"level":400,"level_name":"ERROR","channel":"production","datetime":"2024-01-15T10:23:45.123456+00:00","extra":{}}');
  assert.equal(e?.format, 'json');
  assert.equal(e?.error, 'invalid_grant');
  assert.equal(e?.status, 400);
  assert.equal(e?.stage, 'token');
  assert.equal(e?.grantType, 'authorization_code');
  assert.equal(e?.extra?.['exceptionCode'], '10');
  assert.equal(e?.time, Date.UTC(2024, 0, 15, 10, 23, 45, 123));
});
