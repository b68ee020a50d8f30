// Cost of the pure checks and the token toolkit, on the paths that run per log line or per
// token: redact (every line shown or exported), findJwts + decodeJwt (every line with "eyJ"),
// compareRedirectUris / matchRegisteredRedirect, checkPkcePair, verifyJwtWithJwks.
// Each figure is compared with a baseline measured in the same run that does the bare minimum
// of the same job (one regex pass, string equality, one SHA-256, jose's compactVerify alone), so
// the ratio shows what the diagnosis layer adds. Rates are per CPU second. Targets: redact ≥ 10 MB/s on mixed log text,
// verify overhead ≤ 2× jose alone, a redirect comparison < 20 µs.
import * as esbuild from 'esbuild';
import { mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';

mkdirSync('.bench', { recursive: true });
await esbuild.build({
  stdin: {
    contents: `export { redact } from './src/core/redact/redact';
export { decodeJwt, findJwts } from './src/core/jwt/decodeJwt';
export { checkJwt } from './src/core/jwt/checkJwt';
export { verifyJwtWithJwks, checkJwks } from './src/core/jwt/verifyJwt';
export { compareRedirectUris, matchRegisteredRedirect } from './src/core/checks/redirectUri';
export { checkPkcePair, s256Challenge } from './src/core/checks/pkce';
export { SignJWT, generateKeyPair, exportJWK, compactVerify, createLocalJWKSet } from 'jose';`,
    resolveDir: process.cwd(), loader: 'ts',
  },
  bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: '.bench/checks-modules.mjs', logLevel: 'warning',
});
const m = await import(new URL('../../.bench/checks-modules.mjs', import.meta.url).href);

// CPU time, not wall time: the machine is shared, and CPU time is what a check costs the user.
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
/** Runs fn for `ms` of CPU time (after a warm-up) and returns operations per CPU second. */
function rate(fn, ms = 300) {
  for (let i = 0; i < 200; i++) fn(i);
  let n = 0;
  const t0 = cpuMs();
  while (cpuMs() - t0 < ms) for (let k = 0; k < 50; k++) fn(n++);
  return n / ((cpuMs() - t0) / 1000);
}
async function rateAsync(fn, ms = 500) {
  for (let i = 0; i < 20; i++) await fn(i);
  let n = 0;
  const t0 = cpuMs();
  while (cpuMs() - t0 < ms) await fn(n++);
  return n / ((cpuMs() - t0) / 1000);
}
const fmt = (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)} k` : x.toFixed(0));
let failed = false;
function report(name, ours, base, unit, check) {
  const ok = check(ours, base);
  if (!ok) failed = true;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name.padEnd(34)} ${fmt(ours).padStart(9)} ${unit}   baseline ${fmt(base).padStart(9)} ${unit}   ratio ${(base / ours).toFixed(2)}×`);
}

