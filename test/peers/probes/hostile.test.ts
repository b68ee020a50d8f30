// Hostile and broken servers (small node:http/https servers on 127.0.0.1): each must end in a
// finding or a clear error – never a hang, a crash or an unbounded read.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as https from 'node:https';
import { once } from 'node:events';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, exportJWK } from 'jose';
import { HttpClient } from '../../../src/http/httpClient';
import { runProbes } from '../../../src/probes/runProbes';
import { verifyTokenAgainstIssuer } from '../../../src/probes/verifyToken';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, origin: string) => void;

async function serve(handler: Handler): Promise<{ origin: string; close(): Promise<void> }> {
  const server = http.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const origin = `http://127.0.0.1:${port}`;
  server.on('request', (req, res) => handler(req, res, origin));
  return { origin, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

function metadata(origin: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    issuer: origin,
    authorization_endpoint: `${origin}/authorize`,
    token_endpoint: `${origin}/token`,
    jwks_uri: `${origin}/jwks`,
    response_types_supported: ['code'],
    code_challenge_methods_supported: ['S256'],
    ...over,
  };
}

function json(res: http.ServerResponse, body: unknown, status = 200): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function ids(r: { findings: { id: string }[] }): string[] {
  return [...new Set(r.findings.filter((f) => f.id !== 'insecure_http_endpoint').map((f) => f.id))].sort();
}

let goodJwks: unknown;
before(async () => {
  const { publicKey } = await generateKeyPair('RS256');
  goodJwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', use: 'sig', alg: 'RS256' }] };
});

test('HTML where JSON belongs: discovery_invalid naming the HTML page', async () => {
  const s = await serve((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!DOCTYPE html><html><head><title>Please sign in</title></head><body>login</body></html>');
  });
  try {
    const r = await runProbes({ target: s.origin });
    assert.deepEqual(ids(r), ['discovery_invalid']);
    assert.match(r.findings.find((f) => f.id === 'discovery_invalid')?.detail ?? '', /HTML where JSON belongs.*"Please sign in"/);
  } finally {
    await s.close();
  }
});

test('a 2 GB response is streamed and cut at the 1 MB cap, quickly', async () => {
  let written = 0;
  const s = await serve((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(2 * 1024 ** 3) });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = (): void => {
      while (written < 2 * 1024 ** 3 && !res.destroyed) {
        written += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
    };
    res.on('close', () => { written = Math.max(written, 0); });
    pump();
  });
  try {
    const t0 = Date.now();
    const out = await new HttpClient().request({ url: `${s.origin}/.well-known/oauth-authorization-server` });
    assert.equal(out.error?.code, 'too_large');
    assert.match(out.error?.message ?? '', /more than 1 MB; stopped reading/);
    assert.ok(out.body.length <= 1024 * 1024);
    assert.ok((out.exchange.responseBody ?? '').length < 70 * 1024, 'the recorded body is capped for display');
    const r = await runProbes({ target: s.origin });
    assert.deepEqual(ids(r), ['discovery_invalid']);
    assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
    assert.ok(written < 200 * 1024 * 1024, `server wrote ${written} bytes before the client hung up`);
  } finally {
    await s.close();
  }
});

