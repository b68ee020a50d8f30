/**
 * The engine against the realistic fixtures (test/fixtures/logs/README.md lists what each file
 * must yield): every expected id is found, healthy files give no error finding, and nothing
 * outside the expected list is reported as an error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { analyze } from '../../../src/core/engine/diagnosisEngine';
import type { Diagnosis } from '../../../src/core/engine/diagnosisEngine';
import type { SourceLine } from '../../../src/core/lines';

const DIR = 'test/fixtures/logs/';

function linesOf(...files: string[]): SourceLine[] {
  return files.flatMap((f) => readFileSync(f, 'utf8').split('\n').map((text, i) => ({ source: f, line: i + 1, text })));
}

function run(...files: string[]): Diagnosis {
  return analyze(linesOf(...files));
}

/** file → [error ids, warning ids allowed] */
const EXPECTED: Record<string, [string[], string[]]> = {
  'laravel/healthy-flow.log': [[], []],
  'laravel/redirect-trailing-slash.log': [['redirect_uri_mismatch'], []],
  'laravel/code-expired.log': [['code_expired'], []],
  'laravel/pkce-mismatch.log': [['pkce_mismatch'], []],
  'laravel/code-reused.log': [['code_reused'], []],
  'laravel/token-errors.log': [['invalid_client', 'unsupported_grant_type', 'scope_not_allowed', 'missing_required_parameter', 'pkce_verifier_invalid', 'pkce_missing', 'client_id_mismatch', 'code_not_found', 'refresh_token_invalid'], ['access_denied']],
  'laravel/abandoned.log': [['flow_no_token_exchange', 'connected_without_token'], ['flow_abandoned_at_authorize']],
  'nginx/access-healthy.log': [[], []],
  'nginx/access-failures.log': [['callback_server_error', 'server_error', 'endpoint_not_found', 'state_mismatch', 'client_id_whitespace', 'pkce_base64_not_base64url', 'registration_failed', 'connected_without_token'], ['flow_abandoned_at_authorize']],
  'keycloak/events-wildfly.log': [['redirect_uri_mismatch', 'code_reused', 'code_expired', 'pkce_mismatch', 'invalid_client', 'refresh_token_invalid', 'session_expired', 'unauthorized_client'], ['access_denied']],
  'keycloak/events-quarkus.log': [['redirect_uri_mismatch', 'code_reused', 'code_expired', 'pkce_mismatch', 'invalid_client', 'refresh_token_invalid', 'session_expired', 'unauthorized_client'], ['access_denied']],
  'json/oidc-provider.jsonl': [['code_expired', 'code_reused', 'pkce_mismatch', 'redirect_uri_mismatch', 'scope_not_allowed', 'jar_required', 'jar_invalid', 'jar_expired', 'jar_request_and_request_uri', 'unauthorized_client', 'unsupported_grant_type', 'invalid_client', 'refresh_token_reused', 'refresh_token_invalid', 'registration_failed', 'server_error'], ['scope_partially_granted', 'offline_access_missing']],
  'json/mcp-server.jsonl': [['token_expired', 'wrong_token_used', 'missing_bearer_prefix', 'insufficient_scope', 'otp_required', 'client_key_invalid', 'client_key_missing', 'client_ip_not_allowed', 'environment_mismatch', 'client_auth_method_mismatch'], []],
  'generic/app.log': [['client_id_whitespace', 'missing_required_parameter', 'redirect_uri_mismatch', 'invalid_client'], []],
};

for (const [file, [errors, warnings]] of Object.entries(EXPECTED)) {
  test(`fixture ${file}: ${errors.length ? errors.join(', ') : 'healthy'}`, () => {
    const d = run(DIR + file);
    const errorIds = new Set(d.findings.filter((f) => f.severity === 'error').map((f) => f.id));
    for (const id of errors) assert.ok(errorIds.has(id as never), `${id} missing; got ${[...errorIds].join(', ')}`);
    for (const id of errorIds) assert.ok(errors.includes(id), `unexpected error ${id}: ${d.findings.find((f) => f.id === id)?.detail}`);
    const other = d.findings.filter((f) => f.severity !== 'error').map((f) => f.id);
    for (const id of other) assert.ok(warnings.includes(id) || errors.includes(id), `unexpected warning ${id}`);
    for (const id of warnings) assert.ok(other.includes(id as never) || errorIds.has(id as never), `${id} (warning) missing`);
    for (const f of d.findings) {
      assert.ok(f.evidence.length > 0, `${f.id} without evidence`);
      for (const e of f.evidence) assert.equal(e.file, DIR + file);
    }
  });
}

test('specific details: the trailing slash, the 75 s gap, the denied IP, the offending scope', () => {
  const slash = run(DIR + 'laravel/redirect-trailing-slash.log').findings.find((f) => f.id === 'redirect_uri_mismatch')!;
  assert.equal(slash.data?.kind, 'trailing_slash');
  const expired = run(DIR + 'laravel/code-expired.log').findings.find((f) => f.id === 'code_expired')!;
  assert.equal(expired.data?.gapSeconds, 75);
  assert.equal(expired.data?.passesAt10Min, true);
  const ip = run(DIR + 'json/mcp-server.jsonl').findings.find((f) => f.id === 'client_ip_not_allowed')!;
  assert.match(ip.detail, /192\.168\.1\.100/);
  const scope = run(DIR + 'laravel/token-errors.log').findings.find((f) => f.id === 'scope_not_allowed')!;
  assert.deepEqual(scope.data?.scopes, ['admin']);
  const host = run(DIR + 'generic/app.log').findings.find((f) => f.id === 'redirect_uri_mismatch')!;
  assert.equal(host.data?.kind, 'host');
});

test('app log and nginx log given together: one flow per login, findings with evidence from both files', () => {
  const d = run('demo/example-logs/laravel.log', 'demo/example-logs/access.log');
  const ids = d.findings.map((f) => f.id).sort();
  assert.deepEqual(ids, ['code_expired', 'flow_abandoned_at_authorize', 'pkce_mismatch', 'redirect_uri_mismatch']);
  const redirect = d.findings.find((f) => f.id === 'redirect_uri_mismatch')!;
  assert.ok(redirect.evidence.some((e) => e.file.endsWith('access.log')) && redirect.evidence.some((e) => e.file.endsWith('laravel.log')));
  // No request is counted twice: no flow has two token_issued entries from the same moment in both files.
  assert.equal(d.flows.filter((f) => f.status === 'ok').length >= 1, true);
  assert.ok(!ids.includes('code_reused'));
});

test('a longer code lifetime changes the verdict on a measured gap', () => {
  // The League hint is truncated ('Authorization c...'), so only the measured 75 s gap speaks:
  // past a 60 s lifetime it explains the failure; within a 10 min lifetime it does not.
  const d = analyze(linesOf(DIR + 'laravel/code-expired.log'), { codeTtlSeconds: 600 });
  assert.ok(!d.findings.some((x) => x.id === 'code_expired'));
  const f = d.findings.find((x) => x.id === 'code_not_found');
  assert.equal(f?.data?.ambiguous, true);
});
