/**
 * The six token-exchange "flavors" of client authentication (seed 003, error-catalog.md), how to
 * build each request, and what a set of answers to a deliberately invalid code means:
 * `invalid_grant` says the client authenticated and only the code was bad; `invalid_client` / 401
 * says it did not. Pure: request building and judging, no I/O.
 */
import type { ProbeProblem } from './probeReport';
import type { OAuthErrorAnswer } from './metadataChecks';

export interface ClientAuthFlavor {
  n: 1 | 2 | 3 | 4 | 5 | 6;
  credentials: 'basic_urlencoded' | 'body' | 'basic_raw';
  body: 'form' | 'json';
  /** The RFC 7591 name of the method the flavor exercises. */
  method: 'client_secret_basic' | 'client_secret_post';
  label: string;
}

export const CLIENT_AUTH_FLAVORS: readonly ClientAuthFlavor[] = [
  { n: 1, credentials: 'basic_urlencoded', body: 'form', method: 'client_secret_basic', label: 'Basic header (URL-encoded, then base64), form body' },
  { n: 2, credentials: 'basic_urlencoded', body: 'json', method: 'client_secret_basic', label: 'Basic header (URL-encoded, then base64), JSON body' },
  { n: 3, credentials: 'body', body: 'form', method: 'client_secret_post', label: 'credentials in the form body (client_secret_post)' },
  { n: 4, credentials: 'body', body: 'json', method: 'client_secret_post', label: 'credentials in a JSON body' },
  { n: 5, credentials: 'basic_raw', body: 'form', method: 'client_secret_basic', label: 'Basic header (base64 without URL-encoding), form body' },
  { n: 6, credentials: 'basic_raw', body: 'json', method: 'client_secret_basic', label: 'Basic header (base64 without URL-encoding), JSON body' },
];

/** RFC 6749 §2.3.1: client id and secret are form-urlencoded before they are joined and base64-encoded. */
export function formUrlEncode(s: string): string {
  return new URLSearchParams([['x', s]]).toString().slice(2);
}

/** True when URL-encoding changes the credentials, i.e. when flavors 5/6 differ from 1/2 on the wire. */
export function encodingMatters(clientId: string, clientSecret: string): boolean {
  return formUrlEncode(clientId) !== clientId || formUrlEncode(clientSecret) !== clientSecret;
}

export interface BuiltRequest {
  headers: Record<string, string>;
  body: string;
}

/** Builds the token request of one flavor; `params` holds grant_type, code, redirect_uri, … */
export function buildFlavorRequest(f: ClientAuthFlavor, clientId: string, clientSecret: string, params: Record<string, string>): BuiltRequest {
  const headers: Record<string, string> = {};
  const fields: Record<string, string> = { ...params };
  if (f.credentials === 'body') {
    fields.client_id = clientId;
    fields.client_secret = clientSecret;
  } else {
    const raw = f.credentials === 'basic_urlencoded' ? `${formUrlEncode(clientId)}:${formUrlEncode(clientSecret)}` : `${clientId}:${clientSecret}`;
    headers.authorization = `Basic ${Buffer.from(raw, 'utf8').toString('base64')}`;
  }
  if (f.body === 'json') {
    headers['content-type'] = 'application/json';
    return { headers, body: JSON.stringify(fields) };
  }
  headers['content-type'] = 'application/x-www-form-urlencoded';
  return { headers, body: new URLSearchParams(fields).toString() };
}

export type FlavorVerdict = 'authenticated' | 'client_rejected' | 'body_rejected' | 'server_error' | 'inconclusive' | 'network_error';

/** Reads one answer to an exchange of a deliberately invalid code. */
export function judgeFlavorAnswer(status: number | undefined, answer: OAuthErrorAnswer, body: 'form' | 'json'): FlavorVerdict {
  if (status === undefined) return 'network_error';
  const e = answer.error;
  if (e === 'invalid_grant' || e === 'unauthorized_client' || e === 'invalid_scope' || e === 'invalid_target') return 'authenticated';
  if (e === 'invalid_client' || status === 401) return 'client_rejected';
  if (status === 415 || (body === 'json' && (e === 'invalid_request' || (status === 400 && !e)))) return 'body_rejected';
  if (status >= 500 || e === 'server_error' || e === 'temporarily_unavailable') return 'server_error';
  return 'inconclusive';
}

export interface FlavorResult {
  flavor: ClientAuthFlavor;
  verdict: FlavorVerdict;
  status?: number;
  error?: string;
  description?: string;
  /** Not sent because it would be byte-identical to another flavor (no characters to encode). */
  skipped?: boolean;
}

export interface ClientAuthEvaluation {
  /** RFC 7591 method names that authenticated, e.g. ['client_secret_post']. */
  workingMethods: string[];
  /** Flavor numbers that authenticated. */
  workingFlavors: number[];
  /** The flavor the live flow should use: the first that worked. */
  preferred?: ClientAuthFlavor;
  problems: ProbeProblem[];
  summary: string;
}

