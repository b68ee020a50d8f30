/**
 * A tolerant parser for `WWW-Authenticate` (RFC 9110 §11.6.1): several challenges, each a scheme
 * with either a token68 or comma-separated auth-params whose values may be quoted. Servers write
 * this header by hand more often than not, so malformed parts are skipped, never thrown on.
 */

export interface AuthChallenge {
  scheme: string;
  params: Record<string, string>;
  token68?: string;
}

/**
 * @example parseWwwAuthenticate('Bearer realm="mcp", resource_metadata="https://r/.well-known/oauth-protected-resource"')
 * // [{ scheme: 'Bearer', params: { realm: 'mcp', resource_metadata: 'https://r/…' } }]
 */
export function parseWwwAuthenticate(header: string | undefined): AuthChallenge[] {
  if (!header) return [];
  const out: AuthChallenge[] = [];
  let i = 0;
  const s = header.slice(0, 8192);
  let current: AuthChallenge | undefined;
  const skipWs = (): void => {
    while (i < s.length && /[\s,]/.test(s[i] ?? '')) i++;
  };
  while (i < s.length) {
    skipWs();
    const tokenMatch = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/.exec(s.slice(i));
    if (!tokenMatch) {
      i++;
      continue;
    }
    const token = tokenMatch[0];
    i += token.length;
    let j = i;
    while (j < s.length && s[j] === ' ') j++;
    if (s[j] === '=' && current && !/^=+\s*(,|$)/.test(s.slice(j))) {
      // auth-param: name=value or name="quoted value"
      i = j + 1;
      while (i < s.length && s[i] === ' ') i++;
      let value = '';
      if (s[i] === '"') {
        i++;
        while (i < s.length && s[i] !== '"') {
          if (s[i] === '\\' && i + 1 < s.length) i++;
          value += s[i];
          i++;
        }
        i++;
      } else {
        const m = /^[^,\s]*/.exec(s.slice(i));
        value = m ? m[0] : '';
        i += value.length;
      }
      current.params[token.toLowerCase()] = value;
    } else {
      current = { scheme: token, params: {} };
      out.push(current);
      // token68 right after the scheme (e.g. `Basic dXNlcg==`)
      const rest = s.slice(j);
      const t68 = /^([A-Za-z0-9._~+/-]+=*)\s*(,|$)/.exec(rest);
      if (j > i && t68 && !/^[A-Za-z0-9._~+/-]+\s*=\s*[^=,\s]/.test(rest)) {
        current.token68 = t68[1];
        i = j + t68[0].length;
      }
    }
  }
  return out;
}

/** The Bearer challenge, if any (scheme names are case-insensitive). */
export function bearerChallenge(header: string | undefined): AuthChallenge | undefined {
  return parseWwwAuthenticate(header).find((c) => c.scheme.toLowerCase() === 'bearer');
}
