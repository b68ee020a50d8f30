import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FlowAnalysis } from '../../../src/core/engine/flowAnalysis';
import { FlowCorrelator } from '../../../src/core/flows/correlator';
import type { TrackedEvent } from '../../../src/core/flows/eventFacts';
import { resolveStage } from '../../../src/core/flows/eventFacts';
import { eventFacts } from '../../../src/core/findings/tokenFacts';
import type { OAuthEvent } from '../../../src/core/model';
import { CHALLENGE, REDIRECT, code, ev, healthyFlow } from './eventBuilder';

function run(events: OAuthEvent[], opts: ConstructorParameters<typeof FlowAnalysis>[0] = {}): ReturnType<FlowAnalysis['snapshot']> {
  const a = new FlowAnalysis(opts);
  for (const e of events) a.add(e);
  a.end();
  return a.snapshot();
}

test('a healthy flow is one flow, every stage ok or implied, and no findings', () => {
  const { flows, findings } = run(healthyFlow('app.log', 1, 0));
  assert.equal(flows.length, 1);
  const f = flows[0]!;
  assert.equal(f.status, 'ok');
  const st = Object.fromEntries(f.stages.map((s) => [s.stage, s.status]));
  assert.deepEqual(st, { discovery: 'not_applicable', registration: 'not_applicable', authorize: 'ok', consent: 'ok', callback: 'ok', token: 'ok', token_issued: 'ok', api: 'missing' });
  assert.deepEqual(f.stages.find((s) => s.stage === 'token')!.events, [3]);
  assert.deepEqual(findings, []);
});

test('interleaved users are kept apart by state and code', () => {
  // Same client; the consent lines carry neither state nor code, only the browser's IP.
  const a = healthyFlow('app.log', 1, 0, 'client-a', 'state-aaaaaaaaaaa', 'code-a-1111').map((e, i) => (i < 2 ? { ...e, ip: '198.51.100.1' } : e));
  const b = healthyFlow('app.log', 100, 1, 'client-a', 'state-bbbbbbbbbbb', 'code-b-2222').map((e, i) => (i < 2 ? { ...e, ip: '203.0.113.9' } : e));
  const mixed: OAuthEvent[] = [];
  for (let i = 0; i < a.length; i++) mixed.push(a[i]!, b[i]!);
  const { flows, findings } = run(mixed);
  assert.equal(flows.length, 2);
  for (const f of flows) {
    assert.equal(f.events.length, 4);
    assert.equal(new Set(f.events.map((e) => Math.floor(e.ref.line / 100))).size, 1, 'a flow mixes users');
  }
  assert.deepEqual(findings, []);
});

test('app log and nginx log of the same requests merge into one flow without double counting', () => {
  const app = healthyFlow('laravel.log', 10, 0);
  const nginx = [
    ev('access.log', 1, 0, { format: 'nginx', method: 'GET', path: `/oauth/authorize?client_id=chatgpt-client-123&state=st-aaaaaaaaaaaa&redirect_uri=${encodeURIComponent(REDIRECT)}`, status: 200, clientId: 'chatgpt-client-123', state: 'st-aaaaaaaaaaaa', redirectUri: REDIRECT, ip: '10.0.0.1' }),
    ev('access.log', 2, 5, { format: 'nginx', method: 'POST', path: '/oauth/authorize', status: 302, ip: '10.0.0.1' }),
    ev('access.log', 3, 7, { format: 'nginx', method: 'POST', path: '/oauth/token', status: 200, ip: '34.1.1.1' }),
  ];
  // The nginx file is read after the app log, as `scan app.log access.log` would.
  const { flows, findings } = run([...app, ...nginx]);
  assert.equal(flows.length, 1, JSON.stringify(flows.map((f) => f.events.map((e) => `${e.ref.file}:${e.ref.line}`))));
  assert.equal(flows[0]!.events.length, 7);
  assert.equal(flows[0]!.status, 'ok');
  assert.deepEqual(findings, []);
});

