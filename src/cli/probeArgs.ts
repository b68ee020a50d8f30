/**
 * Argument parsing shared by `probe` and `live`: the same option spellings, the client secret only
 * ever from an environment variable (never a command-line value, which shells and `ps` record).
 */

export class UsageError extends Error {}

export interface OptionSpec {
  /** Options that take a value. */
  values: string[];
  /** Boolean flags. */
  flags: string[];
}

export interface ParsedArgs {
  positional: string[];
  values: Map<string, string>;
  flags: Set<string>;
}

export function parseArgs(args: string[], spec: OptionSpec): ParsedArgs {
  const out: ParsedArgs = { positional: [], values: new Map(), flags: new Set() };
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    const eq = a.indexOf('=');
    const name = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    if (spec.flags.includes(name)) {
      out.flags.add(name);
    } else if (spec.values.includes(name)) {
      const v = eq > 0 && a.startsWith('--') ? a.slice(eq + 1) : args[++i];
      if (v === undefined) throw new UsageError(`${name} needs a value`);
      out.values.set(name, v);
    } else if (name === '--client-secret') {
      throw new UsageError('--client-secret is not accepted (shell history and ps would record it): put the secret in an environment variable and pass --client-secret-env VAR');
    } else if (a.startsWith('-')) {
      throw new UsageError(`unknown option '${a}'`);
    } else {
      out.positional.push(a);
    }
  }
  return out;
}

/** The client secret named by --client-secret-env, or undefined; an unset variable is a usage error. */
export function secretFromEnv(p: ParsedArgs, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const name = p.values.get('--client-secret-env');
  if (name === undefined) return undefined;
  const v = env[name];
  if (v === undefined || v === '') throw new UsageError(`--client-secret-env: the environment variable ${name} is not set`);
  return v;
}

/** `5000`, `5000ms`, `5s`, `2m` → milliseconds. */
export function parseMs(name: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m) throw new UsageError(`${name}: '${text}' is not a duration (e.g. 5000ms, 10s, 2m)`);
  const n = Number(m[1]);
  const ms = m[2] === 's' ? n * 1000 : m[2] === 'm' ? n * 60_000 : n;
  if (ms < 100 || ms > 3_600_000) throw new UsageError(`${name}: must be between 100 ms and 1 h`);
  return Math.round(ms);
}

export function httpUrl(name: string, text: string): string {
  try {
    const u = new URL(text);
    if (u.protocol === 'http:' || u.protocol === 'https:') return text;
  } catch {
    // fall through
  }
  throw new UsageError(`${name}: '${text.slice(0, 200)}' is not an http(s) URL`);
}
