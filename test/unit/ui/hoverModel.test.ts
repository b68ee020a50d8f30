import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildHoverMarkdown, codeSpan, commandLink, escapeMarkdown } from '../../../src/host/hover/hoverModel';
import type { HoverInput } from '../../../src/host/hover/hoverModel';
import { parseLine } from '../../../src/core/logs/parseLine';
import { catalogEntry } from '../../../src/core/catalog/catalog';
import { isFindingId } from '../../../src/core/catalog/findingIds';

const t = (m: string, ...a: (string | number)[]): string => m.replace(/\{(\d+)\}/g, (_x, i: string) => String(a[Number(i)]));
const base = (text: string, line = 7): HoverInput => ({
  event: parseLine({ source: '/srv/laravel.log', line, text })!,
  target: { file: '/srv/laravel.log', line },
  catalog: (id) => (isFindingId(id) ? catalogEntry(id) : undefined),
  inTimeline: true,
  stageLabel: (s) => `Stage ${s}`,
  now: Date.UTC(2026, 10, 28),
  t,
});

test('an expired-code line explains itself, gives the catalog fix and links, and never carries raw HTML', () => {
  const md = buildHoverMarkdown(base('[2026-11-28 10:00:00] production.ERROR: League\\OAuth2\\Server\\Exception\\OAuthServerException: The authorization code has expired {"exception":"invalid_grant"} <img src=x onerror=alert(1)>'))!;
  const entry = catalogEntry('code_expired');
  assert.ok(md.includes(escapeMarkdown(entry.title)), md);
  assert.ok(md.includes(escapeMarkdown(entry.fix[0]!)), 'first fix step');
  assert.match(md, /\n1\. /);
  assert.doesNotMatch(md, /<img/, 'angle brackets are escaped');
  const link = md.match(/\(command:oauthDebugger\.showInTimeline\?([^)]+)\)/);
  assert.ok(link, 'show-in-timeline link');
  assert.deepEqual(JSON.parse(decodeURIComponent(link[1]!)), [{ file: '/srv/laravel.log', line: 7 }]);
});

test('a bearer line summarises the token and offers Decode JWT', () => {
  const md = buildHoverMarkdown(base('[2026-11-28 10:00:05] local.INFO: API call Authorization: Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJpc3MiOiJodHRwOi8vMTI3LjAuMC4xOjQwMDAiLCJleHAiOjE3MDAwMDAwMDB9.c2lnbmF0dXJl'))!;
  assert.match(md, /command:oauthDebugger\.decodeJwt\?/);
  assert.match(md, /http:\/\/127\.0\.0\.1:4000/);
  assert.match(md, /expired .* before this line/);
  assert.doesNotMatch(md, /c2lnbmF0dXJl/, 'the signature never appears');
});

test('an authorize request lists its parameters as code spans', () => {
  const md = buildHoverMarkdown({ ...base('127.0.0.1 - - [28/Nov/2026:10:00:00 +0000] "GET /oauth/authorize?client_id=web&redirect_uri=https%3A%2F%2Fapp%2Fcb&response_type=code&code_challenge=abc&code_challenge_method=S256&state=xyz HTTP/1.1" 302 0 "-" "Mozilla"'), inTimeline: false })!;
  assert.match(md, /client\\_id: ` web `/);
  assert.match(md, /redirect\\_uri: ` https:\/\/app\/cb `/);
  assert.doesNotMatch(md, /command:/, 'no links when the line is not in the timeline and carries no token');
});

test('code spans survive backticks; command links encode their arguments', () => {
  assert.equal(codeSpan('a`b'), '`` a`b ``');
  assert.match(commandLink('Go', 'oauthDebugger.decodeJwt', { file: '/a b/c.log', line: 2 }), /^\[Go\]\(command:oauthDebugger\.decodeJwt\?%5B%7B/);
});
