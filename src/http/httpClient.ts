/**
 * The one HTTP client of the probes and the live flow. It exists because `fetch` alone gives none of
 * the guarantees a diagnostic tool pointed at a possibly hostile server needs:
 * - a total deadline (slow-loris servers that drip one byte a second are cut off, not just idle ones),
 * - a response size cap (the body is streamed and the socket destroyed beyond it),
 * - redirects are never followed: a 3xx is returned and recorded like any other answer,
 * - TLS is always verified; an optional CA file adds to (never replaces) the system roots,
 * - every exchange is recorded as an `HttpExchange`, redacted, so the UI can show it and "copy as curl".
 * It never throws for network trouble: the outcome carries a typed `error` instead.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import * as tls from 'node:tls';
import { readFileSync } from 'node:fs';
import type { HttpExchange } from '../core/model';
import { redactExchange } from '../core/probes/exchangeRedaction';

/** Defaults documented in the README and package.json settings. */
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_BYTES = 1024 * 1024;

export type HttpErrorCode =
  | 'timeout'
  | 'tls'
  | 'refused'
  | 'dns'
  | 'too_large'
  | 'aborted'
  | 'invalid_url'
  | 'unsupported_scheme'
  | 'network';

export interface HttpError {
  code: HttpErrorCode;
  /** A sentence for humans, naming the host and what to do. */
  message: string;
}

export interface HttpRequest {
  method?: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** Overrides the client's timeout for this request. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * Stop after the status line and headers. For endpoints that may stream forever when unprotected
   * (an MCP `/sse` answering 200 without a token): the status is all the probe needs.
   */
  headersOnly?: boolean;
}

export interface HttpOutcome {
  /** The redacted record of the exchange (always present, also on failure). */
  exchange: HttpExchange;
  status?: number;
  /** Lower-case header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The raw (unredacted) body, up to the size cap. Never log it: use `exchange.responseBody`. */
  body: string;
  error?: HttpError;
}

export interface HttpClientOptions {
  timeoutMs?: number;
  maxBytes?: number;
  /** A PEM file with extra CA certificates (e.g. a company CA); added to the system roots. */
  caFile?: string;
  /** PEM text, for callers that already read the file. */
  caPem?: string;
  userAgent?: string;
}

/** The port the probes depend on, so tests and the host can substitute it. */
export interface HttpPort {
  request(req: HttpRequest): Promise<HttpOutcome>;
}

/** Creates the client. Reading the CA file happens here so a bad path fails once, clearly. */
export class HttpClient implements HttpPort {
  readonly timeoutMs: number;
  readonly maxBytes: number;
  private readonly ca?: string[];
  private readonly userAgent: string;

  constructor(opts: HttpClientOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
    this.userAgent = opts.userAgent ?? 'oauth-flow-debugger';
    let extra = opts.caPem;
    if (opts.caFile) {
      try {
        extra = readFileSync(opts.caFile, 'utf8');
      } catch (e) {
        throw new Error(`cannot read the CA file ${opts.caFile}: ${(e as Error).message}`);
      }
      if (!extra.includes('-----BEGIN CERTIFICATE-----')) {
        throw new Error(`the CA file ${opts.caFile} holds no PEM certificate`);
      }
    }
    if (extra) this.ca = [...tls.rootCertificates, extra];
  }

  request(req: HttpRequest): Promise<HttpOutcome> {
    const started = Date.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const headers: Record<string, string> = { 'user-agent': this.userAgent, accept: 'application/json', ...lowerKeys(req.headers ?? {}) };
    if (req.body !== undefined) headers['content-length'] = String(Buffer.byteLength(req.body));
    const record = (partial: Partial<HttpExchange>): HttpExchange =>
      redactExchange({ method, url: req.url, requestHeaders: headers, requestBody: req.body, durationMs: Date.now() - started, ...partial });
    const fail = (error: HttpError, partial: Partial<HttpExchange> = {}): HttpOutcome =>
      ({ exchange: record({ ...partial, error: error.message }), headers: {}, body: '', error });

    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      return Promise.resolve(fail({ code: 'invalid_url', message: `not a valid URL: ${JSON.stringify(req.url.slice(0, 200))}` }));
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return Promise.resolve(fail({ code: 'unsupported_scheme', message: `refusing to fetch a ${url.protocol} URL; only http and https are requested` }));
    }
    if (req.signal?.aborted) return Promise.resolve(fail({ code: 'aborted', message: 'cancelled before the request was sent' }));

