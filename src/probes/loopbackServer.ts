/**
 * The live flow's redirect target: an HTTP server on 127.0.0.1 only (never all interfaces), on the
 * port and path of a redirect URI the authorization server already has registered, or on a random
 * port. It captures the first request to the callback path, answers the browser with a short page,
 * and always closes – on success, error, timeout and cancellation alike.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CallbackCapture {
  /** The full callback URL as received (contains the code: redact before showing). */
  url: URL;
  receivedAt: number;
}

export type CallbackWait = { kind: 'callback'; capture: CallbackCapture } | { kind: 'timeout' } | { kind: 'aborted' };

export interface LoopbackOptions {
  /** 0 = any free port. */
  port?: number;
  /** Default `/callback`. */
  path?: string;
  /** The host name to put in the redirect URI (`127.0.0.1` or `localhost`); the socket binds 127.0.0.1 regardless. */
  hostName?: string;
}

export class LoopbackServer {
  private capture?: CallbackCapture;
  private waiters: ((c: CallbackCapture) => void)[] = [];
  /** Requests to other paths (favicon, a wrong callback path): kept to explain mismatches. */
  readonly strayPaths: string[] = [];

  private constructor(private readonly server: http.Server, readonly redirectUri: string, readonly path: string) {}

  static async start(opts: LoopbackOptions = {}): Promise<LoopbackServer> {
    const path = opts.path && opts.path.startsWith('/') ? opts.path : `/${opts.path ?? 'callback'}`;
    const holder: { self?: LoopbackServer } = {};
    const server = http.createServer((req, res) => holder.self?.handle(req, res));
    server.on('clientError', (_e, socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e: Error & { code?: string }) => reject(new Error(e.code === 'EADDRINUSE'
        ? `port ${opts.port} on 127.0.0.1 is in use: stop what listens there or choose another port registered for the client`
        : `cannot listen on 127.0.0.1:${opts.port ?? 0}: ${e.message}`)));
      server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const self = new LoopbackServer(server, `http://${opts.hostName ?? '127.0.0.1'}:${port}${path}`, path);
    holder.self = self;
    return self;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', this.redirectUri);
    if (req.method !== 'GET' || url.pathname !== this.path) {
      if (this.strayPaths.length < 20) this.strayPaths.push(url.pathname);
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not the OAuth callback path.');
      return;
    }
    const first = !this.capture;
    if (first) this.capture = { url, receivedAt: Date.now() };
    const error = url.searchParams.get('error');
    const body = !first
      ? 'This callback was already received; the flow continues in your editor.'
      : error
        ? `The authorization server answered with an error: ${error}. Return to your editor for the diagnosis.`
        : 'Authorization received. You can close this tab and return to your editor.';
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
    res.end(`<!doctype html><meta charset="utf-8"><title>OAuth Flow Debugger</title><p>${escapeHtml(body)}</p>`);
    if (first && this.capture) for (const w of this.waiters.splice(0)) w(this.capture);
  }

  /** Resolves with the first callback, or says why none came. */
  waitForCallback(timeoutMs: number, signal?: AbortSignal): Promise<CallbackWait> {
    if (this.capture) return Promise.resolve({ kind: 'callback', capture: this.capture });
    if (signal?.aborted) return Promise.resolve({ kind: 'aborted' });
    return new Promise((resolve) => {
      const done = (r: CallbackWait): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(r);
      };
      const timer = setTimeout(() => done({ kind: 'timeout' }), timeoutMs);
      const onAbort = (): void => done({ kind: 'aborted' });
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push((capture) => done({ kind: 'callback', capture }));
    });
  }

  /** Closes the socket and every open connection (browsers keep them alive). */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }

  get listening(): boolean {
    return this.server.listening;
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