// --- a mixed log corpus (same shapes as the seeds' logs) ---
const { privateKey, publicKey } = await m.generateKeyPair('RS256');
const jwk = { ...(await m.exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
const jwt = await new m.SignJWT({ scope: 'mcp' }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuer('https://as.example').setAudience('api').setIssuedAt().setExpirationTime('1h').sign(privateKey);
const lines = [];
for (let i = 0; i < 20_000; i++) {
  switch (i % 5) {
    case 0: lines.push(`[2026-11-28 10:00:${String(i % 60).padStart(2, '0')}] production.INFO: GET /oauth/authorize?client_id=web-${i % 50}&redirect_uri=https%3A%2F%2Fapp.example%2Fcallback&state=s${i}&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM`); break;
    case 1: lines.push(`127.0.0.1 - - [28/Nov/2026:10:00:00 +0000] "POST /oauth/token HTTP/1.1" 400 120 "-" "node" code=def50200${i}abcdef&client_secret=s3cr3t${i}`); break;
    case 2: lines.push(`{"time":"2026-11-28T10:00:00Z","level":"error","error":"invalid_grant","client_id":"web-${i % 50}","access_token":"opaque-${i}"}`); break;
    case 3: lines.push(`[2026-11-28 10:00:00] production.INFO: API call Authorization: Bearer ${jwt} Cookie: laravel_session=abc${i}`); break;
    default: lines.push(`[2026-11-28 10:00:00] production.DEBUG: cache hit for key user:${i} took ${i % 7} ms`);
  }
}
const bytes = lines.reduce((s, l) => s + l.length, 0);
const simpleRe = /\beyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g;

const redactLinesPerSec = rate((i) => m.redact(lines[i % lines.length]));
const baseLinesPerSec = rate((i) => lines[i % lines.length].replace(simpleRe, 'x'));
const mbps = (redactLinesPerSec * (bytes / lines.length)) / 1e6;
report('redact (lines)', redactLinesPerSec, baseLinesPerSec, 'lines/s', () => mbps >= 10);
console.log(`     redact throughput ${mbps.toFixed(1)} MB/s on mixed log text (target ≥ 10 MB/s)`);

report('findJwts + decodeJwt (lines)', rate((i) => { for (const t of m.findJwts(lines[i % lines.length])) m.decodeJwt(t); }), rate((i) => lines[i % lines.length].match(simpleRe)), 'lines/s', (o) => o > 50_000);

const decoded = m.decodeJwt(jwt);
report('checkJwt', rate(() => m.checkJwt(decoded.jwt, { expectedIssuer: 'https://as.example/', expectedAudience: 'api', usedAsBearer: true })), rate(() => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString())), 'ops/s', (o) => o > 100_000);

// --- redirect URIs ---
const pairs = [
  ['https://chatgpt.com/backend-api/aip/connectors/oauth/callback', 'https://chatgpt.com/backend-api/aip/connectors/oauth/callback/'],
  ['http://localhost:8080/cb', 'http://127.0.0.1:8080/cb'],
  ['https://a.example:443/cb', 'https://a.example/cb'],
  ['https%3A%2F%2Fa.example%2Fcb', 'https://a.example/cb'],
  ['com.example.app:/cb', 'com.example.app://cb'],
];
const cmpRate = rate((i) => { const p = pairs[i % pairs.length]; m.compareRedirectUris(p[0], p[1]); });
report('compareRedirectUris', cmpRate, rate((i) => { const p = pairs[i % pairs.length]; return p[0] === p[1]; }), 'ops/s', (o) => 1e6 / o < 20);
const registered = Array.from({ length: 50 }, (_, i) => `https://app${i}.example.com/oauth/callback`);
report('matchRegisteredRedirect (50 URIs)', rate(() => m.matchRegisteredRedirect(registered, 'https://app7.example.com/oauth/callback/')), rate(() => registered.includes('https://app7.example.com/oauth/callback/')), 'ops/s', (o) => 1e6 / o < 2000);

// --- PKCE ---
const v = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const c = m.s256Challenge(v);
report('checkPkcePair (match)', rate(() => m.checkPkcePair(v, c, 'S256')), rate(() => createHash('sha256').update(v).digest('base64url')), 'ops/s', (o, b) => b / o < 3);
report('checkPkcePair (mismatch, explained)', rate(() => m.checkPkcePair(v, 'x'.repeat(43), 'S256')), rate(() => createHash('sha256').update(v).digest('base64url')), 'ops/s', (o, b) => b / o < 15);

// --- signature verification ---
const set = m.createLocalJWKSet({ keys: [jwk] });
const jwks = { keys: [jwk] };
const ours = await rateAsync(() => m.verifyJwtWithJwks(jwt, jwks, { issuer: 'https://as.example', audience: 'api' }));
const cold = await rateAsync(() => m.verifyJwtWithJwks(jwt, { keys: [jwk] }, { issuer: 'https://as.example', audience: 'api' }));
const base = await rateAsync(() => m.compactVerify(jwt, set));
report('verifyJwtWithJwks (RS256)', ours, base, 'ops/s', (o, b) => b / o <= 2.5);
console.log(`     with a new JWKS object on every call (key import each time): ${fmt(cold)} ops/s`);

process.exit(failed ? 1 : 0);
