/**
 * Redirect URI comparison. Authorization servers compare `redirect_uri` as a plain string
 * (RFC 6749 §3.1.2.3 / §4.1.3, OAuth 2.1 "exact string matching"), so two URIs that a browser
 * would treat as the same endpoint still fail. This module names the exact difference and the
 * character ranges to highlight, so the user sees *where* the two values part ways.
 *
 * Pure and total: any string (garbage, custom schemes such as `com.example.app:/cb`, relative
 * references, huge values) yields a result, never an exception.
 */
import { redact } from '../redact/redact';

export type RedirectDiffKind =
  | 'trailing_slash'
  | 'scheme'
  | 'host'
  | 'port'
  | 'path'
  | 'query'
  | 'fragment'
  | 'case'
  | 'encoding'
  | 'not_registered';

export interface RedirectUriComparison {
  equal: boolean;
  kind?: RedirectDiffKind;
  /** One plain-language sentence (values redacted). */
  detail: string;
  /** Half-open `[start, end)` character range of the differing part in `expected` (empty = insertion point). */
  expectedRange?: [number, number];
  /** Half-open `[start, end)` character range of the differing part in `actual`. */
  actualRange?: [number, number];
  /** For `not_registered`: the registered URI closest to `actual`. */
  closest?: string;
  /** For `not_registered`: how `actual` differs from `closest`. */
  closestKind?: RedirectDiffKind;
}

/** A URI split per RFC 3986 appendix B, with the character span of every component. */
interface UriParts {
  raw: string;
  scheme?: Span;
  /** Whole authority (userinfo@host:port), without the leading `//`. */
  authority?: Span;
  host?: Span;
  /** The port digits (without `:`). */
  port?: Span;
  path: Span;
  /** Query without `?`. */
  query?: Span;
  /** Fragment without `#`. */
  fragment?: Span;
}

interface Span {
  start: number;
  end: number;
  text: string;
}