test('slow-loris: the total deadline cuts a server that drips bytes forever', async () => {
  const timers = new Set<NodeJS.Timeout>();
  const s = await serve((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{');
    const t = setInterval(() => res.write(' '), 100);
    timers.add(t);
    res.on('close', () => clearInterval(t));
  });
  try {
    const t0 = Date.now();
    const out = await new HttpClient({ timeoutMs: 700 }).request({ url: s.origin });
    assert.equal(out.error?.code, 'timeout');
    assert.match(out.error?.message ?? '', /did not answer completely within 700 ms/);
    const r = await runProbes({ target: s.origin, timeoutMs: 700 });
    assert.ok(Date.now() - t0 < 4000, `took ${Date.now() - t0} ms`);
    assert.ok(r.findings.some((f) => /within 700 ms/.test(f.detail)), JSON.stringify(r.findings));
  } finally {
    for (const t of timers) clearInterval(t);
    await s.close();
  }
});

test('redirect loops are reported, never followed', async () => {
  let hits = 0;
  const s = await serve((req, res) => {
    hits++;
    res.writeHead(302, { location: req.url ?? '/' });
    res.end();
  });
  try {
    const r = await runProbes({ target: s.origin });
    assert.deepEqual(ids(r), ['discovery_missing']);
    assert.match(r.findings[0]?.detail ?? '', /→ 302/);
    const step = r.steps.find((x) => x.name === 'authorization server metadata');
    assert.match(step?.exchanges.map((e) => e.responseHeaders?.location).join(' ') ?? '', /well-known/);
    assert.ok(hits <= 8, `${hits} requests: redirects must not be followed`);
  } finally {
    await s.close();
  }
});

test('metadata with javascript: URLs: discovery_invalid, and nothing is fetched from them', async () => {
  const s = await serve((req, res, origin) => {
    if (req.url === '/.well-known/oauth-authorization-server') return json(res, metadata(origin, { authorization_endpoint: 'javascript:alert(document.cookie)', jwks_uri: 'javascript:fetch(1)', registration_endpoint: 'data:text/html,<script>x</script>' }));
    json(res, { error: 'not_found' }, 404);
  });
  try {
    const r = await runProbes({ target: s.origin, clientId: 'c', redirectUri: 'http://127.0.0.1:1/cb', allowRegistration: true });
    assert.deepEqual(ids(r), ['discovery_invalid', 'registration_failed']);
    assert.equal(r.findings.filter((f) => f.id === 'discovery_invalid').length, 3);
    assert.ok(r.steps.every((st) => st.exchanges.every((e) => e.url.startsWith('http://'))));
    assert.equal(r.steps.find((x) => x.name === 'jwks')?.status, 'skipped');
    assert.equal(r.steps.find((x) => x.name === 'authorize request')?.status, 'skipped');
  } finally {
    await s.close();
  }
});

test('JWKS with private or symmetric keys: jwks_unavailable, and the key material is not echoed', async () => {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const priv = { ...(await exportJWK(privateKey)), kid: 'leaked' };
  const s = await serve((req, res, origin) => {
    if (req.url === '/.well-known/oauth-authorization-server') return json(res, metadata(origin));
    if (req.url === '/jwks') return json(res, { keys: [priv, { kty: 'oct', k: 'c2hhcmVkLXNlY3JldC12YWx1ZQ', kid: 'hs' }] });
    json(res, {}, 404);
  });
  try {
    const r = await runProbes({ target: s.origin });
    assert.deepEqual(ids(r), ['jwks_unavailable']);
    const details = r.findings.map((f) => f.detail).join('\n');
    assert.match(details, /PRIVATE key material/);
    assert.match(details, /symmetric key/);
    assert.ok(!details.includes(String(priv.d)));
  } finally {
    await s.close();
  }
});

test('alg none token verified against the issuer: token_signature_invalid', async () => {
  const s = await serve((req, res, origin) => {
    if (req.url === '/.well-known/oauth-authorization-server') return json(res, metadata(origin));
    if (req.url === '/jwks') return json(res, goodJwks);
    json(res, {}, 404);
  });
  try {
    const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: s.origin, sub: 'u', aud: 'api', exp: Math.floor(Date.now() / 1000) + 600 })}.`;
    const r = await verifyTokenAgainstIssuer({ token });
    assert.ok(r.findings.some((f) => f.id === 'token_signature_invalid' && f.severity === 'error'), JSON.stringify(r.findings));
    assert.equal(r.steps.find((x) => x.name === 'verify token')?.status, 'failed');
  } finally {
    await s.close();
  }
});

const hasOpenssl = ((): boolean => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

test('invalid certificate: a clear TLS error, and success once its CA file is given', { skip: hasOpenssl ? false : 'openssl is not installed' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'oauth-dbg-tls-'));
  try {
    const sh = (args: string[]): void => { execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' }); };
    sh(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Test CA']);
    sh(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=127.0.0.1']);
    writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
    sh(['x509', '-req', '-in', 'srv.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'srv.pem', '-days', '2', '-extfile', 'ext.cnf']);
    const server = https.createServer({ key: readFileSync(join(dir, 'srv.key')), cert: readFileSync(join(dir, 'srv.pem')) });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const origin = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
    server.on('request', (req, res) => {
      if (req.url === '/.well-known/oauth-authorization-server') return json(res, metadata(origin));
      if (req.url === '/jwks') return json(res, goodJwks);
      json(res, {}, 404);
    });
    try {
      const bad = await runProbes({ target: origin });
      assert.deepEqual(ids(bad), ['discovery_missing']);
      assert.match(bad.findings[0]?.detail ?? '', /TLS verification of 127\.0\.0\.1:\d+ failed .*not trusted.*caFile/);
      const good = await runProbes({ target: origin, caFile: join(dir, 'ca.pem') });
      assert.deepEqual(ids(good), []);
      assert.equal(good.issuer, origin);
      assert.throws(() => new HttpClient({ caFile: join(dir, 'srv.key') }), /holds no PEM certificate/);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