    const timeoutMs = req.timeoutMs ?? this.timeoutMs;
    const maxBytes = this.maxBytes;
    return new Promise<HttpOutcome>((resolve) => {
      let settled = false;
      let status: number | undefined;
      let resHeaders: Record<string, string> = {};
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = (error?: HttpError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.signal?.removeEventListener('abort', onAbort);
        const body = Buffer.concat(chunks).toString('utf8');
        const exchange = record({ status, responseHeaders: status === undefined ? undefined : resHeaders, responseBody: status === undefined ? undefined : body, error: error?.message });
        resolve({ exchange, status, headers: resHeaders, body, error });
      };
      const lib = url.protocol === 'https:' ? https : http;
      const options: https.RequestOptions = {
        method,
        headers,
        // Never reuse sockets across probes: a hostile server must not poison the next request.
        agent: false,
        rejectUnauthorized: true,
        ...(this.ca && url.protocol === 'https:' ? { ca: this.ca } : {}),
      };
      let request: http.ClientRequest;
      try {
        request = lib.request(url, options, (res) => {
          status = res.statusCode;
          resHeaders = flattenHeaders(res.headers);
          if (req.headersOnly) {
            finish();
            res.destroy();
            request.destroy();
            return;
          }
          res.on('data', (chunk: Buffer) => {
            if (settled) return;
            size += chunk.length;
            if (size > maxBytes) {
              const keep = chunk.subarray(0, Math.max(0, chunk.length - (size - maxBytes)));
              chunks.push(keep);
              finish({ code: 'too_large', message: `${url.host} sent more than ${formatBytes(maxBytes)}; stopped reading (response size cap)` });
              request.destroy();
              res.destroy();
              return;
            }
            chunks.push(chunk);
          });
          res.on('end', () => finish());
          res.on('error', (e) => finish(classify(e, url)));
          res.on('aborted', () => finish({ code: 'network', message: `${url.host} closed the connection mid-response` }));
        });
      } catch (e) {
        resolve(fail({ code: 'network', message: (e as Error).message }));
        return;
      }
      const timer = setTimeout(() => {
        finish({ code: 'timeout', message: `${url.host} did not answer completely within ${timeoutMs} ms (total deadline)` });
        request.destroy();
      }, timeoutMs);
      const onAbort = (): void => {
        finish({ code: 'aborted', message: 'cancelled' });
        request.destroy();
      };
      req.signal?.addEventListener('abort', onAbort, { once: true });
      request.on('error', (e) => finish(classify(e, url)));
      if (req.body !== undefined) request.write(req.body);
      request.end();
    });
  }
}

/** Maps Node's socket and TLS errors to a typed code and a sentence that says what to do. */
function classify(e: Error & { code?: string }, url: URL): HttpError {
  const code = e.code ?? '';
  if (TLS_CODES.has(code) || /certificate|self[- ]signed|SSL|TLS/i.test(e.message)) {
    return {
      code: 'tls',
      message: `TLS verification of ${url.host} failed (${code || e.message}): the certificate is not trusted. ` +
        'If it is signed by a private CA, give that CA file (setting oauthDebugger.http.caFile / --ca-file); TLS checks are never switched off.',
    };
  }
  if (code === 'ECONNREFUSED') return { code: 'refused', message: `${url.host} refused the connection (nothing listens there?)` };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { code: 'dns', message: `the host name ${url.hostname} does not resolve` };
  if (code === 'ECONNRESET') return { code: 'network', message: `${url.host} reset the connection` };
  return { code: 'network', message: `${url.host}: ${e.message}` };
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER', 'EPROTO',
]);

function flattenHeaders(h: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

function lowerKeys(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = v;
  return out;
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(n % (1024 * 1024) ? 1 : 0)} MB` : `${Math.round(n / 1024)} KB`;
}
