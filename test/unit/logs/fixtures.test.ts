import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LogParser } from '../../../src/core/logs/logParser';
import type { OAuthEvent } from '../../../src/core/model';

const ROOT = join(__dirname, '..', '..', '..');

function parseFiles(...rel: string[]): { events: OAuthEvent[]; parser: LogParser } {
  const parser = new LogParser();
  const events: OAuthEvent[] = [];
  for (const r of rel) {
    readFileSync(join(ROOT, r), 'utf8').split('\n').forEach((text, i) => events.push(...parser.push({ source: r, line: i + 1, text })));
    events.push(...parser.flush(r));
  }
  return { events, parser };
}
const reasons = (evs: OAuthEvent[]): string[] => [...new Set(evs.map((e) => e.reason).filter((r): r is NonNullable<typeof r> => r !== undefined))].sort();

test('every fixture parses into events of its own format, with times, and detection agrees', () => {
  const files: Array<[string, string]> = [
    ['test/fixtures/logs/laravel/token-errors.log', 'laravel'], ['test/fixtures/logs/nginx/access-failures.log', 'nginx'],
    ['test/fixtures/logs/keycloak/events-wildfly.log', 'keycloak'], ['test/fixtures/logs/keycloak/events-quarkus.log', 'keycloak'],
    ['test/fixtures/logs/json/oidc-provider.jsonl', 'json'], ['test/fixtures/logs/json/mcp-server.jsonl', 'json'], ['test/fixtures/logs/generic/app.log', 'generic'],
  ];
  for (const [file, format] of files) {
    const { events, parser } = parseFiles(file);
    assert.ok(events.length > 0, file);
    assert.ok(events.filter((e) => e.format === format).length >= events.length * 0.8, `${file}: mostly ${format}`);
    assert.ok(events.every((e) => e.time !== undefined && e.time > Date.UTC(2024, 0, 1)), `${file}: times`);
    if (format !== 'generic' && format !== 'json') assert.equal(parser.formatOf(file), format, file);
  }
});

test('healthy fixtures carry no errors; noise is filtered out', () => {
  const { events, parser } = parseFiles('test/fixtures/logs/laravel/healthy-flow.log');
  assert.deepEqual(events.filter((e) => e.error !== undefined || e.reason !== undefined), []);
  assert.deepEqual([...new Set(events.map((e) => e.stage))].sort(), ['authorize', 'callback', 'consent', 'token', 'token_issued']);
  assert.ok(parser.stats.parsed < parser.stats.lines / 4, 'most lines never reach a parser');
  const nginx = parseFiles('test/fixtures/logs/nginx/access-healthy.log').events;
  assert.ok(nginx.every((e) => e.path !== '/favicon.ico' && e.path !== '/health'));
  assert.ok(nginx.some((e) => e.stage === 'token' && e.status === 503) && nginx.some((e) => e.stage === 'token_issued'));
});

test('Laravel fixtures: the League causes come out as reasons', () => {
  assert.deepEqual(reasons(parseFiles('test/fixtures/logs/laravel/redirect-trailing-slash.log').events), ['redirect_uri_mismatch']);
  assert.deepEqual(reasons(parseFiles('test/fixtures/logs/laravel/pkce-mismatch.log').events), ['pkce_mismatch']);
  const expired = parseFiles('test/fixtures/logs/laravel/code-expired.log').events;
  assert.deepEqual(reasons(expired), []);
  assert.equal(expired.find((e) => e.error === 'invalid_grant')?.extra?.['hint'], 'Authorization c...');
  assert.deepEqual(reasons(parseFiles('test/fixtures/logs/laravel/token-errors.log').events), ['access_denied', 'client_id_mismatch', 'code_not_found', 'missing_required_parameter', 'pkce_missing', 'pkce_verifier_invalid', 'refresh_token_invalid', 'scope_not_allowed', 'unsupported_grant_type']);
  const te = parseFiles('test/fixtures/logs/laravel/token-errors.log').events;
  assert.equal(te.find((e) => e.reason === 'scope_not_allowed')?.extra?.['scopes'], 'admin');
  assert.ok(te.some((e) => e.error === 'invalid_client' && e.status === 401));
  assert.ok(te.some((e) => e.error === 'unsupported_grant_type'));
});

test('Keycloak, JSON and generic fixtures: causes per line', () => {
  for (const f of ['wildfly', 'quarkus']) {
    assert.deepEqual(reasons(parseFiles(`test/fixtures/logs/keycloak/events-${f}.log`).events), ['access_denied', 'code_expired', 'invalid_client', 'pkce_mismatch', 'redirect_uri_mismatch', 'refresh_token_invalid', 'session_expired', 'unauthorized_client']);
  }
  assert.deepEqual(reasons(parseFiles('test/fixtures/logs/json/oidc-provider.jsonl').events), ['code_expired', 'code_reused', 'jar_expired', 'jar_invalid', 'jar_request_and_request_uri', 'jar_required', 'pkce_mismatch', 'redirect_uri_mismatch', 'refresh_token_invalid', 'refresh_token_reused', 'scope_not_allowed', 'unauthorized_client', 'unsupported_grant_type']);
  const mcp = parseFiles('test/fixtures/logs/json/mcp-server.jsonl').events;
  assert.deepEqual(reasons(mcp), ['client_ip_not_allowed', 'client_key_invalid', 'client_key_missing', 'environment_mismatch', 'insufficient_scope', 'missing_bearer_prefix', 'otp_required', 'token_expired']);
  assert.ok(mcp.some((e) => e.tokens?.some((t) => t.where === 'authorization' && t.claims?.['nonce'] !== undefined)), 'the ID token sent as bearer is decoded');
  assert.deepEqual(reasons(parseFiles('test/fixtures/logs/generic/app.log').events), ['missing_required_parameter', 'redirect_uri_mismatch']);
});

test('demo set: app log and nginx log of the same server', () => {
  const { events } = parseFiles('demo/example-logs/laravel.log', 'demo/example-logs/access.log');
  assert.deepEqual(reasons(events), ['pkce_mismatch', 'redirect_uri_mismatch']);
  const verifiers = events.filter((e) => e.codeVerifierS256 !== undefined);
  assert.ok(verifiers.length >= 4);
  assert.ok(events.some((e) => e.format === 'nginx' && e.stage === 'authorize'));
  assert.ok(events.some((e) => e.format === 'laravel' && e.extra?.['hint'] === 'Authorization c...'));
});
