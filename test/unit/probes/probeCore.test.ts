import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWwwAuthenticate, bearerChallenge } from '../../../src/core/probes/wwwAuthenticate';
import { asMetadataCandidates, protectedResourceMetadataCandidates, isLoopbackHost, issuerFromWellKnownUrl } from '../../../src/core/probes/wellKnown';
import { checkAsMetadata, checkProtectedResourceMetadata, parseJsonBody, parseOAuthError } from '../../../src/core/probes/metadataChecks';
import { findingForOAuthError } from '../../../src/core/probes/oauthErrors';
import { renderCurl, shellQuote } from '../../../src/core/probes/curl';
import { redactExchange } from '../../../src/core/probes/exchangeRedaction';
import { redact } from '../../../src/core/redact/redact';

const healthy = {
  issuer: 'https://as.example',
  authorization_endpoint: 'https://as.example/authorize',
  token_endpoint: 'https://as.example/token',
  jwks_uri: 'https://as.example/jwks',
  response_types_supported: ['code'],
  grant_types_supported: ['authorization_code', 'refresh_token'],
  code_challenge_methods_supported: ['S256'],
};

test('WWW-Authenticate: several challenges, quoted values with commas and escapes, token68', () => {
  const c = parseWwwAuthenticate('Basic realm="a, b", Bearer realm="mcp", error="invalid_token", error_description="say \\"hi\\"", resource_metadata="https://r/.well-known/oauth-protected-resource"');
  assert.equal(c.length, 2);
  assert.deepEqual(c[0], { scheme: 'Basic', params: { realm: 'a, b' } });
  assert.equal(c[1]?.params.resource_metadata, 'https://r/.well-known/oauth-protected-resource');
  assert.equal(c[1]?.params.error_description, 'say "hi"');
  assert.equal(bearerChallenge('bearer')?.scheme, 'bearer');
  assert.equal(bearerChallenge('Negotiate abc==')?.scheme, undefined);
  assert.equal(parseWwwAuthenticate('Negotiate YIIB==')[0]?.token68, 'YIIB==');
  assert.deepEqual(parseWwwAuthenticate(undefined), []);
  assert.doesNotThrow(() => parseWwwAuthenticate('=,,"=\\'.repeat(5000)));
});

test('well-known URLs are path-aware (RFC 8414 / 9728) with OIDC forms as fallback', () => {
  assert.deepEqual(asMetadataCandidates('https://as.example/tenant/').map((c) => c.url), [
    'https://as.example/.well-known/oauth-authorization-server/tenant',
    'https://as.example/tenant/.well-known/openid-configuration',
    'https://as.example/.well-known/openid-configuration/tenant',
  ]);
  assert.deepEqual(asMetadataCandidates('https://as.example').map((c) => c.source), ['rfc8414', 'oidc']);
  assert.deepEqual(protectedResourceMetadataCandidates('https://r.example/mcp'), [
    'https://r.example/.well-known/oauth-protected-resource/mcp',
    'https://r.example/.well-known/oauth-protected-resource',
  ]);
  assert.equal(issuerFromWellKnownUrl('https://as.example/.well-known/openid-configuration'), 'https://as.example');
  assert.equal(issuerFromWellKnownUrl('https://as.example/.well-known/oauth-authorization-server/t1'), 'https://as.example/t1');
  assert.ok(isLoopbackHost('127.0.0.9') && isLoopbackHost('[::1]') && isLoopbackHost('localhost'));
  assert.ok(!isLoopbackHost('127.example.com') && !isLoopbackHost('10.0.0.1'));
});

test('healthy metadata raises nothing', () => {
  assert.deepEqual(checkAsMetadata(healthy, { expectedIssuer: 'https://as.example', source: 'rfc8414' }), []);
});

test('issuer differing only by a trailing slash is discovery_issuer_mismatch, and says so', () => {
  const p = checkAsMetadata({ ...healthy, issuer: 'https://as.example/' }, { expectedIssuer: 'https://as.example', source: 'rfc8414' });
  assert.deepEqual(p.map((x) => x.id), ['discovery_issuer_mismatch']);
  assert.match(p[0]?.detail ?? '', /only by a trailing slash/);
});

test('missing fields, javascript: URLs, http endpoints, no S256', () => {
  const p = checkAsMetadata({
    issuer: 'https://as.example',
    authorization_endpoint: 'javascript:alert(1)',
    jwks_uri: 'http://as.example/jwks',
    service_documentation: 'http://as.example/docs',
    response_types_supported: ['token'],
    code_challenge_methods_supported: ['plain'],
  }, { expectedIssuer: 'https://as.example', source: 'oidc' });
  const ids = p.map((x) => x.id).sort();
  assert.deepEqual(ids, ['discovery_invalid', 'discovery_invalid', 'discovery_invalid', 'insecure_http_endpoint', 'pkce_s256_unsupported']);
  assert.ok(p.some((x) => /javascript: scheme/.test(x.detail)));
  assert.ok(p.some((x) => /missing: token_endpoint, subject_types_supported/.test(x.detail)));
  const insecure = p.find((x) => x.id === 'insecure_http_endpoint');
  assert.equal(insecure?.severity, 'error');
  assert.match(insecure?.detail ?? '', /2 URLs use http:\/\/ on a non-loopback host \(jwks_uri, service_documentation\)/);
  const absent = checkAsMetadata({ ...healthy, code_challenge_methods_supported: undefined }, { expectedIssuer: 'https://as.example', source: 'rfc8414' });
  assert.deepEqual(absent.map((x) => [x.id, x.severity]), [['pkce_s256_unsupported', 'warning']]);
  const loop = checkAsMetadata({ ...healthy, issuer: 'http://127.0.0.1:9', token_endpoint: 'http://127.0.0.1:9/token' }, { expectedIssuer: 'http://127.0.0.1:9', source: 'rfc8414' });
  assert.deepEqual(loop.map((x) => [x.id, x.severity]), [['insecure_http_endpoint', 'warning']]);
});

