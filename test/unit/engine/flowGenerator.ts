/**
 * A seeded generator of interleaved login attempts for the engine's randomized tests: times out of
 * order or missing, two sources logging one request, request ids, reused and foreign codes,
 * states that differ, retries, token lines without a code, API calls with JWTs.
 */
import type { OAuthEvent } from '../../../src/core/model';
import { CHALLENGE, REDIRECT, code, ev, jwtSeen, epochSec } from '../flows/eventBuilder';

/** mulberry32: a small seeded PRNG, so a failing seed can be replayed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Draft {
  sec: number | undefined;
  file: string;
  fields: Partial<OAuthEvent>;
}

/** A stream of events for `scenarios` interleaved login attempts. */
export function generate(seed: number, scenarios: number): OAuthEvent[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const chance = (p: number): boolean => r() < p;
  const clients = ['web', 'mobile', 'web ', 'cli', 'web\u200B'];
  const ips = ['10.0.0.1', '10.0.0.2', '10.0.0.3', undefined];
  const redirects = [REDIRECT, REDIRECT + '/', REDIRECT.replace('https:', 'http:'), undefined];
  const challenges = [CHALLENGE, 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM=', 'other-challenge-value-xxxxxxxxxxxxxxxxxxxxxxxx', undefined];
  const codes = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8'];
  const drafts: Draft[] = [];
  let requestIds = 0;
  let t0 = 0;
  for (let s = 0; s < scenarios; s++) {
    t0 += Math.floor(r() * 40);
    if (chance(0.05)) t0 += 700; // past the idle window now and then
    let t = t0;
    const client = pick(clients);
    const ip = pick(ips);
    const state = chance(0.8) ? `st-${seed}-${s}-${Math.floor(r() * 3)}` : chance(0.5) ? 'ab' : undefined;
    const rawCode = chance(0.2) ? pick(codes) : `code-${seed}-${s}`;
    const file = chance(0.7) ? 'app.log' : 'nginx.log';
    const at = (): number | undefined => (chance(0.08) ? undefined : t);
    const add = (fields: Partial<OAuthEvent>, f = file): void => {
      const d: Draft = { sec: at(), file: f, fields: { ...fields, ...(ip && !fields.ip && chance(0.7) ? { ip } : {}) } };
      drafts.push(d);
      // The same request in the other source (proxy + app), sometimes with a request id.
      if (fields.method && chance(0.25)) {
        const rid = chance(0.5) ? `req-${requestIds++}` : undefined;
        if (rid) d.fields.requestId = rid;
        drafts.push({ sec: d.sec !== undefined ? d.sec + (chance(0.5) ? 1 : 0) : undefined, file: f === 'app.log' ? 'nginx.log' : 'app.log', fields: { method: fields.method, path: fields.path, status: fields.status, ...(rid ? { requestId: rid } : {}) } });
      }
      t += Math.floor(r() * 30);
    };
    if (chance(0.1)) add({ stage: 'discovery', method: 'GET', path: '/.well-known/openid-configuration', status: pick([200, 404]) });
    if (chance(0.85)) {
      add({ stage: 'authorize', method: 'GET', path: '/oauth/authorize', status: pick([200, 200, 302, 503, 400]), clientId: client, redirectUri: pick(redirects), state, scope: pick(['openid profile', 'openid offline_access', undefined]), codeChallenge: pick(challenges), codeChallengeMethod: pick(['S256', 'plain', undefined]), responseType: 'code' });
      if (chance(0.15)) add({ stage: 'authorize', method: 'GET', path: '/oauth/authorize', status: 200, clientId: client, redirectUri: pick(redirects), responseType: 'code' });
    }
    if (chance(0.7)) add({ stage: 'consent', method: 'POST', path: '/oauth/authorize', status: pick([302, 302, 200, 403]), clientId: chance(0.5) ? client : undefined, ...(chance(0.1) ? { error: 'access_denied' } : {}) });
    if (chance(0.8)) {
      add({ stage: 'callback', method: 'GET', path: '/callback', status: pick([200, 200, 302, 500]), code: chance(0.9) ? code(rawCode) : undefined, state: chance(0.8) ? state : chance(0.5) ? `other-${s}` : undefined });
      if (chance(0.1)) add({ stage: 'callback', method: 'GET', path: '/callback', status: 200, code: code(`${rawCode}-x`) });
    }
    const exchanges = chance(0.85) ? 1 + Math.floor(r() * (chance(0.1) ? 6 : 2)) : 0;
    for (let x = 0; x < exchanges; x++) {
      const status = pick([200, 200, 400, 400, 401, 503]);
      const grantType = pick(['authorization_code', 'authorization_code', 'refresh_token', 'client_credentials', undefined]);
      const failed = status >= 400;
      add({
        stage: 'token', method: 'POST', path: '/oauth/token', status, grantType,
        clientId: chance(0.8) ? (chance(0.9) ? client : pick(clients)) : undefined,
        code: chance(0.6) ? code(chance(0.9) ? rawCode : pick(codes)) : undefined,
        redirectUri: pick(redirects),
        codeVerifierS256: chance(0.5) ? pick(challenges) : undefined,
        ...(chance(0.1) ? { codeVerifier: { fingerprint: 'fp:v', preview: '', length: pick([12, 43, 200]), charsetOk: chance(0.5) } } : {}),
        ...(failed && chance(0.5) ? { error: pick(['invalid_grant', 'invalid_client', 'invalid_scope', 'server_error']) } : {}),
        ...(failed && chance(0.3) ? { errorDescription: pick(['The authorization code has expired', 'Authorization code has been revoked', 'Failed to verify `code_verifier`.', 'The provided authorization grant (e.g., authorization code, resource owner credentials) or refresh token is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.', 'Client IP 10.0.0.9 is not allowed', 'offline_access missing']) } : {}),
        ...(failed && chance(0.2) ? { reason: pick(['code_expired', 'code_reused', 'redirect_uri_mismatch', 'pkce_mismatch', 'client_id_mismatch', 'invalid_client', 'refresh_token_invalid'] as const) } : {}),
        ...(status === 200 && chance(0.3) ? { scope: pick(['openid', 'openid profile', 'openid offline_access']) } : {}),
      });
      // The error line the framework logs for the request: no keys at all.
      if (failed && chance(0.5)) add({ error: pick(['invalid_grant', 'invalid_request']), message: 'OAuthServerException', ...(chance(0.3) ? { reason: 'code_expired' as const } : {}) });
      if (chance(0.2)) t += pick([30, 90, 700]);
    }
    const api = chance(0.4) ? 1 + Math.floor(r() * 3) : 0;
    for (let a = 0; a < api; a++) {
      const exp = epochSec(t + pick([-100, 3600]));
      add({
        stage: chance(0.7) ? 'api' : undefined, method: 'GET', path: pick(['/api/user', '/mcp', '/favicon.ico']), status: pick([200, 401, 403]),
        ...(chance(0.6) ? { tokens: [jwtSeen({ sub: 'u', exp, ...(chance(0.3) ? { nonce: 'n', aud: client } : {}) }, pick(['authorization', 'text'] as const), { alg: 'RS256', typ: chance(0.8) ? 'at+jwt' : 'JWT' })] } : {}),
        ...(chance(0.1) ? { authScheme: pick(['', 'Bearerabc', 'Bearer']) } : {}),
        ...(chance(0.2) ? { errorDescription: pick(['token expired', 'insufficient scope', 'jwt exp']) } : {}),
      });
    }
  }
  // Interleave: by time with jitter (so sources are a little out of order), untimed lines stay near their neighbours.
  const keyed = drafts.map((d, i) => ({ d, k: (d.sec ?? (drafts[i - 1]?.sec ?? 0)) + (r() - 0.5) * 6 }));
  keyed.sort((a, b) => a.k - b.k);
  const lines: Record<string, number> = {};
  return keyed.map(({ d }) => {
    lines[d.file] = (lines[d.file] ?? 0) + 1;
    return ev(d.file, lines[d.file]!, d.sec, { message: `line ${lines[d.file]}`, ...d.fields });
  });
}
