import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPanelState, commonRange, exchangeView } from '../../../src/host/panel/panelState';
import type { PanelStateOptions } from '../../../src/host/panel/panelState';
import type { SessionSnapshot } from '../../../src/host/session';
import type { Flow } from '../../../src/core/model';
import { compareRedirectUris } from '../../../src/core/checks/redirectUri';

const XSS = '<img src=x onerror=alert(1)>';

const flow: Flow = {
  id: 'flow-1', clientId: 'web-app', startTime: 1_000, status: 'failed',
  events: [
    { ref: { file: '/srv/laravel.log', line: 10 }, time: 1_000, stage: 'authorize', format: 'laravel', message: `GET /oauth/authorize ${XSS}` },
    { ref: { file: '/srv/laravel.log', line: 42 }, time: 96_000, stage: 'token', format: 'laravel', message: 'POST /oauth/token code=abc123secret invalid_grant',
      tokens: [{ fingerprint: 'fp:12345678', preview: 'eyJhbGciOi…', where: 'text' }] },
  ],
  stages: [
    { stage: 'authorize', status: 'ok', events: [0], time: 1_000 },
    { stage: 'consent', status: 'missing', events: [] },
    { stage: 'token', status: 'failed', events: [1], time: 96_000 },
  ],
};

const opts: PanelStateOptions = {
  title: 'laravel.log',
  catalog: (id) => id === 'redirect_uri_mismatch' ? { title: 'Redirect URI mismatch', meaning: 'The redirect_uri differs.', fix: ['Register the exact URI.', 'Send the same value at /token.'] } : undefined,
  compareRedirect: compareRedirectUris,
  unknownClient: 'unknown client',
  summarize: (c) => `${c.flows} flows, ${c.failing} failing, ${c.findings} findings`,
  now: 5,
};

const snap: SessionSnapshot = {
  diagnosis: {
    flows: [flow],
    findings: [
      { id: 'code_expired', severity: 'warning', stage: 'token', evidence: [{ file: '/srv/laravel.log', line: 42 }], detail: 'code exchanged after 95 s' },
      { id: 'redirect_uri_mismatch', severity: 'error', stage: 'token', flowId: 'flow-1', evidence: [{ file: '/srv/laravel.log', line: 42 }], detail: 'differs',
        data: { expected: 'https://app.example/callback', actual: 'https://app.example/callback/' } },
      { id: 'pkce_mismatch', severity: 'error', stage: 'token', evidence: [], detail: 'S256(verifier) != challenge', data: { expectedChallenge: 'AAA', challenge: 'BBB', method: 'S256' } },
    ],
    notes: [], stats: { lines: 2, events: 2, skipped: 0 },
  },
};

test('flows become stages with gaps, redacted text, and token markers; the XSS payload stays a plain string', () => {
  const s = buildPanelState(snap, opts);
  assert.equal(s.summary, '1 flows, 1 failing, 3 findings');
  const f = s.flows[0]!;
  assert.equal(f.label, 'web-app');
  const token = f.stages.find((x) => x.stage === 'token')!;
  assert.equal(token.gapMs, 95_000, 'gap from the previous stage with a time');
  assert.equal(f.stages.find((x) => x.stage === 'consent')!.gapMs, undefined);
  assert.equal(f.stages[0]!.lines[0]!.text, `GET /oauth/authorize ${XSS}`, 'log text is passed on verbatim as text; the webview sets it as a text node');
  assert.doesNotMatch(token.lines[0]!.text, /abc123secret/, 'codes are masked again before reaching the webview');
  assert.equal(token.lines[0]!.hasToken, true);
});

test('findings: errors first, catalog text and numbered fix, redirect diff ranges, PKCE side by side', () => {
  const s = buildPanelState(snap, opts);
  assert.deepEqual(s.findings.map((f) => f.severity), ['error', 'error', 'warning']);
  const r = s.findings.find((f) => f.id === 'redirect_uri_mismatch')!;
  assert.equal(r.title, 'Redirect URI mismatch');
  assert.deepEqual(r.fix, ['Register the exact URI.', 'Send the same value at /token.']);
  assert.equal(r.redirectDiff?.kind, 'trailing_slash');
  assert.equal(r.redirectDiff?.actual.diff, '/');
  assert.equal(r.redirectDiff!.actual.before + r.redirectDiff!.actual.diff + r.redirectDiff!.actual.after, 'https://app.example/callback/');
  const p = s.findings.find((f) => f.id === 'pkce_mismatch')!;
  assert.deepEqual(p.pkce, { expected: 'AAA', actual: 'BBB', method: 'S256' });
  assert.equal(s.findings.find((f) => f.id === 'code_expired')!.title, 'code_expired', 'falls back to the id without a catalog entry');
});