const URI_RE = /^(?:([^:/?#]+):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/ds;
const DEFAULT_PORTS: Record<string, string> = { http: '80', https: '443', ws: '80', wss: '443' };
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
/** Values are shown inside details; longer ones are cut so a hostile value cannot flood the UI. */
const MAX_SHOWN = 200;
/** Longest pair that gets an edit distance when looking for the closest registered URI. */
const MAX_DISTANCE_CHARS = 2048;

/**
 * Compares the redirect_uri one step used (`expected`, e.g. the authorize request or the
 * registration) with the one another step used (`actual`, e.g. the token request).
 *
 * @example compareRedirectUris('https://a.example/cb', 'https://a.example/cb/')
 *   // { equal: false, kind: 'trailing_slash', expectedRange: [20, 20], actualRange: [20, 21], ... }
 */
export function compareRedirectUris(expected: string, actual: string): RedirectUriComparison {
  const exp = typeof expected === 'string' ? expected : String(expected ?? '');
  const act = typeof actual === 'string' ? actual : String(actual ?? '');
  if (exp === act) return { equal: true, detail: 'The redirect URIs are identical.' };
  if (exp.length === 0 || act.length === 0) {
    const which = exp.length === 0 ? 'first' : 'second';
    return {
      equal: false,
      kind: 'path',
      detail: `The ${which} redirect_uri is empty while the other is ${show(exp || act)}; the parameter was dropped or never sent.`,
      expectedRange: [0, exp.length],
      actualRange: [0, act.length],
    };
  }

  const ws = whitespaceNote(exp, act);
  const a = parseUri(exp);
  const b = parseUri(act);

  // Whole-value checks first: they explain differences that cut across components.
  const decodedA = decodeFully(exp);
  const decodedB = decodeFully(act);
  if (decodedA === decodedB) {
    const [ra, rb] = diffRanges(exp, act);
    return {
      equal: false,
      kind: 'encoding',
      detail: encodingDetail(exp, act) + ws,
      expectedRange: ra,
      actualRange: rb,
    };
  }

  const component = firstDifferentComponent(a, b);
  const result = describeComponent(component, a, b);
  result.detail += ws;
  return result;
}

/**
 * Checks `actual` against the client's registered redirect URIs. An exact match is equal;
 * otherwise the result is `not_registered`, naming the closest registered URI and how it differs.
 *
 * @example matchRegisteredRedirect(['https://a.example/cb'], 'http://a.example/cb')
 *   // { equal: false, kind: 'not_registered', closest: 'https://a.example/cb', closestKind: 'scheme', ... }
 */
export function matchRegisteredRedirect(registered: string[], actual: string): RedirectUriComparison {
  const list = Array.isArray(registered) ? registered.filter((r): r is string => typeof r === 'string') : [];
  const act = typeof actual === 'string' ? actual : String(actual ?? '');
  if (list.includes(act)) return { equal: true, detail: `${show(act)} is registered for this client.` };
  if (list.length === 0) {
    return {
      equal: false,
      kind: 'not_registered',
      detail: `${show(act)} is not registered: the client has no registered redirect URIs.`,
      actualRange: [0, act.length],
    };
  }

  // Rank by the kind of difference first (a trailing slash beats another host); the edit
  // distance, the expensive part, only breaks ties among the best-ranked candidates.
  const compared = list.map((uri) => ({ uri, cmp: compareRedirectUris(uri, act) }));
  const bestWeight = Math.min(...compared.map((c) => kindWeight(c.cmp.kind)));
  let b = { ...(compared[0] as { uri: string; cmp: RedirectUriComparison }), distance: Number.POSITIVE_INFINITY };
  for (const c of compared) {
    if (kindWeight(c.cmp.kind) !== bestWeight) continue;
    const distance = editDistance(c.uri, act, b.distance);
    if (distance < b.distance) b = { ...c, distance };
  }
  const loopbackHint = b.cmp.kind === 'port' && isLoopbackUri(b.uri) && isLoopbackUri(act)
    ? ' For loopback redirect URIs RFC 8252 §7.3 asks the server to accept any port; this server does not.'
    : '';
  return {
    equal: false,
    kind: 'not_registered',
    detail: `${show(act)} is not registered for this client. Closest registered URI: ${show(b.uri)} – ${lowerFirst(b.cmp.detail)}${loopbackHint}`,
    expectedRange: b.cmp.expectedRange,
    actualRange: b.cmp.actualRange,
    closest: b.uri,
    closestKind: b.cmp.kind,
  };
}

// ---------------------------------------------------------------------------------------------
// Parsing

function parseUri(raw: string): UriParts {
  const m = URI_RE.exec(raw);
  // The expression matches every string (all groups optional, `s` flag); the fallback is defensive.
  if (!m || !m.indices) return { raw, path: { start: 0, end: raw.length, text: raw } };
  const idx = m.indices;
  const span = (i: number): Span | undefined => {
    const r = idx[i];
    return r && m[i] !== undefined ? { start: r[0], end: r[1], text: m[i] as string } : undefined;
  };
  const parts: UriParts = {
    raw,
    scheme: span(1),
    authority: span(2),
    path: span(3) ?? { start: raw.length, end: raw.length, text: '' },
    query: span(4),
    fragment: span(5),
  };
  if (parts.authority) {
    const auth = parts.authority;
    const at = auth.text.lastIndexOf('@');
    const hostStart = at >= 0 ? at + 1 : 0;
    const rest = auth.text.slice(hostStart);
    let hostLen = rest.length;
    if (rest.startsWith('[')) {
      const close = rest.indexOf(']');
      hostLen = close >= 0 ? close + 1 : rest.length;
    } else {
      const colon = rest.lastIndexOf(':');
      if (colon >= 0) hostLen = colon;
    }
    parts.host = { start: auth.start + hostStart, end: auth.start + hostStart + hostLen, text: rest.slice(0, hostLen) };
    const afterHost = rest.slice(hostLen);
    if (afterHost.startsWith(':')) {
      const p = afterHost.slice(1);
      parts.port = { start: parts.host.end + 1, end: parts.host.end + 1 + p.length, text: p };
    }
  }
  return parts;
}

type Component = 'scheme' | 'authority' | 'host' | 'port' | 'path' | 'query' | 'fragment' | 'none';

function firstDifferentComponent(a: UriParts, b: UriParts): Component {
  if ((a.scheme?.text ?? '') !== (b.scheme?.text ?? '')) return 'scheme';
  if ((a.authority === undefined) !== (b.authority === undefined)) return 'authority';
  if ((a.host?.text ?? '') !== (b.host?.text ?? '')) return 'host';
  if ((a.port?.text ?? '') !== (b.port?.text ?? '')) return 'port';
  if ((a.authority?.text ?? '') !== (b.authority?.text ?? '')) return 'authority';
  if (a.path.text !== b.path.text) return 'path';
  if ((a.query?.text ?? null) !== (b.query?.text ?? null)) return 'query';
  if ((a.fragment?.text ?? null) !== (b.fragment?.text ?? null)) return 'fragment';
  return 'none';
}

// ---------------------------------------------------------------------------------------------
// Describing the first difference

function describeComponent(c: Component, a: UriParts, b: UriParts): RedirectUriComparison {
  switch (c) {
    case 'scheme': {
      const sa = a.scheme?.text ?? '';
      const sb = b.scheme?.text ?? '';
      const ra = spanRange(a.scheme, 0);
      const rb = spanRange(b.scheme, 0);
      if (sa.toLowerCase() === sb.toLowerCase()) {
        return diff('case', `The schemes differ only in letter case (${show(sa)} vs ${show(sb)}); the server compares redirect_uri as a plain string, so the case must match too.`, ra, rb);
      }
      if (!sa || !sb) {
        const missing = !sa ? 'first' : 'second';
        return diff('scheme', `The ${missing} redirect_uri has no scheme (it is not an absolute URI); the other uses ${show(sa || sb)}:.`, ra, rb);
      }
      const httpNote = new Set([sa.toLowerCase(), sb.toLowerCase()]).has('http') && new Set([sa.toLowerCase(), sb.toLowerCase()]).has('https')
        ? ' – often a proxy or load balancer that terminates TLS, so the app builds http:// URLs'
        : '';
      return diff('scheme', `The schemes differ: ${show(sa)} vs ${show(sb)}${httpNote}.`, ra, rb);
    }
    case 'authority': {
      const ra = spanRange(a.authority, a.scheme ? a.scheme.end + 1 : 0);
      const rb = spanRange(b.authority, b.scheme ? b.scheme.end + 1 : 0);
      if (!a.authority || !b.authority) {
        const withA = a.authority ? 'first' : 'second';
        return diff('host', `Only the ${withA} redirect_uri has an authority ("//host") part: ${show((a.authority ?? b.authority)?.text ?? '')}. For custom schemes check "scheme:/path" vs "scheme://path".`, ra, rb);
      }
      return diff('host', `The user-info parts before the host differ: ${show(a.authority.text)} vs ${show(b.authority.text)}.`, ra, rb);
    }
    case 'host': {
      const ha = a.host?.text ?? '';
      const hb = b.host?.text ?? '';
      const ra = spanRange(a.host, 0);
      const rb = spanRange(b.host, 0);
      if (ha.toLowerCase() === hb.toLowerCase()) {
        return diff('case', `The hosts differ only in letter case (${show(ha)} vs ${show(hb)}); DNS ignores case but the redirect_uri comparison does not.`, ra, rb);
      }
      const la = LOOPBACK.has(ha.toLowerCase());
      const lb = LOOPBACK.has(hb.toLowerCase());
      if (la && lb) {
        return diff('host', `Both hosts are the loopback interface but written differently (${show(ha)} vs ${show(hb)}); the server treats them as different URIs. Use one spelling everywhere (RFC 8252 §7.3 recommends 127.0.0.1 over localhost).`, ra, rb);
      }
      if (stripTrailingDot(ha).toLowerCase() === stripTrailingDot(hb).toLowerCase()) {
        return diff('host', `The hosts differ by a trailing dot (${show(ha)} vs ${show(hb)}).`, ra, rb);
      }
      return diff('host', `The hosts differ: ${show(ha)} vs ${show(hb)}.`, ra, rb);
    }
    case 'port': {
      const scheme = (a.scheme?.text ?? b.scheme?.text ?? '').toLowerCase();
      const pa = a.port?.text;
      const pb = b.port?.text;
      const def = DEFAULT_PORTS[scheme];
      // Implicit port: highlight the (empty) insertion point right after the host.
      const ra: [number, number] = a.port ? [a.port.start - 1, a.port.end] : [a.host?.end ?? 0, a.host?.end ?? 0];
      const rb: [number, number] = b.port ? [b.port.start - 1, b.port.end] : [b.host?.end ?? 0, b.host?.end ?? 0];
      const ea = pa || def;
      const eb = pb || def;
      if (ea !== undefined && ea === eb) {
        const explicit = pa ? 'first' : 'second';
        return diff('port', `The ${explicit} redirect_uri writes the default port :${def} explicitly and the other leaves it out; it is the same endpoint, but a string comparison fails. Drop ":${def}" (or add it) so both match.`, ra, rb);
      }
      if (pa === '' || pb === '') {
        return diff('port', `One redirect_uri has an empty port (a bare ":" after the host): ${show(pa === '' ? a.raw : b.raw)}.`, ra, rb);
      }
      return diff('port', `The ports differ: ${pa ? ':' + pa : `none (default${def ? ' ' + def : ''})`} vs ${pb ? ':' + pb : `none (default${def ? ' ' + def : ''})`}.`, ra, rb);
    }
    case 'path':
      return describePath(a, b);
    case 'query':
      return describeQuery(a, b);
    case 'fragment': {
      const ra = a.fragment ? [a.fragment.start - 1, a.fragment.end] as [number, number] : [a.raw.length, a.raw.length] as [number, number];
      const rb = b.fragment ? [b.fragment.start - 1, b.fragment.end] as [number, number] : [b.raw.length, b.raw.length] as [number, number];
      return diff('fragment', `The fragments differ (${show(a.fragment ? '#' + a.fragment.text : 'none')} vs ${show(b.fragment ? '#' + b.fragment.text : 'none')}); a redirect_uri must not contain a fragment at all (RFC 6749 §3.1.2).`, ra, rb);
    }
    case 'none':
    default: {
      // Same components but different strings: only possible with odd input; fall back to a character diff.
      const [ra, rb] = diffRanges(a.raw, b.raw);
      return diff('path', 'The redirect URIs differ.', ra, rb);
    }
  }
}

function describePath(a: UriParts, b: UriParts): RedirectUriComparison {
  const pa = a.path.text;
  const pb = b.path.text;
  const [la, lb] = diffRanges(pa, pb);
  const ra: [number, number] = [a.path.start + la[0], a.path.start + la[1]];
  const rb: [number, number] = [b.path.start + lb[0], b.path.start + lb[1]];
  const trimSlash = (s: string): string => s.replace(/\/+$/, '');
  if (trimSlash(pa) === trimSlash(pb)) {
    const longer = pa.length > pb.length ? 'first' : 'second';
    return diff('trailing_slash', `The paths differ only by a trailing slash: the ${longer} ends with "/" (${show(pa || '(empty)')} vs ${show(pb || '(empty)')}). The server compares byte for byte, so remove or add the slash so both match.`, ra, rb);
  }
  if (trimSlash(pa).toLowerCase() === trimSlash(pb).toLowerCase()) {
    const slash = trimSlash(pa) !== pa || trimSlash(pb) !== pb ? ' (and a trailing slash)' : '';
    return diff('case', `The paths differ only in letter case${slash}: ${show(pa)} vs ${show(pb)}; paths are case-sensitive.`, ra, rb);
  }
  if (decodeFully(pa) === decodeFully(pb)) {
    return diff('encoding', `The paths differ only in percent-encoding: ${show(pa)} vs ${show(pb)}.`, ra, rb);
  }
  return diff('path', `The paths differ: ${show(pa || '(empty)')} vs ${show(pb || '(empty)')}.`, ra, rb);
}

function describeQuery(a: UriParts, b: UriParts): RedirectUriComparison {
  const qa = a.query?.text;
  const qb = b.query?.text;
  const ra: [number, number] = a.query ? [a.query.start - 1, a.query.end] : [a.path.end, a.path.end];
  const rb: [number, number] = b.query ? [b.query.start - 1, b.query.end] : [b.path.end, b.path.end];
  if (qa === undefined || qb === undefined) {
    const has = qa !== undefined ? 'first' : 'second';
    const q = (qa ?? qb) as string;
    const empty = q === '' ? ' (an empty "?")' : '';
    return diff('query', `Only the ${has} redirect_uri has a query string${empty}: ${show('?' + q)}. Register and send the URI without query parameters, or with exactly the same ones.`, ra, rb);
  }
  const [la, lb] = diffRanges(qa, qb);
  const ia: [number, number] = [(a.query as Span).start + la[0], (a.query as Span).start + la[1]];
  const ib: [number, number] = [(b.query as Span).start + lb[0], (b.query as Span).start + lb[1]];
  const sorted = (q: string): string => q.split('&').sort().join('&');
  if (sorted(qa) === sorted(qb)) {
    return diff('query', 'The query strings hold the same parameters in a different order; the server compares the whole string, so the order must match too.', ra, rb);
  }
  if (qa.toLowerCase() === qb.toLowerCase()) {
    return diff('case', `The query strings differ only in letter case: ${show('?' + qa)} vs ${show('?' + qb)}.`, ia, ib);
  }
  if (decodeFully(qa.replace(/\+/g, ' ')) === decodeFully(qb.replace(/\+/g, ' '))) {
    return diff('encoding', `The query strings differ only in encoding ("+" vs "%20" or percent-encoding): ${show('?' + qa)} vs ${show('?' + qb)}.`, ia, ib);
  }
  return diff('query', `The query strings differ: ${show('?' + qa)} vs ${show('?' + qb)}.`, ia, ib);
}

function encodingDetail(a: string, b: string): string {
  const once = (s: string): string => decodeOnce(s);
  if (once(a) === b || once(b) === a) {
    const more = once(a) === b ? 'first' : 'second';
    if (/%25[0-9A-Fa-f]{2}/.test(more === 'first' ? a : b)) {
      return `The ${more} redirect_uri is double-encoded ("%25" where the other has "%"): it was percent-encoded once more than the other. Encode the value exactly once when building the request.`;
    }
    return `The ${more} redirect_uri is percent-encoded and the other is not (${show(a)} vs ${show(b)}); the value was encoded once too often or decoded once too few times.`;
  }
  if (a.toLowerCase() === b.toLowerCase()) {
    return 'The redirect URIs differ only in the letter case of percent-escapes (e.g. "%2f" vs "%2F"); a string comparison treats them as different.';
  }
  return `The redirect URIs decode to the same text but are percent-encoded differently (${show(a)} vs ${show(b)}).`;
}

function whitespaceNote(a: string, b: string): string {
  const edge = (s: string): boolean => s !== s.trim() || /[\u200B-\u200D\uFEFF]/.test(s);
  if (edge(a) === edge(b)) return '';
  return ` Note: the ${edge(a) ? 'first' : 'second'} value has leading/trailing whitespace or invisible characters (copy/paste or a config file with a newline).`;
}

// ---------------------------------------------------------------------------------------------
// Helpers

function diff(kind: RedirectDiffKind, detail: string, expectedRange: [number, number], actualRange: [number, number]): RedirectUriComparison {
  return { equal: false, kind, detail, expectedRange, actualRange };
}

function spanRange(span: Span | undefined, fallback: number): [number, number] {
  return span ? [span.start, span.end] : [fallback, fallback];
}

/** The differing middle of two strings once their common prefix and suffix are removed. */
function diffRanges(a: string, b: string): [[number, number], [number, number]] {
  let p = 0;
  const max = Math.min(a.length, b.length);
  while (p < max && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  let s = 0;
  while (s < max - p && a.charCodeAt(a.length - 1 - s) === b.charCodeAt(b.length - 1 - s)) s++;
  return [[p, a.length - s], [p, b.length - s]];
}

/** Decodes `%XX` escapes once; invalid sequences stay as written (never throws). */
function decodeOnce(s: string): string {
  if (!s.includes('%')) return s;
  return s.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    const bytes = Buffer.from(run.replace(/%/g, ''), 'hex');
    const text = bytes.toString('utf8');
    // Keep the escapes when the bytes are not valid UTF-8, rather than inventing U+FFFD.
    return text.includes('\uFFFD') && !run.toUpperCase().includes('EFBFBD') ? run.toUpperCase() : text;
  });
}

/** Decodes until stable (double and triple encoding included), bounded. */
function decodeFully(s: string): string {
  let cur = s;
  for (let i = 0; i < 5; i++) {
    const next = decodeOnce(cur);
    if (next === cur) break;
    cur = next;
  }
  return cur;
}

function stripTrailingDot(h: string): string {
  return h.endsWith('.') ? h.slice(0, -1) : h;
}

function isLoopbackUri(u: string): boolean {
  const host = parseUri(u).host?.text.toLowerCase();
  return host !== undefined && LOOPBACK.has(host);
}

/** Lower is closer: small, well-understood differences beat big ones. */
function kindWeight(kind: RedirectDiffKind | undefined): number {
  switch (kind) {
    case 'trailing_slash': case 'case': case 'encoding': return 0;
    case 'port': case 'fragment': return 1;
    case 'query': case 'scheme': return 2;
    case 'host': case 'path': return 3;
    default: return 9;
  }
}

/** Levenshtein distance with two typed rows; stops early once every cell exceeds `bound`. */
function editDistance(a: string, b: string, bound = Number.POSITIVE_INFINITY): number {
  if (a.length > MAX_DISTANCE_CHARS || b.length > MAX_DISTANCE_CHARS) return Math.abs(a.length - b.length) + MAX_DISTANCE_CHARS;
  let prev = new Uint32Array(b.length + 1);
  let cur = new Uint32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const cost = ca === b.charCodeAt(j - 1) ? 0 : 1;
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > bound) return rowMin;
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

function show(s: string): string {
  const cut = s.length > MAX_SHOWN ? s.slice(0, MAX_SHOWN) + '…' : s;
  return `"${redact(cut).replace(/[\r\n\t]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t'))}"`;
}

function lowerFirst(s: string): string {
  return s.length ? s[0]!.toLowerCase() + s.slice(1) : s;
}
