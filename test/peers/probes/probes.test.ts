// Probes against a real oidc-provider (and a small protected resource) on 127.0.0.1, one server
// configuration per case; each asserts the exact finding ids the probes must raise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freePort, startAuthServer, startResourceServer } from '../authServer/authServer.mjs';
import { runProbes } from '../../../src/probes/runProbes';
import type { ProbeReport } from '../../../src/core/probes/probeReport';

const REDIRECT = 'http://127.0.0.1:53682/callback';

/** Finding ids without the loopback-http warning every 127.0.0.1 server earns. */
function ids(r: ProbeReport): string[] {
  return r.findings.filter((f) => f.id !== 'insecure_http_endpoint').map((f) => f.id).sort();
}

function step(r: ProbeReport, name: string): ProbeReport['steps'][number] {
  const s = r.steps.find((x) => x.name === name);
  assert.ok(s, `no step ${name}: ${r.steps.map((x) => x.name).join(', ')}`);
  return s;
}

test('healthy server via its protected resource: no findings beyond loopback http, all steps ok', async () => {
  const resourcePort = await freePort();
  const as2 = await startAuthServer({ redirectUris: [REDIRECT], resource: `http://127.0.0.1:${resourcePort}/mcp`, clientCredentials: true });
  const rs2 = await startResourceServer({ issuer: as2.issuer, port: resourcePort });
  try {
    const as3 = as2;
    const r = await runProbes({ target: rs2.url, clientId: 'app', clientSecret: 'app-secret', redirectUri: REDIRECT });
    assert.deepEqual(ids(r), [], JSON.stringify(r.findings, null, 1));
    assert.equal(r.issuer, as3.issuer);
    // oidc-provider accepts basic and post for a client_secret_basic client
    assert.deepEqual(r.clientAuthMethods, ['client_secret_basic', 'client_secret_post']);
    assert.equal(step(r, 'protected resource without a token').status, 'ok');
    assert.equal(step(r, 'jwks').status, 'ok');
    assert.equal(step(r, 'client authentication').status, 'ok');
    assert.equal(step(r, 'authorize request').status, 'ok');
    assert.equal(step(r, 'dynamic client registration').status, 'skipped');
    assert.ok(r.findings.every((f) => f.id !== 'insecure_http_endpoint' || f.severity === 'warning'));
    // the healthy protected resource answers 401 with resource_metadata
    assert.match(step(r, 'protected resource without a token').summary, /HTTP 401, WWW-Authenticate: Bearer .*resource_metadata=/);
    // secrets never recorded
    const recorded = JSON.stringify(r);
    assert.ok(!recorded.includes('app-secret') && !recorded.includes(Buffer.from('app:app-secret').toString('base64')));
  } finally {
    await rs2.close();
    await as2.close();
  }
});

test('client registered with a trailing slash: redirect_uri_mismatch of kind trailing_slash', async () => {
  const as = await startAuthServer({ redirectUris: [`${REDIRECT}/`] });
  try {
    const r = await runProbes({ target: as.issuer, clientId: 'app', clientSecret: 'app-secret', redirectUri: REDIRECT });
    assert.deepEqual(ids(r), ['redirect_uri_mismatch']);
    const f = r.findings.find((x) => x.id === 'redirect_uri_mismatch');
    assert.equal(f?.data?.kind, 'trailing_slash');
    assert.equal(f?.data?.registered, `${REDIRECT}/`);
    // The detail names the two in the order its comparison does: the one with the slash is the registered one.
    assert.match(f?.detail ?? '', new RegExp(`^the AS accepts redirect_uri ${REDIRECT}/ \\(registered\\) but rejects ${REDIRECT} \\(sent\\): .*the first ends with "/"`));
    assert.equal(f?.stage, 'authorize');
    assert.ok((f?.exchanges?.length ?? 0) >= 2, 'evidence: the rejected and the accepted request');
  } finally {
    await as.close();
  }
});

test('PKCE required: pkce_missing (info) from the request without a challenge', async () => {
  const as = await startAuthServer({ redirectUris: [REDIRECT], pkceRequired: true });
  try {
    const r = await runProbes({ target: as.issuer, clientId: 'app', clientSecret: 'app-secret', redirectUri: REDIRECT });
    assert.deepEqual(ids(r), ['pkce_missing']);
    assert.equal(r.findings.find((f) => f.id === 'pkce_missing')?.severity, 'info');
  } finally {
    await as.close();
  }
});

test('client_secret_post only: client_auth_method_mismatch, the post flavor reported as working', async () => {
  const as = await startAuthServer({ redirectUris: [REDIRECT], authMethod: 'client_secret_post' });
  try {
    const r = await runProbes({ target: as.issuer, clientId: 'app', clientSecret: 'app-secret', redirectUri: REDIRECT });
    assert.deepEqual(ids(r), ['client_auth_method_mismatch']);
    assert.deepEqual(r.clientAuthMethods, ['client_secret_post']);
    assert.match(r.findings.find((f) => f.id === 'client_auth_method_mismatch')?.detail ?? '', /token_endpoint_auth_method=client_secret_post/);
  } finally {
    await as.close();
  }
});