test('protected resource metadata: authorization servers extracted, bad entries reported', () => {
  const ok = checkProtectedResourceMetadata({ resource: 'https://r.example/mcp', authorization_servers: ['https://as.example', 'javascript:x'] }, 'https://r.example/mcp');
  assert.deepEqual(ok.authorizationServers, ['https://as.example']);
  assert.deepEqual(ok.problems.map((p) => p.id), ['discovery_invalid']);
  const other = checkProtectedResourceMetadata({ resource: 'https://elsewhere.example/', authorization_servers: [] }, 'https://r.example/mcp');
  assert.match(other.problems[0]?.detail ?? '', /RFC 9728 §3.3/);
});

test('HTML where JSON belongs is named as such, with the page title', () => {
  const r = parseJsonBody('<!DOCTYPE html><html><head><title>Sign in</title></head></html>', 'text/html');
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.reason, /HTML where JSON belongs.*"Sign in"/);
  assert.equal(parseJsonBody('{"a":1}', 'application/json').ok, true);
  assert.match((parseJsonBody('{oops', undefined) as { reason: string }).reason, /not valid JSON/);
});

test('OAuth errors are read from JSON, form bodies and HTML error pages, and mapped to catalog ids', () => {
  assert.deepEqual(parseOAuthError('{"error":"invalid_grant","error_description":"grant request is invalid"}', 'application/json'), { error: 'invalid_grant', description: 'grant request is invalid' });
  assert.equal(parseOAuthError('error=access_denied&error_description=no+way', 'application/x-www-form-urlencoded').description, 'no way');
  assert.equal(parseOAuthError('<pre><strong>error</strong>: invalid_redirect_uri</pre><pre><strong>error_description</strong>: redirect_uri did not match any of the client&#39;s registered redirect_uris</pre>', 'text/html').error, 'invalid_redirect_uri');
  assert.equal(findingForOAuthError('invalid_request', 'Authorization Server policy requires PKCE to be used for this request')?.id, 'pkce_missing');
  assert.equal(findingForOAuthError('invalid_request', 'Request Object must be used by this client')?.id, 'jar_required');
  assert.equal(findingForOAuthError('invalid_request', 'Request parameter is required')?.id, 'jar_required');
  assert.equal(findingForOAuthError('invalid_scope', undefined)?.id, 'scope_not_allowed');
  assert.equal(findingForOAuthError('access_denied', 'End-User aborted interaction')?.id, 'access_denied');
  assert.equal(findingForOAuthError(undefined, undefined, 499)?.id, 'client_key_missing');
  assert.equal(findingForOAuthError('login_required', undefined, 302), undefined);
});

test('recorded exchanges are redacted: headers, form and JSON bodies, URLs; curl keeps them masked', () => {
  const ex = redactExchange({
    method: 'POST',
    url: 'https://as.example/cb?code=SplxlOBeZQQYbYS6WxSbIA&state=s1',
    requestHeaders: { Authorization: 'Basic YXBwOnNlY3JldA==', 'content-type': 'application/x-www-form-urlencoded', cookie: 'sid=abc' },
    requestBody: "grant_type=authorization_code&code=abc123xyz&code_verifier=verifier-value-123&client_secret=it's-secret",
    status: 200,
    responseBody: '{"access_token":"opaque-token-value","registration_access_token":"rat-value","token_type":"Bearer","client_secret":"s2"}',
    durationMs: 3,
  });
  const all = JSON.stringify(ex);
  for (const s of ['YXBwOnNlY3JldA==', 'SplxlOBeZQQYbYS6WxSbIA', 'abc123xyz', 'verifier-value-123', "it's-secret", 'opaque-token-value', 'rat-value', 'sid=abc', '"s2"']) {
    assert.ok(!all.includes(s), `${s} survived: ${all}`);
  }
  assert.match(ex.requestHeaders.authorization ?? '', /^Basic \[fp:[0-9a-f]{8}\]$/);
  assert.match(ex.responseBody ?? '', /"token_type":"Bearer"/);
  const curl = renderCurl(ex);
  assert.match(curl, /^curl -sS -X POST 'https:\/\/as.example\/cb\?code=\[code fp:/);
  assert.ok(curl.includes("-H 'authorization: Basic [fp:"));
  assert.ok(!curl.includes('YXBwOnNlY3JldA=='));
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
});

test('redact: compound token names of registration and device flows are masked in plain text too', () => {
  const out = redact('registration_access_token=abcdef123 initial_access_token: xyz987654 device_code=dc12345');
  for (const s of ['abcdef123', 'xyz987654', 'dc12345']) assert.ok(!out.includes(s), out);
});
