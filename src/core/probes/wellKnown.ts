/**
 * Where metadata lives. RFC 8414 and RFC 9728 insert the well-known segment between the host and
 * the path ("path-aware"); OpenID Connect Discovery appends it to the issuer. Servers in the wild
 * do either, so the probes try every form and report which one answered.
 */

export type MetadataSource = 'rfc8414' | 'oidc' | 'oidc_path_inserted';

export interface MetadataCandidate {
  url: string;
  source: MetadataSource;
}

/**
 * The URLs an authorization server's metadata may be at, in order of preference.
 * @example asMetadataCandidates('https://as.example/tenant')
 * // rfc8414 https://as.example/.well-known/oauth-authorization-server/tenant,
 * // oidc https://as.example/tenant/.well-known/openid-configuration,
 * // oidc_path_inserted https://as.example/.well-known/openid-configuration/tenant
 */
export function asMetadataCandidates(issuer: string): MetadataCandidate[] {
  const u = new URL(issuer);
  const path = u.pathname.replace(/\/+$/, '');
  const origin = u.origin;
  const out: MetadataCandidate[] = [
    { url: `${origin}/.well-known/oauth-authorization-server${path}`, source: 'rfc8414' },
    { url: `${origin}${path}/.well-known/openid-configuration`, source: 'oidc' },
  ];
  if (path) out.push({ url: `${origin}/.well-known/openid-configuration${path}`, source: 'oidc_path_inserted' });
  return out;
}

/**
 * RFC 9728 §3.1: the protected resource metadata URL for a resource, path-aware first, then the
 * host root (which many MCP servers use for every endpoint).
 */
export function protectedResourceMetadataCandidates(resource: string): string[] {
  const u = new URL(resource);
  const path = u.pathname.replace(/\/+$/, '');
  const root = `${u.origin}/.well-known/oauth-protected-resource`;
  return path ? [`${root}${path}`, root] : [root];
}

/** The MCP manifest some servers publish (seed 001). */
export function mcpManifestUrl(target: string): string {
  return `${new URL(target).origin}/.well-known/mcp/manifest.json`;
}

/** True for 127.0.0.0/8, ::1 and `localhost`: the only hosts where plain http is tolerable. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** True when a URL is served from a well-known metadata path (the user pasted the metadata URL itself). */
export function isWellKnownUrl(url: string): boolean {
  return /\/\.well-known\/(oauth-authorization-server|openid-configuration|oauth-protected-resource)/.test(new URL(url).pathname);
}

/**
 * Recovers the issuer from a pasted metadata URL, so `probe https://as/.well-known/openid-configuration`
 * works like `probe https://as`.
 */
export function issuerFromWellKnownUrl(url: string): string | undefined {
  const u = new URL(url);
  const m = /^(.*?)\/\.well-known\/(oauth-authorization-server|openid-configuration)(\/.*)?$/.exec(u.pathname);
  if (!m) return undefined;
  return `${u.origin}${m[1]}${m[3] ?? ''}`;
}
