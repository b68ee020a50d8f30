// The token toolkit and the JAR checker against a real authorization server (oidc-provider on
// 127.0.0.1): real JWKS, real JWT access tokens, and request objects the server accepts or
// refuses – our verdict must agree with the server's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { freePort, startAuthServer } from '../authServer/authServer.mjs';
import type { AuthServer } from '../authServer/authServer.mjs';
import { checkJwks, verifyJwtWithJwks } from '../../../src/core/jwt/verifyJwt';
import { decodeJwt } from '../../../src/core/jwt/decodeJwt';
import { checkJwt } from '../../../src/core/jwt/checkJwt';
import { checkRequestObject } from '../../../src/core/checks/jar';

async function metadata(as: AuthServer): Promise<Record<string, string>> {
  const r = await fetch(new URL('/.well-known/openid-configuration', as.origin));
  assert.equal(r.status, 200);
  return (await r.json()) as Record<string, string>;
}

async function clientCredentialsToken(as: AuthServer, resource: string): Promise<string> {
  const meta = await metadata(as);
  const r = await fetch(meta['token_endpoint']!, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Basic ' + Buffer.from(`${as.clientId}:${as.clientSecret}`).toString('base64') },
    body: new URLSearchParams({ grant_type: 'client_credentials', resource, scope: 'api:read' }),
  });
  const body = (await r.json()) as Record<string, string>;
  assert.equal(r.status, 200, JSON.stringify(body));
  return body['access_token']!;
}

test('real JWKS and JWT access token: checkJwks, decodeJwt kind, verify, and claim mismatches', async () => {
  const resource = `http://127.0.0.1:${await freePort()}/mcp`;
  const as = await startAuthServer({ clientCredentials: true, resource });
  try {
    const meta = await metadata(as);
    const jwks = await (await fetch(meta['jwks_uri']!)).json();
    const health = checkJwks(jwks);
    assert.ok(health.usableKeys >= 1);
    assert.deepEqual(health.problems.filter((p) => p.severity === 'error'), []);

    const token = await clientCredentialsToken(as, resource);
    const decoded = decodeJwt(token);
    assert.ok(decoded.ok);
    assert.equal(decoded.jwt.kind, 'access_token', JSON.stringify(decoded.jwt.header));
    assert.equal(decoded.jwt.payload['aud'], resource);

    const ok = await verifyJwtWithJwks(token, jwks, { issuer: as.issuer, audience: resource });
    assert.equal(ok.verified, true, ok.error);
    assert.equal(ok.kid, decoded.jwt.header['kid']);

    const wrong = await verifyJwtWithJwks(token, jwks, { issuer: as.issuer + '/', audience: resource + '/' });
    assert.equal(wrong.signatureValid, true);
    assert.deepEqual(wrong.problems.map((p) => p.id).sort(), ['token_audience_mismatch', 'token_issuer_mismatch']);
    assert.ok(wrong.problems.every((p) => /trailing slash/.test(p.detail)));

    // An hour after its 10-minute lifetime the same token is expired, and says so.
    const exp = decoded.jwt.payload['exp'] as number;
    const later = checkJwt(decoded.jwt, { at: (exp + 3600) * 1000 });
    assert.deepEqual(later.map((p) => p.id), ['token_expired']);
    assert.match(later[0]!.detail, /expired 1 h ago/);

    // After a key rotation: the same kid with a new key fails the signature; a new kid is unknown.
    // (Every oidc-provider instance in quick-start mode shares one dev key, so a second server would not do.)
    const { publicKey } = await generateKeyPair('RS256', { extractable: true });
    const rotated = { ...(await exportJWK(publicKey)), alg: 'RS256', use: 'sig' };
    const sameKid = await verifyJwtWithJwks(token, { keys: [{ ...rotated, kid: ok.kid }] }, { issuer: as.issuer, audience: resource });
    assert.equal(sameKid.verified, false);
    assert.match(sameKid.error ?? '', /signature does not match/);
    const newKid = await verifyJwtWithJwks(token, { keys: [{ ...rotated, kid: 'rotated-2026' }] }, { issuer: as.issuer, audience: resource });
    assert.equal(newKid.verified, false);
    assert.match(newKid.error ?? '', /No key in the JWKS has kid .*"rotated-2026".*rotated its keys/);
  } finally {
    await as.close();
  }
});

test('request objects: the server accepts what checkRequestObject passes and refuses what it flags', async () => {
  const redirect = `http://127.0.0.1:${await freePort()}/callback`;
  const as = await startAuthServer({ redirectUris: [redirect], requestObjectsRequired: true, clientSecret: 'a-long-enough-client-secret-for-hs256-0123456789' });
  try {
    const meta = await metadata(as);
    const secret = new TextEncoder().encode(as.clientSecret);
    const now = Math.floor(Date.now() / 1000);
    const base = { iss: as.clientId, aud: as.issuer, client_id: as.clientId, redirect_uri: redirect, response_type: 'code', scope: 'openid', state: 'st-1', jti: 'j' };
    const sign = (claims: Record<string, unknown>): Promise<string> => new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'oauth-authz-req+jwt' }).sign(secret);
    /** What the server does with `request=jwt`: the redirect target or the error it answers with. */
    async function serverVerdict(jwt: string): Promise<string> {
      const url = new URL(meta['authorization_endpoint']!);
      url.search = new URLSearchParams({ client_id: as.clientId, request: jwt }).toString();
      const r = await fetch(url, { redirect: 'manual' });
      const location = r.headers.get('location') ?? '';
      if (r.status >= 300 && r.status < 400) {
        const err = new URL(location, as.origin).searchParams.get('error');
        return err ?? 'accepted';
      }
      const text = await r.text();
      return /invalid_request_object/.test(text) ? 'invalid_request_object' : /invalid_request/.test(text) ? 'invalid_request' : `status ${r.status}`;
    }

    const good = await sign({ ...base, iat: now, exp: now + 300 });
    assert.deepEqual(checkRequestObject(good, { clientId: as.clientId, audience: as.issuer }), []);
    assert.equal(await serverVerdict(good), 'accepted');

    const expired = await sign({ ...base, iat: now - 900, exp: now - 600 });
    assert.deepEqual(checkRequestObject(expired, { clientId: as.clientId, audience: as.issuer }).map((p) => p.id), ['jar_expired']);
    assert.notEqual(await serverVerdict(expired), 'accepted');

    const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    const unsigned = `${b64({ alg: 'none' })}.${b64({ ...base, iat: now, exp: now + 300 })}.`;
    assert.ok(checkRequestObject(unsigned, { clientId: as.clientId, audience: as.issuer }).some((p) => p.id === 'jar_invalid' && /unsigned/.test(p.detail)));
    assert.notEqual(await serverVerdict(unsigned), 'accepted');

    const wrongKey = await new SignJWT({ ...base, iat: now, exp: now + 300 }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('not-the-client-secret-not-the-client-secret'));
    assert.notEqual(await serverVerdict(wrongKey), 'accepted', 'a bad signature is refused (checkRequestObject cannot see it without the secret)');
  } finally {
    await as.close();
  }
});