test('nginx read first: a token request too late to be placed by time still joins the flow its app-log line names by code', () => {
  // The demo's expired code: nginx logs the token request 75 s after the consent, from the
  // connector's server (another IP), without any key; the app log, read afterwards, names the code.
  const nginx = [
    ev('access.log', 1, 0, { format: 'nginx', method: 'GET', path: '/oauth/authorize', status: 200, clientId: 'chatgpt-client-123', state: 'st-aaaaaaaaaaaa', redirectUri: REDIRECT, ip: '104.28.1.1' }),
    ev('access.log', 2, 4, { format: 'nginx', method: 'POST', path: '/oauth/authorize', status: 302, ip: '104.28.1.1' }),
    ev('access.log', 3, 79, { format: 'nginx', method: 'POST', path: '/oauth/token', status: 400, ip: '20.171.207.152' }),
  ];
  const app = [
    ev('laravel.log', 10, 4, { stage: 'callback', clientId: 'chatgpt-client-123', state: 'st-aaaaaaaaaaaa', code: code('def502late') }),
    ev('laravel.log', 11, 79, { method: 'POST', path: '/oauth/token', clientId: 'chatgpt-client-123', grantType: 'authorization_code', redirectUri: REDIRECT, code: code('def502late') }),
    ev('laravel.log', 12, 79, { stage: 'token', status: 400, error: 'invalid_grant', reason: 'code_expired', clientId: 'chatgpt-client-123', code: code('def502late') }),
  ];
  const { flows } = run([...nginx, ...app]);
  const where = JSON.stringify(flows.map((f) => f.events.map((e) => `${e.ref.file}:${e.ref.line}`)));
  assert.equal(flows.length, 1, where);
  assert.equal(flows[0]!.events.length, 6, where);
  // Read the other way round, the token line joins by the app line it repeats (as before).
  const reversed = run([...app, ...nginx]).flows;
  const withToken = reversed.find((f) => f.events.some((e) => e.ref.file === 'access.log' && e.ref.line === 3));
  assert.ok(withToken?.events.some((e) => e.ref.file === 'laravel.log' && e.ref.line === 11), JSON.stringify(reversed.map((f) => f.events.map((e) => `${e.ref.file}:${e.ref.line}`))));
});

test('two logins in the same second, one seen in nginx and one in the app log, are not taken for one request logged twice', () => {
  const nginx = [ev('access.log', 1, 0, { format: 'nginx', method: 'GET', path: '/oauth/authorize', status: 200, clientId: 'client-b', state: 'st-bbbbbbbbbbbb', redirectUri: REDIRECT, ip: '10.0.0.2' })];
  const app = [ev('laravel.log', 1, 1, { method: 'GET', path: '/oauth/authorize', clientId: 'client-a', state: 'st-aaaaaaaaaaaa', redirectUri: REDIRECT })];
  for (const events of [[...nginx, ...app], [...app, ...nginx]]) {
    const { flows, findings } = run(events);
    assert.equal(flows.length, 2, JSON.stringify(flows.map((f) => f.events.map((e) => `${e.ref.file}:${e.ref.line}`))));
    assert.deepEqual(findings.filter((f) => f.id === 'client_id_mismatch' || f.id === 'state_mismatch'), []);
  }
});

test('two nginx logs behind a load balancer: key-less token requests of the same second stay with their own file\'s login', () => {
  const web = (file: string, user: string): OAuthEvent[] => [
    ev(file, 1, 0, { format: 'nginx', method: 'GET', path: '/oauth/authorize', status: 302, clientId: 'webapp', state: `st-${user}-aaaaaaaa`, ip: `104.28.0.${user.length}` }),
    ev(file, 2, 5, { format: 'nginx', stage: 'callback', method: 'GET', path: '/auth/callback', status: 302, state: `st-${user}-aaaaaaaa`, code: code(`def502${user}`), ip: `104.28.0.${user.length}` }),
    ev(file, 3, 5, { format: 'nginx', method: 'POST', path: '/oauth/token', status: 200, ip: '10.0.1.20' }),
  ];
  const { flows, findings } = run([...web('web1.log', 'ann'), ...web('web2.log', 'bobby')]);
  assert.equal(flows.length, 2);
  for (const f of flows) assert.deepEqual(f.events.map((e) => e.ref.line), [1, 2, 3], JSON.stringify(flows.map((x) => x.events.map((e) => `${e.ref.file}:${e.ref.line}`))));
  assert.deepEqual(findings.map((f) => f.id), []);
});

