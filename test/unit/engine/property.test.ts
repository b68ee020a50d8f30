/**
 * Arbitrary input through the whole engine (parser, correlator, detectors, reports): it never
 * throws, never hangs, and its output stays well-formed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DiagnosisEngine } from '../../../src/core/engine/diagnosisEngine';
import { FlowAnalysis } from '../../../src/core/engine/flowAnalysis';
import { renderTextReport } from '../../../src/core/report/textReport';
import { renderJsonReport } from '../../../src/core/report/jsonReport';
import { renderMarkdownReport } from '../../../src/core/report/markdownReport';
import { STAGES } from '../../../src/core/model';
import type { OAuthEvent } from '../../../src/core/model';

// Fragments that steer random lines into the parsers' interesting paths.
const FRAGMENTS = [
  '[2026-11-28 10:00:00] production.ERROR: ', '127.0.0.1 - - [28/Nov/2026:10:00:00 +0000] "GET ', '/oauth/authorize?', '/oauth/token', 'client_id=', 'redirect_uri=https://a/cb',
  '&state=', 'code=', 'code_verifier=', 'grant_type=authorization_code', 'error=invalid_grant', '" 400 12', '" 500 1', '{"level":50,"msg":"grant.error","error":"invalid_grant"',
  'type="CODE_TO_TOKEN_ERROR", clientId="x", error="invalid_code"', 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjF9.x', 'OAuthServerException(code: 10)', '\u0000', '\uFFFD', '"', '{', '}', '\t', ' ',
];
const line = fc.array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 30 }), fc.string({ unit: 'grapheme', maxLength: 10 })), { maxLength: 12 }).map((parts) => parts.join(''));

test('arbitrary lines through the engine and every report: no throw, well-formed output', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.constantFrom('a.log', 'b.log'), line, fc.boolean()), { maxLength: 60 }), fc.integer({ min: 1, max: 20 }), (lines, every) => {
      const e = new DiagnosisEngine({ maxEvents: 50 });
      lines.forEach(([source, text, truncated], i) => {
        e.push({ source, line: i + 1, text, truncated });
        if (i % every === 0) e.snapshot();
      });
      e.end();
      const d = e.snapshot();
      for (const f of d.flows) assert.equal(f.stages.length, STAGES.length);
      for (const f of d.findings) assert.ok(f.evidence.length > 0 && f.detail.length > 0);
      JSON.parse(renderJsonReport(d));
      renderTextReport(d);
      renderMarkdownReport(d);
    }),
    { numRuns: 300 },
  );
});

test('arbitrary events (any field combination) through correlation and detection', () => {
  const stage = fc.option(fc.constantFrom(...STAGES), { nil: undefined });
  const str = fc.option(fc.oneof(fc.constantFrom('c1', 'c1 ', 'https://a/cb', 'https://a/cb/', 'invalid_grant', 'S256', 'abcdefgh'), fc.string({ maxLength: 12 })), { nil: undefined });
  const event = fc.record({
    line: fc.integer({ min: 1, max: 500 }),
    sec: fc.option(fc.integer({ min: 0, max: 3000 }), { nil: undefined }),
    stage,
    status: fc.option(fc.constantFrom(200, 302, 400, 401, 403, 404, 498, 500, 503), { nil: undefined }),
    clientId: str,
    redirectUri: str,
    state: str,
    error: fc.option(fc.constantFrom('invalid_grant', 'invalid_client', 'access_denied', 'invalid_scope', 'server_error', 'invalid_token'), { nil: undefined }),
    code: fc.option(fc.constantFrom('fp:1', 'fp:2'), { nil: undefined }),
    path: fc.option(fc.constantFrom('/oauth/token', '/oauth/authorize', '/callback', '/favicon.ico', '/api/x', '/health'), { nil: undefined }),
    grantType: fc.option(fc.constantFrom('authorization_code', 'refresh_token', 'client_credentials'), { nil: undefined }),
    codeChallenge: str,
    codeVerifierS256: str,
  });
  fc.assert(
    fc.property(fc.array(event, { maxLength: 40 }), (events) => {
      const a = new FlowAnalysis({ maxEvents: 20 });
      for (const x of events) {
        const ev: OAuthEvent = { ref: { file: 'x.log', line: x.line }, format: 'generic', message: 'm' };
        if (x.sec !== undefined) ev.time = 1_700_000_000_000 + x.sec * 1000;
        for (const k of ['stage', 'status', 'clientId', 'redirectUri', 'state', 'error', 'path', 'grantType', 'codeChallenge', 'codeVerifierS256'] as const) {
          if (x[k] !== undefined) (ev as unknown as Record<string, unknown>)[k] = x[k];
        }
        if (x.code) ev.code = { fingerprint: x.code, preview: '' };
        a.add(ev);
        a.snapshot();
      }
      a.end();
      const { findings } = a.snapshot();
      const perFlow = new Set<string>();
      for (const f of findings) {
        const key = `${f.flowId}|${f.id}`;
        assert.ok(!perFlow.has(key), `duplicate ${key}`);
        perFlow.add(key);
      }
    }),
    { numRuns: 300 },
  );
});

test('hostile lines do not hang: 400 long, regex-unfriendly lines in well under the time budget', () => {
  // CPU time, not wall time: the verdict must not depend on what else the machine is doing.
  const e = new DiagnosisEngine();
  const started = process.cpuUsage();
  for (let i = 0; i < 400; i++) {
    const evil = i % 2 ? `client_id=${'a'.repeat(60_000)}` : `"GET /oauth/token?${'&a='.repeat(15_000)} HTTP/1.1" 400 ${'"'.repeat(2000)}`;
    e.push({ source: 'evil.log', line: i + 1, text: evil });
  }
  e.end();
  e.snapshot();
  const used = process.cpuUsage(started);
  const ms = (used.user + used.system) / 1000;
  // Linear work is ~1.5 s of CPU here; a super-linear (backtracking) regex would take minutes.
  assert.ok(ms < 10_000, `took ${Math.round(ms)} ms of CPU`);
});
