import { test } from 'node:test';
import assert from 'node:assert/strict';
import { liveFlowOf, renderProbeText, probeJsonReport } from '../../../src/core/probes/probeReportRender';
import type { ProbeReport } from '../../../src/core/probes/probeReport';
import { redirectVariants, judgeAuthorizeAnswer } from '../../../src/probes/clientProbes';
import { parseProbeArgs } from '../../../src/cli/probeCommand';
import { parseLiveArgs } from '../../../src/cli/liveCommand';
import { UsageError } from '../../../src/cli/probeArgs';
import type { HttpOutcome } from '../../../src/http/httpClient';

const report: ProbeReport = {
  target: 'https://as.example',
  issuer: 'https://as.example',
  startedAt: Date.UTC(2026, 10, 28, 10, 0, 0),
  steps: [
    { name: 'authorization server metadata', stage: 'discovery', status: 'ok', durationMs: 12, summary: 'ok', exchanges: [] },
    { name: 'authorize', stage: 'authorize', status: 'ok', durationMs: 1, summary: 'opened', exchanges: [] },
    { name: 'callback', stage: 'callback', status: 'ok', durationMs: 1, summary: 'code received', exchanges: [] },
    { name: 'token exchange', stage: 'token', status: 'failed', durationMs: 5, summary: 'HTTP 400 invalid_grant', exchanges: [] },
  ],
  findings: [{
    id: 'code_expired', severity: 'error', stage: 'token', evidence: [], detail: 'exchanged 75.0 s after the callback',
    exchanges: [{ method: 'POST', url: 'https://as.example/token', requestHeaders: { authorization: 'Basic [fp:12345678]' }, requestBody: 'code=[code fp:1]', status: 400, durationMs: 5 }],
  }],
};

test('a live report becomes one scan-shaped flow: consent inferred from the callback, token failed, later stages missing', () => {
  const f = liveFlowOf(report);
  const st = Object.fromEntries(f.stages.map((s) => [s.stage, s.status]));
  assert.equal(f.status, 'failed');
  assert.deepEqual(st, { discovery: 'ok', registration: 'not_applicable', authorize: 'ok', consent: 'ok', callback: 'ok', token: 'failed', token_issued: 'not_applicable', api: 'not_applicable' });
  const j = probeJsonReport(report, { live: true });
  assert.equal(j.findings[0]?.id, 'code_expired');
  assert.ok((j.findings[0]?.fix.length ?? 0) > 0, 'fix steps from the catalog');
  assert.match(j.findings[0]?.curl ?? '', /-H 'authorization: Basic \[fp:12345678\]'/);
  const text = renderProbeText(report);
  assert.match(text, /✗ token +token exchange/);
  assert.match(text, /ERROR code_expired/);
  assert.match(text, /request: POST https:\/\/as.example\/token → 400/);
});

test('redirect variants cover the usual near misses', () => {
  assert.deepEqual(redirectVariants('http://localhost:8080/cb'), ['http://localhost:8080/cb/', 'http://127.0.0.1:8080/cb', 'https://localhost:8080/cb']);
  assert.ok(redirectVariants('https://app.example/Callback/?x=1').includes('https://app.example/Callback?x=1'));
  assert.deepEqual(redirectVariants('not a url'), []);
});

test('authorize answers: login page accepted, error redirect back to the client judged', () => {
  const outcome = (status: number, headers: Record<string, string>, body = ''): HttpOutcome => ({ status, headers, body, exchange: { method: 'GET', url: 'https://as.example/auth?x', requestHeaders: {}, durationMs: 1 } });
  assert.equal(judgeAuthorizeAnswer(outcome(303, { location: '/interaction/abc' }), 'https://app/cb').accepted, true);
  const err = judgeAuthorizeAnswer(outcome(302, { location: 'https://app/cb?error=invalid_request&error_description=PKCE%20required%20(code_challenge)' }), 'https://app/cb');
  assert.equal(err.accepted, false);
  assert.equal(err.accepted ? '' : err.problem?.id, 'pkce_missing');
  const notFound = judgeAuthorizeAnswer(outcome(404, {}, 'nope'), 'https://app/cb');
  assert.equal(notFound.accepted ? '' : notFound.problem?.id, 'endpoint_not_found');
});

test('CLI arguments: the secret only from the environment, never from the command line', () => {
  const p = parseProbeArgs(['https://as.example', '--client-id', 'app', '--client-secret-env', 'S', '--register', '--timeout', '5s'], { S: 'shh' });
  assert.equal(p.opts.clientSecret, 'shh');
  assert.equal(p.opts.allowRegistration, true);
  assert.equal(p.opts.timeoutMs, 5000);
  assert.throws(() => parseProbeArgs(['https://as.example', '--client-secret', 'shh']), UsageError);
  assert.throws(() => parseProbeArgs(['https://as.example', '--client-id', 'a', '--client-secret-env', 'MISSING'], {}), /MISSING is not set/);
  assert.throws(() => parseProbeArgs(['ftp://x']), /not an http\(s\) URL/);
  assert.throws(() => parseProbeArgs(['https://as.example', '--allow-client-credentials']), /confidential client/);
  const l = parseLiveArgs(['https://as.example', '--client-id', 'app', '--port', '8765', '--wait', '2m', '--check-code-reuse'], {});
  assert.equal(l.opts.port, 8765);
  assert.equal(l.opts.callbackTimeoutMs, 120_000);
  assert.equal(l.opts.reuseCode, true);
  assert.throws(() => parseLiveArgs(['https://as.example']), /--client-id/);
  assert.throws(() => parseLiveArgs(['https://as.example', '--client-id', 'a', '--port', '1', '--redirect-uri', 'http://127.0.0.1:2/cb']), /either/);
});