test('a keyless request line of another file at the same moment does not pull in a flow that names other keys', () => {
  // Two logins at once: the nginx token line belongs to the flow whose own keys say so; a flow
  // with a state of its own is never merged into another by that line.
  const nginx = [
    ev('access.log', 1, 0, { format: 'nginx', method: 'GET', path: '/oauth/authorize', status: 200, clientId: 'client-b', state: 'st-bbbbbbbbbbbb', ip: '10.0.0.2' }),
    ev('access.log', 2, 60, { format: 'nginx', method: 'POST', path: '/oauth/token', status: 200, ip: '34.1.1.1', clientId: 'client-b' }),
  ];
  const app = healthyFlow('laravel.log', 10, 53);
  const { flows } = run([...nginx, ...app]);
  assert.equal(flows.length, 2, JSON.stringify(flows.map((f) => f.events.map((e) => `${e.ref.file}:${e.ref.line}`))));
});

test('the same request in two logs is recognised after a long run of one file cut the recent-request list', () => {
  // The correlator skips its same-request search while every remembered request comes from the
  // event's own file; this checks that shortcut follows the list as files alternate and it is cut.
  const c = new FlowCorrelator();
  let seq = 0;
  const track = (e: OAuthEvent): TrackedEvent => {
    const te: TrackedEvent = { ev: e, facts: eventFacts(e), seq: seq++, stage: resolveStage(e)! };
    c.add(te);
    return te;
  };
  for (const e of healthyFlow('laravel.log', 10, 0)) track(e);
  for (let i = 0; i < 1100; i++) track(ev('access.log', 100 + i, 2000 + i, { format: 'nginx', method: 'POST', path: '/oauth/token', status: 200, clientId: `noise-${i}` }));
  const app = healthyFlow('laravel.log', 5000, 4000, 'client-z', 'st-zzzzzzzzzzzz', 'def502zzzz').map(track);
  const nginxToken = track(ev('access.log', 2002, 4007, { format: 'nginx', method: 'POST', path: '/oauth/token', status: 200, ip: '34.1.1.1' }));
  assert.equal(nginxToken.sameRequestAs, app[3]!.seq);
  // And the other way round: an app line after the nginx line of its request.
  const appAgain = track(ev('laravel.log', 6000, 4007, { method: 'POST', path: '/oauth/token', status: 200, clientId: 'client-z' }));
  assert.equal(appAgain.sameRequestAs, nginxToken.seq);
});

test('missing stages: a token exchange without a logged authorize still makes a flow', () => {
  const { flows } = run([
    ev('app.log', 1, 0, { stage: 'callback', path: '/callback', method: 'GET', status: 200, code: code('zzz111'), state: 'abcdefgh12345' }),
    ev('app.log', 2, 3, { stage: 'token', path: '/oauth/token', method: 'POST', status: 200, code: code('zzz111'), grantType: 'authorization_code' }),
  ]);
  assert.equal(flows.length, 1);
  const st = Object.fromEntries(flows[0]!.stages.map((s) => [s.stage, s.status]));
  assert.equal(st.authorize, 'ok'); // implied by the code
  assert.equal(st.token_issued, 'ok');
});

