/**
 * `oauth-diagnose`: the command-line face of the engine, for terminals and CI.
 * Exit codes: 0 no error findings, 1 error findings, 2 usage or input errors.
 */
import { VERSION } from './version';

const HELP = `oauth-diagnose ${VERSION} – find which step of an OAuth / OIDC / MCP login broke, and how to fix it

Usage:
  oauth-diagnose scan FILE... [--json] [--code-ttl 60s] [--since TIME]   (FILE - reads standard input)
  oauth-diagnose probe URL [--client-id ID --client-secret-env VAR --redirect-uri URI] [--json]
  oauth-diagnose live ISSUER --client-id ID [--redirect-uri URI] [--json]
  oauth-diagnose --help | --version

Exit status: 0 no error findings, 1 error findings, 2 usage or input error.
`;

/** Runs the CLI with `argv` (without node and script) and resolves to the exit code. */
export async function main(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    out(HELP);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === '-V') {
    out(`${VERSION}\n`);
    return 0;
  }
  const handler = COMMANDS[command];
  if (!handler) {
    err(`oauth-diagnose: unknown command '${command}' (see --help)\n`);
    return 2;
  }
  return handler(rest, out, err);
}

type Handler = (args: string[], out: (s: string) => void, err: (s: string) => void) => Promise<number>;

const COMMANDS: Record<string, Handler> = {};

/** Lets each subcommand module register itself without main.ts knowing their internals. */
export function registerSubcommand(name: string, handler: Handler): void {
  COMMANDS[name] = handler;
}
