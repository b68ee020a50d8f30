/**
 * `oauth-diagnose live ISSUER --client-id ID [--client-secret-env VAR] [--redirect-uri URI | --port N
 *  --callback-path P] [--scope S] [--resource URI] [--api-url URL] [--wait 5m] [--timeout 10s]
 *  [--ca-file PEM] [--check-code-reuse] [--exchange-delay 3s] [--json]`
 * `--check-code-reuse` presents the code a second time (what a retrying client sees: code_reused);
 * `--exchange-delay` waits before the exchange (to measure the code lifetime: code_expired).
 * Runs one real authorization-code flow: prints the authorize URL (on stderr, so --json output
 * stays clean), waits for the browser to come back to the loopback callback, and reports every
 * step. Ctrl-C cancels and closes the callback server. Exit codes as for `scan`.
 */
import { httpUrl, parseArgs, parseMs, secretFromEnv, UsageError } from './probeArgs';
import { runReportCommand } from './reportCommand';
import { runLiveFlow } from '../probes/liveFlow';
import type { LiveFlowOptions } from '../probes/liveFlow';

const SPEC = {
  values: ['--client-id', '--client-secret-env', '--redirect-uri', '--port', '--callback-path', '--scope', '--resource', '--api-url', '--wait', '--timeout', '--ca-file', '--exchange-delay'],
  flags: ['--json', '--check-code-reuse'],
};

export function parseLiveArgs(args: string[], env: NodeJS.ProcessEnv = process.env): { opts: LiveFlowOptions; json: boolean } {
  const p = parseArgs(args, SPEC);
  if (p.positional.length !== 1) throw new UsageError('live needs exactly one issuer (or protected resource) URL');
  const clientId = p.values.get('--client-id');
  if (!clientId) throw new UsageError('live needs --client-id');
  const port = p.values.get('--port');
  const portNum = port === undefined ? undefined : Number(port);
  if (portNum !== undefined && (!Number.isInteger(portNum) || portNum < 1 || portNum > 65535)) throw new UsageError(`--port: '${port}' is not a port number`);
  const redirect = p.values.get('--redirect-uri');
  if (redirect !== undefined && portNum !== undefined) throw new UsageError('give either --redirect-uri or --port, not both');
  const wait = p.values.get('--wait');
  const timeout = p.values.get('--timeout');
  const api = p.values.get('--api-url');
  const resource = p.values.get('--resource');
  const delay = p.values.get('--exchange-delay');
  return {
    json: p.flags.has('--json'),
    opts: {
      issuer: httpUrl('ISSUER', p.positional[0] ?? ''),
      clientId,
      clientSecret: secretFromEnv(p, env),
      redirectUri: redirect === undefined ? undefined : httpUrl('--redirect-uri', redirect),
      port: portNum,
      callbackPath: p.values.get('--callback-path'),
      scope: p.values.get('--scope'),
      resource: resource === undefined ? undefined : httpUrl('--resource', resource),
      apiUrl: api === undefined ? undefined : httpUrl('--api-url', api),
      callbackTimeoutMs: wait === undefined ? undefined : parseMs('--wait', wait),
      timeoutMs: timeout === undefined ? undefined : parseMs('--timeout', timeout),
      caFile: p.values.get('--ca-file'),
      reuseCode: p.flags.has('--check-code-reuse'),
      exchangeDelayMs: delay === undefined ? undefined : parseMs('--exchange-delay', delay),
    },
  };
}

export async function runLiveCommand(args: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  return runReportCommand('live', () => parseLiveArgs(args), (parsed, signal) => runLiveFlow(parsed.opts, {
    signal,
    openBrowser: async (url) => {
      err(`\nOpen this URL in a browser and log in (Ctrl-C cancels):\n\n  ${url}\n\nWaiting for the browser to come back to the callback…\n`);
    },
  }), { out, err, live: true });
}

