// A real authorization server for tests and the demo: panva's oidc-provider (v9) on 127.0.0.1 with a
// random port, in the configurations the probes and the live flow must diagnose, plus a small
// protected resource (RFC 9728 metadata, Bearer challenge, JWT access tokens verified with jose).
// Plain ESM JavaScript so scripts (demo, bench) and node:test files alike can import it.
import http from 'node:http';
import { once } from 'node:events';
import './quietProviderLogs.mjs';
import { Provider } from 'oidc-provider';
import { createRemoteJWKSet, jwtVerify } from 'jose';

/** A free TCP port on 127.0.0.1 (for redirect URIs that must be known before the client exists). */
export async function freePort() {
  const s = http.createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

/**
 * Starts oidc-provider.
 * @param {object} config
 * @param {string[]} [config.redirectUris]  registered redirect URIs of the main client
 * @param {string} [config.clientId]  default 'app'
 * @param {string} [config.clientSecret]  default 'app-secret'
 * @param {'client_secret_basic'|'client_secret_post'|'none'} [config.authMethod]
 * @param {boolean} [config.pkceRequired]
 * @param {number} [config.codeTtlSeconds]
 * @param {boolean} [config.trailingSlashIssuer]  issuer `http://127.0.0.1:P/` instead of `http://127.0.0.1:P`
 * @param {boolean} [config.requestObjectsRequired]
 * @param {false|'open'|'restricted'} [config.registration]
 * @param {boolean} [config.clientCredentials]
 * @param {string} [config.resource]  resource indicator of the protected resource (JWT access tokens for it)
 * @param {object[]} [config.extraClients]
 * @returns {Promise<{ issuer: string, origin: string, port: number, provider: Provider, clientId: string, clientSecret: string, close(): Promise<void> }>}
 */
export async function startAuthServer(config = {}) {
  const server = http.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  const origin = `http://127.0.0.1:${port}`;
  const issuer = config.trailingSlashIssuer ? `${origin}/` : origin;
  const clientId = config.clientId ?? 'app';
  const clientSecret = config.clientSecret ?? 'app-secret';
  const authMethod = config.authMethod ?? 'client_secret_basic';
  const grantTypes = ['authorization_code', 'refresh_token', ...(config.clientCredentials ? ['client_credentials'] : [])];
  const mainClient = {
    client_id: clientId,
    ...(authMethod === 'none' ? {} : { client_secret: clientSecret }),
    redirect_uris: config.redirectUris ?? [`http://127.0.0.1:${port + 1}/callback`],
    token_endpoint_auth_method: authMethod,
    grant_types: grantTypes,
    response_types: ['code'],
    scope: 'openid profile email offline_access api:read',
  };
  const resource = config.resource;
  const provider = new Provider(issuer, {
    clients: [mainClient, ...(config.extraClients ?? [])],
    ...(authMethod === 'client_secret_post' ? { clientAuthMethods: ['client_secret_post', 'none', 'private_key_jwt'] } : {}),
    async findAccount(_ctx, id) {
      return { accountId: id, async claims() { return { sub: id, email: `${id}@example.test`, name: `User ${id}` }; } };
    },
    claims: { openid: ['sub'], email: ['email'], profile: ['name'] },
    scopes: ['openid', 'offline_access', 'profile', 'email', 'api:read'],
    pkce: { required: () => !!config.pkceRequired },
    ttl: config.codeTtlSeconds ? { AuthorizationCode: config.codeTtlSeconds } : undefined,
    features: {
      devInteractions: { enabled: true },
      userinfo: { enabled: true },
      clientCredentials: { enabled: !!config.clientCredentials },
      registration: config.registration
        ? { enabled: true, initialAccessToken: config.registration === 'restricted' }
        : { enabled: false },
      requestObjects: { enabled: !!config.requestObjectsRequired, requireSignedRequestObject: !!config.requestObjectsRequired },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator) => {
          if (resource && indicator === resource) return { scope: 'api:read', audience: resource, accessTokenFormat: 'jwt', accessTokenTTL: 600 };
          throw new Error('unknown resource');
        },
      },
    },
    // Quiet, deterministic cookies for tests (oidc-provider warns about dev keys otherwise).
    cookies: { keys: ['test-cookie-key-0123456789'] },
  });
  // oidc-provider treats client_secret_basic and client_secret_post as one method. Servers such as
  // Auth0 or Okta enforce the registered method strictly; that behaviour is what a "post only"
  // configuration must show, so a Basic header for a post-only client is refused like they do.
  if (authMethod === 'client_secret_post') {
    provider.use(async (ctx, next) => {
      const auth = ctx.get('authorization');
      if (ctx.method === 'POST' && ctx.path === '/token' && /^Basic /i.test(auth)) {
        const id = decodeURIComponent(Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':')[0] ?? '');
        if (id === clientId) {
          ctx.status = 401;
          ctx.set('www-authenticate', 'Basic realm="token"');
          ctx.body = { error: 'invalid_client', error_description: 'client authentication failed: this client authenticates with client_secret_post' };
          return;
        }
      }
      await next();
    });
  }
  // Silence the expected per-request error logging of negative tests.
  provider.on('server_error', () => {});
  server.on('request', provider.callback());
  return {
    issuer,
    origin,
    port,
    provider,
    clientId,
    clientSecret,
    async close() {
      server.closeAllConnections?.();
      await new Promise((r) => server.close(r));
    },
  };
}