test('grants without a code: the browser stages are not applicable, not missing or implied', () => {
  const stagesOf = (grantType: string, status: number): Record<string, string> => {
    const { flows } = run([ev('auth.jsonl', 1, 0, { stage: 'token', path: '/token', method: 'POST', status, clientId: 'batch-job', grantType, ...(status >= 400 ? { error: 'unauthorized_client' } : {}) })]);
    assert.equal(flows.length, 1);
    return Object.fromEntries(flows[0]!.stages.map((s) => [s.stage, s.status]));
  };
  for (const grant of ['client_credentials', 'password', 'refresh_token']) {
    for (const status of [200, 400]) {
      const st = stagesOf(grant, status);
      assert.deepEqual([st.authorize, st.consent, st.callback], ['not_applicable', 'not_applicable', 'not_applicable'], `${grant} ${status}`);
      assert.equal(st.token, status === 200 ? 'ok' : 'failed');
    }
  }
  // A code exchange alone still implies the login before it.
  const code = stagesOf('authorization_code', 200);
  assert.deepEqual([code.authorize, code.consent], ['ok', 'ok']);
  // The error logged for a client-credentials request names no grant: still no browser stages.
  const { flows } = run([
    ev('laravel.log', 1, 0, { stage: 'token', path: '/oauth/token', method: 'POST', clientId: '7', grantType: 'client_credentials' }),
    ev('laravel.log', 2, 0, { stage: 'token', status: 401, error: 'invalid_client', clientId: '7' }),
  ]);
  assert.equal(flows.length, 1);
  assert.deepEqual(flows[0]!.stages.slice(2, 5).map((s) => s.status), ['not_applicable', 'not_applicable', 'not_applicable']);
});

test('what a login server alone logs implies the steps it does not see (Keycloak LOGIN then CODE_TO_TOKEN)', () => {
  const stages = (events: OAuthEvent[]): Record<string, string> => {
    const { flows } = run(events);
    assert.equal(flows.length, 1);
    return Object.fromEntries(flows[0]!.stages.map((s) => [s.stage, s.status]));
  };
  const login = ev('kc.log', 1, 0, { format: 'keycloak', stage: 'consent', clientId: 'shop-web', code: code('kc-session-1') });
  const issued = ev('kc.log', 2, 1, { format: 'keycloak', stage: 'token_issued', clientId: 'shop-web', grantType: 'authorization_code', code: code('kc-session-1') });
  // The login page means the authorize request was accepted; tokens for the code mean it reached the callback.
  assert.deepEqual(Object.values(stages([login, issued])).slice(2, 7), ['ok', 'ok', 'ok', 'ok', 'ok']);
  // A failed login still followed an accepted authorize request.
  const failedLogin = stages([ev('kc.log', 1, 0, { format: 'keycloak', stage: 'consent', clientId: 'shop-web', error: 'invalid_user_credentials' })]);
  assert.deepEqual([failedLogin.authorize, failedLogin.consent], ['ok', 'failed']);
});

test('favicon 404s and health-check 401s make no flow and no finding', () => {
  const { flows, findings } = run([
    ev('access.log', 1, 0, { format: 'nginx', method: 'GET', path: '/favicon.ico', status: 404 }),
    ev('access.log', 2, 1, { format: 'nginx', method: 'GET', path: '/health', status: 401 }),
    ev('access.log', 3, 2, { format: 'nginx', method: 'GET', path: '/metrics', status: 401, error: 'invalid_token' }),
  ]);
  assert.deepEqual(flows, []);
  assert.deepEqual(findings, []);
});

test('a retry after a 503 at the token endpoint heals the stage', () => {
  const events = healthyFlow('app.log', 1, 0);
  const failing = ev('app.log', 4, 6.5, { stage: 'token', method: 'POST', path: '/oauth/token', status: 503, clientId: 'chatgpt-client-123', grantType: 'authorization_code', code: code('def502aaaa') });
  const { flows, findings } = run([events[0]!, events[1]!, events[2]!, failing, { ...events[3]!, ref: { file: 'app.log', line: 5 } }]);
  assert.equal(flows.length, 1);
  assert.equal(flows[0]!.stages.find((s) => s.stage === 'token')!.status, 'ok');
  assert.deepEqual(findings.filter((f) => f.severity === 'error'), []);
});