/**
 * Turns the six answers into findings.
 * @example evaluateClientAuth([...flavor 1 → client_rejected, flavor 3 → authenticated…], { advertised: ['client_secret_basic'] })
 * // problems: client_auth_method_mismatch ("accepts client_secret_post, not the Basic header")
 */
export function evaluateClientAuth(results: FlavorResult[], ctx: { advertised?: unknown; clientId: string; encodingMatters: boolean }): ClientAuthEvaluation {
  const sent = results.filter((r) => !r.skipped);
  const ok = sent.filter((r) => r.verdict === 'authenticated');
  const byN = new Map(results.map((r) => [r.flavor.n, r]));
  const problems: ProbeProblem[] = [];
  const workingFlavors = ok.map((r) => r.flavor.n);
  const workingMethods = [...new Set(ok.map((r) => r.flavor.method))];
  const advertised = Array.isArray(ctx.advertised) ? ctx.advertised.filter((x): x is string => typeof x === 'string') : undefined;
  const data = { results: results.map((r) => ({ flavor: r.flavor.n, label: r.flavor.label, verdict: r.skipped ? 'same_as_1_or_2' : r.verdict, status: r.status, error: r.error })) };

  if (ok.length === 0) {
    if (sent.length && sent.every((r) => r.verdict === 'client_rejected' || r.verdict === 'body_rejected') && sent.some((r) => r.verdict === 'client_rejected')) {
      const ws = ctx.clientId !== ctx.clientId.trim() || /[\u200b-\u200d\ufeff\u00a0]/.test(ctx.clientId);
      problems.push(ws
        ? { id: 'client_id_whitespace', severity: 'error', detail: 'the client_id has leading/trailing whitespace or invisible characters, and every flavor was rejected with invalid_client', data }
        : { id: 'invalid_client', severity: 'error', detail: `the token endpoint rejected the client in all ${sent.length} flavors tried: the client id or secret is wrong, revoked, or from another environment`, data });
    } else if (sent.some((r) => r.verdict === 'server_error')) {
      const r = sent.find((x) => x.verdict === 'server_error');
      problems.push({ id: 'server_error', severity: 'error', detail: `the token endpoint failed (${r?.status ?? ''} ${r?.error ?? ''}) instead of judging the client`, data });
    }
    return { workingMethods, workingFlavors, problems, summary: `no flavor authenticated (${sent.map((r) => `#${r.flavor.n} ${r.verdict}`).join(', ')})` };
  }

  const f1 = byN.get(1);
  if (f1 && !f1.skipped && f1.verdict !== 'authenticated') {
    const alt = ok[0]?.flavor ?? f1.flavor;
    problems.push({
      id: 'client_auth_method_mismatch',
      severity: 'warning',
      detail: `the AS rejects flavor 1 (${f1.flavor.label}, the default of most OAuth libraries) but accepts flavor ${alt.n} (${alt.label}); configure the client with token_endpoint_auth_method=${alt.method}${alt.body === 'json' ? ' and a JSON body' : ''}`,
      data: { ...data, accepted: workingMethods },
    });
  }
  // The advertised list is server-wide (a client may be bound to one method), so only a working
  // method the server does not advertise at all is a contradiction worth reporting.
  const unadvertised = advertised ? workingMethods.filter((m) => !advertised.includes(m)) : [];
  if (advertised && unadvertised.length) {
    problems.push({ id: 'client_auth_method_mismatch', severity: 'warning', detail: `the AS accepts ${unadvertised.join(', ')} but token_endpoint_auth_methods_supported advertises only ${advertised.join(', ') || 'nothing'}: clients that trust the metadata choose a method that fails`, data: { ...data, advertised } });
  }
  if (ctx.encodingMatters) {
    const f5 = byN.get(5);
    if (f1 && f5 && !f1.skipped && !f5.skipped) {
      if (f1.verdict === 'client_rejected' && f5.verdict === 'authenticated') {
        problems.push({ id: 'client_secret_encoding', severity: 'error', detail: 'the AS only accepts the Basic credentials base64-encoded WITHOUT URL-encoding them first (contrary to RFC 6749 §2.3.1); the secret has characters URL-encoding changes', data });
      } else if (f1.verdict === 'authenticated' && f5.verdict === 'client_rejected') {
        problems.push({ id: 'client_secret_encoding', severity: 'warning', detail: 'the secret has characters that URL-encoding changes and the AS requires them URL-encoded before base64 (RFC 6749 §2.3.1): clients that base64 the raw secret get invalid_client', data });
      }
    }
  }
  return {
    workingMethods,
    workingFlavors,
    preferred: ok[0]?.flavor,
    problems,
    summary: `accepted: ${ok.map((r) => `#${r.flavor.n} ${r.flavor.label}`).join('; ')}`,
  };
}