test('a secret with special characters: client_secret_encoding (warning) – the AS requires URL-encoding', async () => {
  const as = await startAuthServer({ redirectUris: [REDIRECT], clientSecret: 'p@ss word+/=' });
  try {
    const r = await runProbes({ target: as.issuer, clientId: 'app', clientSecret: 'p@ss word+/=' });
    assert.deepEqual(ids(r), ['client_secret_encoding']);
    assert.ok(!JSON.stringify(r).includes('p@ss word'));
  } finally {
    await as.close();
  }
});

test('wrong secret: invalid_client', async () => {
  const as = await startAuthServer({ redirectUris: [REDIRECT] });
  try {
    const r = await runProbes({ target: as.issuer, clientId: 'app', clientSecret: 'not-the-secret' });
    assert.deepEqual(ids(r), ['invalid_client']);
    assert.equal(step(r, 'client authentication').status, 'failed');
  } finally {
    await as.close();
  }
});

test('issuer with a trailing slash, probed without: discovery_issuer_mismatch', async () => {
  const as = await startAuthServer({ trailingSlashIssuer: true });
  try {
    const r = await runProbes({ target: as.origin });
    assert.deepEqual(ids(r), ['discovery_issuer_mismatch']);
    assert.match(r.findings[0]?.detail ?? '', /only by a trailing slash/);
    // probing with the exact issuer is clean
    const exact = await runProbes({ target: as.issuer });
    assert.deepEqual(ids(exact), []);
  } finally {
    await as.close();
  }
});

test('request objects required: jar_required', async () => {
  const as = await startAuthServer({ redirectUris: [REDIRECT], requestObjectsRequired: true });
  try {
    const r = await runProbes({ target: as.issuer, clientId: 'app', clientSecret: 'app-secret', redirectUri: REDIRECT });
    assert.deepEqual([...new Set(ids(r))], ['jar_required']);
    assert.ok(r.findings.some((f) => f.id === 'jar_required' && f.severity === 'error' && f.stage === 'authorize'));
  } finally {
    await as.close();
  }
});

test('DCR restricted: registration_failed says an initial access token is needed; open DCR registers', async () => {
  const restricted = await startAuthServer({ registration: 'restricted' });
  const open = await startAuthServer({ registration: 'open' });
  try {
    const r = await runProbes({ target: restricted.issuer, allowRegistration: true, redirectUri: REDIRECT });
    assert.deepEqual(ids(r), ['registration_failed']);
    assert.match(r.findings.find((f) => f.id === 'registration_failed')?.detail ?? '', /initial access token/);
    const o = await runProbes({ target: open.issuer, allowRegistration: true, redirectUri: REDIRECT });
    assert.deepEqual(ids(o), []);
    assert.equal(step(o, 'dynamic client registration').status, 'ok');
    // without the explicit opt-in nothing is registered
    const none = await runProbes({ target: open.issuer });
    assert.equal(step(none, 'dynamic client registration').status, 'skipped');
  } finally {
    await restricted.close();
    await open.close();
  }
});

test('client credentials: issued when allowed for the client, unauthorized_client when not', async () => {
  const as = await startAuthServer({ clientCredentials: true, extraClients: [{ client_id: 'web', client_secret: 'web-secret', redirect_uris: [REDIRECT], grant_types: ['authorization_code'] }] });
  try {
    const ok = await runProbes({ target: as.issuer, clientId: 'app', clientSecret: 'app-secret', allowClientCredentials: true });
    assert.deepEqual(ids(ok), []);
    assert.equal(step(ok, 'client credentials').status, 'ok');
    assert.ok(!JSON.stringify(ok).match(/"access_token":"[^[]/), 'the issued token is masked');
    const no = await runProbes({ target: as.issuer, clientId: 'web', clientSecret: 'web-secret', allowClientCredentials: true });
    assert.deepEqual(ids(no), ['unauthorized_client']);
    const notAsked = await runProbes({ target: as.issuer, clientId: 'app', clientSecret: 'app-secret' });
    assert.ok(!notAsked.steps.some((s) => s.name === 'client credentials'));
  } finally {
    await as.close();
  }
});

test('resource that answers 200 without a token: resource_not_protected', async () => {
  const as = await startAuthServer({});
  const rs = await startResourceServer({ issuer: as.issuer, mode: 'open' });
  try {
    const r = await runProbes({ target: rs.url });
    assert.deepEqual(ids(r), ['resource_not_protected']);
    assert.equal(r.issuer, as.issuer, 'the AS is still found through the resource metadata');
  } finally {
    await rs.close();
    await as.close();
  }
});

test('resource whose 401 lacks WWW-Authenticate: www_authenticate_missing; without metadata also protected_resource_metadata_missing', async () => {
  const as = await startAuthServer({});
  const rs = await startResourceServer({ issuer: as.issuer, mode: 'no_www_authenticate' });
  const bare = await startResourceServer({ issuer: as.issuer, mode: 'no_www_authenticate', metadata: false });
  try {
    const r = await runProbes({ target: rs.url });
    assert.deepEqual(ids(r), ['www_authenticate_missing']);
    assert.equal(r.findings.find((f) => f.id === 'www_authenticate_missing')?.severity, 'error');
    const b = await runProbes({ target: bare.url });
    assert.deepEqual(ids(b), ['discovery_missing', 'protected_resource_metadata_missing', 'www_authenticate_missing']);
  } finally {
    await rs.close();
    await bare.close();
    await as.close();
  }
});