test('a new authorize for the same client after the first one completed starts a new flow', () => {
  const first = healthyFlow('app.log', 1, 0, 'c1', 'state-1111111111', 'code-1');
  const retry = ev('app.log', 9, 300, { stage: 'authorize', method: 'GET', path: '/oauth/authorize', status: 200, clientId: 'c1', redirectUri: REDIRECT, codeChallenge: CHALLENGE });
  const { flows } = run([...first, retry]);
  assert.equal(flows.length, 2);
});


test('token requests of one client without a code: each refused exchange is its own flow, its error line joins it', () => {
  // A busy client whose exchanges fail (no code logged): one flow per exchange, not one flow per client.
  const events: OAuthEvent[] = [];
  for (let i = 0; i < 4; i++) {
    events.push(ev('app.log', 2 * i + 1, 2 * i, { stage: 'token', method: 'POST', path: '/oauth/token', clientId: 'web-1', grantType: 'authorization_code' }));
    events.push(ev('app.log', 2 * i + 2, 2 * i, { error: 'invalid_grant', reason: 'code_expired', message: 'The authorization code has expired' }));
  }
  const { flows, findings } = run(events);
  assert.equal(flows.length, 4);
  for (const f of flows) assert.deepEqual(f.events.map((e) => e.error !== undefined), [false, true]);
  assert.deepEqual(findings.map((f) => [f.id, f.flowId]), flows.map((f) => ['code_expired', f.id]));
});

test('a token request after a refused exchange at the same moment (one request logged twice) still joins; after a 503 it is a retry', () => {
  const refused = [
    ev('app.log', 1, 0, { stage: 'token', method: 'POST', path: '/oauth/token', status: 400, clientId: 'web-1', grantType: 'authorization_code', error: 'invalid_grant' }),
    ev('app.log', 2, 0, { stage: 'token', clientId: 'web-1', grantType: 'authorization_code', message: 'token request done' }),
  ];
  assert.equal(run(refused).flows.length, 1);
  const retried = [
    ev('app.log', 1, 0, { stage: 'token', method: 'POST', path: '/oauth/token', status: 503, clientId: 'web-1', grantType: 'authorization_code' }),
    ev('app.log', 2, 3, { stage: 'token', method: 'POST', path: '/oauth/token', status: 200, clientId: 'web-1', grantType: 'authorization_code' }),
  ];
  assert.equal(run(retried).flows.length, 1);
  // Without the refusal rule the second request would join the first flow too.
  const later = [refused[0]!, ev('app.log', 2, 5, { stage: 'token', method: 'POST', path: '/oauth/token', status: 400, clientId: 'web-1', grantType: 'authorization_code' })];
  assert.equal(run(later).flows.length, 2);
});
test('maxEvents bounds memory: old flows are dropped but their findings kept', () => {
  const a = new FlowAnalysis({ maxEvents: 100 });
  for (let i = 0; i < 1000; i++) {
    a.add(ev('app.log', i + 1, i * 2, { stage: 'authorize', method: 'GET', path: '/oauth/authorize', status: 200, clientId: `client-${i}`, state: `state-${String(i).padStart(10, '0')}` }));
  }
  a.end();
  const snap = a.snapshot();
  assert.ok(snap.flows.reduce((n, f) => n + f.events.length, 0) <= 100);
  assert.ok(a.droppedFlows >= 900);
  assert.equal(snap.findings.filter((f) => f.id === 'flow_abandoned_at_authorize').length, 1000);
});

test('snapshot reuses analyses of flows that did not change', () => {
  const a = new FlowAnalysis();
  for (const e of healthyFlow('app.log', 1, 0, 'c1', 'state-1111111111', 'code-1')) a.add(e);
  const s1 = a.snapshot();
  a.add(healthyFlow('app.log', 10, 100, 'c2', 'state-2222222222', 'code-2')[0]!);
  const s2 = a.snapshot();
  assert.equal(s2.flows.length, 2);
  assert.equal(s1.flows[0], s2.flows[0], 'unchanged flow was re-analysed');
});