/**
 * A small protected resource (an MCP-style `/mcp` endpoint) in front of `issuer`.
 * @param {object} opts
 * @param {string} opts.issuer
 * @param {'healthy'|'open'|'no_www_authenticate'} [opts.mode]
 * @param {boolean} [opts.metadata]  publish RFC 9728 metadata (default true)
 * @returns {Promise<{ url: string, origin: string, resource: string, close(): Promise<void> }>}
 */
export async function startResourceServer(opts) {
  const mode = opts.mode ?? 'healthy';
  const server = http.createServer();
  server.listen(opts.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  const origin = `http://127.0.0.1:${port}`;
  const resource = `${origin}/mcp`;
  const metadataUrl = `${origin}/.well-known/oauth-protected-resource/mcp`;
  let jwks;
  const jwksFor = async () => {
    if (!jwks) {
      const meta = await (await fetch(new URL('/.well-known/openid-configuration', opts.issuer.replace(/\/$/, '') + '/'))).json();
      jwks = createRemoteJWKSet(new URL(meta.jwks_uri));
    }
    return jwks;
  };
  server.on('request', async (req, res) => {
    const url = new URL(req.url, origin);
    const json = (status, body, headers = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/.well-known/oauth-protected-resource/mcp' || url.pathname === '/.well-known/oauth-protected-resource') {
      if (opts.metadata === false) return json(404, { error: 'not_found' });
      return json(200, { resource, authorization_servers: [opts.issuer], scopes_supported: ['api:read'], bearer_methods_supported: ['header'] });
    }
    if (url.pathname === '/mcp') {
      if (mode === 'open') return json(200, { ok: true, tools: ['search'] });
      const auth = req.headers.authorization ?? '';
      const m = /^Bearer (.+)$/.exec(auth);
      const challenge = mode === 'no_www_authenticate' ? {} : { 'www-authenticate': `Bearer realm="mcp", resource_metadata="${metadataUrl}"` };
      if (!m) return json(401, { error: 'unauthorized' }, challenge);
      try {
        const { payload } = await jwtVerify(m[1], await jwksFor(), { issuer: opts.issuer, audience: resource });
        return json(200, { ok: true, sub: payload.sub, scope: payload.scope });
      } catch (e) {
        return json(401, { error: 'invalid_token', error_description: e.message }, mode === 'no_www_authenticate' ? {} : { 'www-authenticate': `Bearer error="invalid_token", resource_metadata="${metadataUrl}"` });
      }
    }
    json(404, { error: 'not_found' });
  });
  return {
    url: resource,
    origin,
    resource,
    async close() {
      server.closeAllConnections?.();
      await new Promise((r) => server.close(r));
    },
  };
}
