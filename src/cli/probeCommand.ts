/**
 * `oauth-diagnose probe URL [--client-id ID --client-secret-env VAR --redirect-uri URI]
 *  [--allow-client-credentials] [--register] [--scope S] [--timeout 10s] [--ca-file PEM] [--json]`
 * Asks the server what it advertises and whether it enforces it. Exit 0: no error findings;
 * 1: error findings; 2: usage or input error.
 */
import { httpUrl, parseArgs, parseMs, secretFromEnv, UsageError } from './probeArgs';
import { runReportCommand } from './reportCommand';
import { runProbes } from '../probes/runProbes';
import type { ProbeOptions } from '../probes/runProbes';

const SPEC = {
  values: ['--client-id', '--client-secret-env', '--redirect-uri', '--scope', '--timeout', '--ca-file'],
  flags: ['--json', '--allow-client-credentials', '--register'],
};

export function parseProbeArgs(args: string[], env: NodeJS.ProcessEnv = process.env): { opts: ProbeOptions; json: boolean } {
  const p = parseArgs(args, SPEC);
  if (p.positional.length !== 1) throw new UsageError('probe needs exactly one URL (an issuer or a protected resource such as https://mcp.example/sse)');
  const clientSecret = secretFromEnv(p, env);
  const clientId = p.values.get('--client-id');
  if (clientSecret !== undefined && clientId === undefined) throw new UsageError('--client-secret-env needs --client-id');
  if (p.flags.has('--allow-client-credentials') && clientSecret === undefined) throw new UsageError('--allow-client-credentials needs a confidential client (--client-id and --client-secret-env)');
  const redirect = p.values.get('--redirect-uri');
  const timeout = p.values.get('--timeout');
  return {
    json: p.flags.has('--json'),
    opts: {
      target: httpUrl('URL', p.positional[0] ?? ''),
      clientId,
      clientSecret,
      redirectUri: redirect === undefined ? undefined : httpUrl('--redirect-uri', redirect),
      scope: p.values.get('--scope'),
      allowClientCredentials: p.flags.has('--allow-client-credentials'),
      allowRegistration: p.flags.has('--register'),
      timeoutMs: timeout === undefined ? undefined : parseMs('--timeout', timeout),
      caFile: p.values.get('--ca-file'),
    },
  };
}

export async function runProbeCommand(args: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  return runReportCommand('probe', () => parseProbeArgs(args), (parsed, signal) => runProbes(parsed.opts, { signal }), { out, err });
}