test('probe reports are drawn as a flow of their stages, with masked curl', () => {
  const s = buildPanelState({ ...snap, probe: {
    target: 'http://127.0.0.1:9/.well-known/openid-configuration', issuer: 'http://127.0.0.1:9', startedAt: 7, findings: [],
    steps: [{ name: 'token', stage: 'token', status: 'failed', durationMs: 3, summary: '401', exchanges: [{
      method: 'POST', url: 'http://127.0.0.1:9/token', requestHeaders: { authorization: 'Basic dXNlcjpwYXNzd29yZA==' },
      requestBody: 'grant_type=client_credentials&client_secret=hunter2', status: 401, durationMs: 3 }] }],
  } }, opts);
  const probe = s.flows[0]!;
  assert.equal(probe.id, 'probe');
  assert.equal(probe.status, 'failed');
  const x = probe.stages.find((st) => st.stage === 'token')!.exchanges![0]!;
  assert.doesNotMatch(x.curl, /hunter2|dXNlcjpwYXNzd29yZA/);
  assert.match(x.curl, /^curl .*-X POST 'http:\/\/127\.0\.0\.1:9\/token'/);
  assert.doesNotMatch(x.requestHeaders.authorization ?? '', /dXNlcjpwYXNzd29yZA/);
  assert.equal(s.probe?.steps[0]?.name, 'token');
});

test('exchange views mask secrets in URLs and bodies', () => {
  const v = exchangeView({ method: 'GET', url: 'http://127.0.0.1/cb?code=SECRETCODE&state=x', requestHeaders: {}, responseBody: '{"access_token":"abcdefsecret"}', durationMs: 1 });
  assert.doesNotMatch(v.url + v.curl + (v.responseBody ?? ''), /SECRETCODE|abcdefsecret/);
});

test('commonRange points at the differing middle', () => {
  assert.deepEqual(commonRange('http://localhost:3000/cb', 'http://127.0.0.1:3000/cb'), [[7, 16], [7, 16]]);
  assert.deepEqual(commonRange('a/cb', 'a/cb/'), [[4, 4], [4, 5]]);
});

test('engine-shaped findings: redirect data {authorize, token} and PKCE sides from the flow events', () => {
  const pkceFlow: Flow = {
    id: 'flow-9', clientId: 'web', status: 'failed',
    events: [
      { ref: { file: '/l', line: 1 }, stage: 'authorize', format: 'nginx', message: 'GET /authorize', codeChallenge: 'CHALLENGE_SENT', codeChallengeMethod: 'S256' },
      { ref: { file: '/l', line: 2 }, stage: 'token', format: 'laravel', message: 'POST /token', codeVerifierS256: 'FROM_VERIFIER' },
    ],
    stages: [{ stage: 'authorize', status: 'ok', events: [0] }, { stage: 'token', status: 'failed', events: [1] }],
  };
  const s = buildPanelState({ diagnosis: { flows: [pkceFlow], notes: [], stats: { lines: 2, events: 2, skipped: 0 }, findings: [
    { id: 'pkce_mismatch', severity: 'error', stage: 'token', flowId: 'flow-9', evidence: [], detail: 'x' },
    { id: 'redirect_uri_mismatch', severity: 'error', stage: 'token', flowId: 'flow-9', evidence: [], detail: 'y',
      data: { kind: 'host', authorize: 'http://localhost:3000/cb', token: 'http://127.0.0.1:3000/cb' } },
  ] } }, opts);
  assert.deepEqual(s.findings.find((f) => f.id === 'pkce_mismatch')!.pkce, { expected: 'FROM_VERIFIER', actual: 'CHALLENGE_SENT', method: 'S256' });
  const r = s.findings.find((f) => f.id === 'redirect_uri_mismatch')!.redirectDiff!;
  assert.equal(r.kind, 'host');
  assert.equal(r.expected.diff, 'localhost');
  assert.equal(r.actual.diff, '127.0.0.1');
});
