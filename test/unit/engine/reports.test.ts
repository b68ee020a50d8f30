/** The three renderings of a Diagnosis: text (CLI), JSON (contract), Markdown (Export report). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { analyze } from '../../../src/core/engine/diagnosisEngine';
import { renderTextReport } from '../../../src/core/report/textReport';
import { jsonReport } from '../../../src/core/report/jsonReport';
import { renderMarkdownReport } from '../../../src/core/report/markdownReport';
import { catalogEntry } from '../../../src/core/catalog/catalog';
import type { ProbeReport } from '../../../src/core/probes/probeReport';

const d = analyze(['demo/example-logs/laravel.log', 'demo/example-logs/access.log'].flatMap((f) => readFileSync(f, 'utf8').split('\n').map((text, i) => ({ source: f, line: i + 1, text }))));

test('text: one timeline line per flow, fix steps printed once per id', () => {
  const t = renderTextReport(d);
  for (const f of d.flows) assert.match(t, new RegExp(`\\n  ${f.id} `));
  const fix = catalogEntry('redirect_uri_mismatch').fix[0]!;
  assert.equal(t.split(fix).length - 1, 1);
  assert.match(t, /Findings: 3 errors, 1 warning/);
});

test('JSON: findings carry the catalog fix steps and evidence; flows carry stage lines', () => {
  const j = jsonReport(d);
  const f = j.findings.find((x) => x.id === 'code_expired')!;
  assert.deepEqual(f.fix, catalogEntry('code_expired').fix);
  assert.ok(f.evidence.length >= 2);
  const flow = j.flows.find((x) => x.id === f.flowId)!;
  assert.equal(flow.stages.find((s) => s.stage === 'token')!.status, 'failed');
  assert.ok(flow.stages.find((s) => s.stage === 'token')!.lines.length > 0);
});

test('Markdown: findings table, details with fix and spec, flows, probe steps, escaped log text', () => {
  const probe: ProbeReport = {
    target: 'https://as.example.com',
    startedAt: Date.parse('2026-11-28T10:00:00Z'),
    steps: [{ name: 'Discovery | metadata', stage: 'discovery', status: 'ok', durationMs: 12.4, summary: 'issuer <b>ok</b>', exchanges: [] }],
    findings: [{ id: 'discovery_missing', severity: 'error', stage: 'discovery', evidence: [], detail: 'No metadata at /.well-known/oauth-authorization-server', exchanges: [{ method: 'GET', url: 'https://as.example.com/.well-known/oauth-authorization-server', requestHeaders: {}, status: 404, durationMs: 5 }] }],
  };
  const md = renderMarkdownReport(d, probe, { generatedAt: Date.parse('2026-11-28T12:00:00Z') });
  assert.match(md, /^# OAuth diagnosis\n/);
  assert.match(md, /\*\*4 errors, 1 warning\.\*\*/);
  assert.match(md, /\| error \| `redirect_uri_mismatch` redirect\\_uri does not match \| token \|/);
  assert.match(md, /How to fix:\n\n1\. /);
  assert.match(md, /Specification: RFC 6749/);
  assert.match(md, /## Flows/);
  assert.match(md, /\| Discovery \\\| metadata \| discovery \| ok \| 12 ms \| issuer \\<b\\>ok\\<\/b\\> \|/);
  assert.match(md, /`GET https:\/\/as\.example\.com\/\.well-known\/oauth-authorization-server` → 404/);
});

test('JSON: a finding serialised with its catalog part cached is byte-identical to JSON.stringify(reportFinding)', async () => {
  const { reportFinding, reportFindingJson } = await import('../../../src/core/report/reportData.js');
  const { FlowAnalysis } = await import('../../../src/core/engine/flowAnalysis.js');
  const { generate } = await import('./flowGenerator.js');
  const a = new FlowAnalysis();
  for (const e of generate(7, 150)) a.add(e);
  a.setEnded(true);
  const findings = [...d.findings, ...a.snapshot().findings];
  // Findings without a flow id, with empty data, with a secret in the detail, and an id the catalog lacks.
  findings.push({ id: 'code_expired', severity: 'error', stage: 'token', evidence: [], detail: 'code=abc123secret "quoted"\n', data: {} });
  findings.push({ id: 'no_such_id' as never, severity: 'info', stage: 'api', evidence: [{ file: 'a "b".log', line: 3 }], detail: 'x', flowId: 'flow-9', data: { s: 'access_token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig', n: 3, u: undefined } });
  assert.ok(findings.length > 50 && new Set(findings.map((f) => f.id)).size > 15);
  for (const f of findings) {
    let want: string;
    try {
      want = JSON.stringify(reportFinding(f));
    } catch (e) {
      assert.throws(() => reportFindingJson(f), { message: (e as Error).message });
      continue;
    }
    assert.equal(reportFindingJson(f), want);
  }
});

test('text and Markdown: a client id with invisible characters or edge whitespace is shown quoted and spelled out', () => {
  const lines = [
    '[2024-01-15 09:01:00] production.INFO: GET https://id.example.com/oauth/authorize?response_type=code&client_id=%E2%80%8Bweb-app&state=abcdefgh1234 {"ip":"203.0.113.5"} []',
    '[2024-01-15 09:02:00] production.INFO: GET https://id.example.com/oauth/authorize?response_type=code&client_id=plain-app&state=ijklmnop5678 {"ip":"203.0.113.6"} []',
  ];
  const dd = analyze(lines.map((text, i) => ({ source: 'laravel.log', line: i + 1, text })));
  const t = renderTextReport(dd);
  assert.ok(t.includes('"\\u200bweb-app"'), t);
  assert.ok(!t.includes('\u200b'), 'no raw invisible character in the text report');
  assert.match(t, / plain-app {2,}/, 'an ordinary id is shown as it is');
  // Markdown escapes the backslash: it renders as "\u200bweb-app".
  const md = renderMarkdownReport(dd);
  assert.ok(md.includes('| flow-1 | "\\\\u200bweb-app" |') && !md.includes('\u200b'), md);
});
