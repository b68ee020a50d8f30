import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../../src/core/engine/diagnosisEngine';
import type { SourceLine } from '../../../src/core/lines';
import { CATALOG } from '../../../src/core/catalog/catalog';

// The contract of test/fixtures/logs/README.md, end to end through the engine: every expected id
// is found (any severity), and healthy files give no error findings.
const ROOT = join(__dirname, '..', '..', '..');
const EXPECTED: Array<[string[], string[]]> = [
  [['laravel/healthy-flow.log'], []],
  [['laravel/redirect-trailing-slash.log'], ['redirect_uri_mismatch']],
  [['laravel/code-expired.log'], ['code_expired']],
  [['laravel/pkce-mismatch.log'], ['pkce_mismatch']],
  [['laravel/code-reused.log'], ['code_reused']],
  [['laravel/token-errors.log'], ['invalid_client', 'unsupported_grant_type', 'scope_not_allowed', 'missing_required_parameter', 'pkce_verifier_invalid', 'pkce_missing', 'client_id_mismatch', 'code_not_found', 'access_denied', 'refresh_token_invalid']],
  [['laravel/abandoned.log'], ['flow_abandoned_at_authorize', 'flow_no_token_exchange', 'connected_without_token']],
  [['nginx/access-healthy.log'], []],
  [['nginx/access-failures.log'], ['flow_abandoned_at_authorize', 'callback_server_error', 'server_error', 'endpoint_not_found', 'state_mismatch', 'client_id_whitespace', 'pkce_base64_not_base64url', 'registration_failed']],
  [['keycloak/events-wildfly.log'], ['redirect_uri_mismatch', 'code_reused', 'code_expired', 'pkce_mismatch', 'invalid_client', 'refresh_token_invalid', 'access_denied', 'session_expired', 'unauthorized_client']],
  [['keycloak/events-quarkus.log'], ['redirect_uri_mismatch', 'code_reused', 'code_expired', 'pkce_mismatch', 'invalid_client', 'refresh_token_invalid', 'access_denied', 'session_expired', 'unauthorized_client']],
  [['json/oidc-provider.jsonl'], ['code_expired', 'code_reused', 'pkce_mismatch', 'redirect_uri_mismatch', 'scope_not_allowed', 'jar_required', 'jar_invalid', 'jar_expired', 'jar_request_and_request_uri', 'scope_partially_granted', 'offline_access_missing', 'unauthorized_client', 'unsupported_grant_type', 'invalid_client', 'refresh_token_reused', 'refresh_token_invalid', 'registration_failed', 'server_error']],
  [['json/mcp-server.jsonl'], ['token_expired', 'wrong_token_used', 'missing_bearer_prefix', 'insufficient_scope', 'otp_required', 'client_key_invalid', 'client_key_missing', 'client_ip_not_allowed', 'environment_mismatch', 'client_auth_method_mismatch']],
  [['generic/app.log'], ['client_id_whitespace', 'missing_required_parameter', 'redirect_uri_mismatch', 'invalid_client']],
  [['../../../demo/example-logs/laravel.log', '../../../demo/example-logs/access.log'], ['redirect_uri_mismatch', 'code_expired', 'pkce_mismatch', 'flow_abandoned_at_authorize']],
];

for (const [files, expected] of EXPECTED) {
  test(`${files.join(' + ')} → ${expected.length ? expected.join(', ') : 'healthy'}`, () => {
    const lines: SourceLine[] = files.flatMap((f) => readFileSync(join(ROOT, 'test/fixtures/logs', f), 'utf8').split('\n').map((text, i) => ({ source: f, line: i + 1, text })));
    const d = analyze(lines);
    const found = new Set(d.findings.map((f) => f.id));
    for (const id of expected) assert.ok(found.has(id as never), `${id} missing; found ${[...found].join(', ')}`);
    if (expected.length === 0) assert.deepEqual(d.findings.filter((f) => f.severity === 'error').map((f) => `${f.id} ${f.detail}`), []);
    // Whatever is found is backed by lines of the given files.
    for (const f of d.findings) for (const e of f.evidence) assert.ok(files.includes(e.file) && e.line >= 1, `${f.id}: ${e.file}:${e.line}`);
  });
}

test('the demo: the healthy flow has no findings', () => {
  const files = ['laravel.log', 'access.log'].map((f) => join(ROOT, 'demo/example-logs', f));
  const d = analyze(files.flatMap((f) => readFileSync(f, 'utf8').split('\n').map((text, i) => ({ source: f, line: i + 1, text }))));
  const flagged = new Set(d.findings.map((f) => f.flowId));
  assert.ok(d.flows.some((fl) => fl.status === 'ok' && !flagged.has(fl.id)), 'one flow is ok and unflagged');
});

test('every log-detectable catalog id has a fixture', () => {
  const covered = new Set(EXPECTED.flatMap(([, ids]) => ids));
  const logIds = Object.values(CATALOG).filter((e) => e.from.includes('log')).map((e) => e.id);
  assert.ok(logIds.length >= 40);
  assert.deepEqual(logIds.filter((id) => !covered.has(id)), []);
});
