import { shQuote } from './shellQuote';

/** Why an SSH tail stopped or could not start. A stable code callers switch on. */
export type SshErrorKind =
  | 'ssh_missing'
  | 'host_unknown'
  | 'host_key_unknown'
  | 'host_key_changed'
  | 'auth_failed'
  | 'connection_refused'
  | 'timeout'
  | 'connection_lost'
  | 'file_missing'
  | 'permission_denied'
  | 'not_a_file'
  | 'tail_missing'
  | 'bad_filter'
  | 'remote_failed';

export interface SshError {
  kind: SshErrorKind;
  /** True when reconnecting may help (a dropped or refused connection); false when the user must act. */
  retryable: boolean;
  /** One English sentence or two for the CLI and logs; the host localises by `kind`. */
  message: string;
  /** A command the user can run themselves to fix it (e.g. add a host key), when there is one. */
  fix?: string;
  /** The host as ssh named it in its message (e.g. `[127.0.0.1]:2222`), when found. */
  hostLabel?: string;
}

/** Markers the remote script writes to stderr before it exits (see remoteTail.ts). */
export const REMOTE_ERROR_MARKER = '@@OAUTHDBG-ERR';

/**
 * Classifies why `ssh` ended, from its exit code and stderr. OpenSSH exits 255 for its own
 * errors and otherwise with the remote command's status; its messages are stable across
 * versions, and the remote script's own failures carry `@@OAUTHDBG-ERR <kind>` markers.
 * Returns the kind, whether a reconnect may help, and a message naming the fix.
 *
 * @example classifySshFailure(255, 'ssh: Could not resolve hostname nope: Name or service not known', 'nope').kind === 'host_unknown'
 */
export function classifySshFailure(exitCode: number | null, stderr: string, host: string, spawnError?: string): SshError {
  if (spawnError) {
    return { kind: 'ssh_missing', retryable: false, message: `Could not run the ssh client (${spawnError}). Install OpenSSH or set "oauthDebugger.ssh.path".` };
  }
  const err = stderr.replace(/\r/g, '');
  const marker = new RegExp(`${REMOTE_ERROR_MARKER} ([a-z-]+)`).exec(err)?.[1];
  if (marker) return remoteError(marker);

  if (/Could not resolve hostname|Name or service not known|nodename nor servname|Temporary failure in name resolution|No address associated with hostname/i.test(err)) {
    return { kind: 'host_unknown', retryable: false, message: `The host "${host}" could not be found (DNS). Check the name, or add a Host entry with HostName to ~/.ssh/config.` };
  }
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/i.test(err)) {
    const label = /Host key for (\S+) has changed/.exec(err)?.[1] ?? host;
    const suggested = /(ssh-keygen -f .+ -R .+)$/m.exec(err)?.[1]?.trim();
    const fix = suggested ?? `ssh-keygen -R ${shQuote(label)}`;
    return {
      kind: 'host_key_changed', retryable: false, hostLabel: label, fix,
      message: `The host key of ${label} has CHANGED since you last connected. This can mean the server was reinstalled – or that someone is intercepting the connection. Confirm the new key with the server's administrator; only then remove the old key with: ${fix} and connect once with ssh in a terminal to check and accept the new one.`,
    };
  }
  if (/Host key verification failed|No \S+ host key is known for|host key is not known/i.test(err)) {
    const label = /host key is known for (\S+?)(?: and|$)/m.exec(err)?.[1] ?? host;
    const fix = keyscanCommand(label);
    return {
      kind: 'host_key_unknown', retryable: false, hostLabel: label, fix,
      message: `The host key of ${label} is not in your known_hosts, and the extension never accepts a key on its own. Connect once in a terminal with: ssh ${sshTarget(label)} and compare the fingerprint with the one your server shows (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on the server), or add it with: ${fix} after checking it.`,
    };
  }
  if (/Permission denied \((publickey|password|keyboard-interactive|gssapi)|Too many authentication failures|Authentication failed|no more authentication methods/i.test(err)) {
    return { kind: 'auth_failed', retryable: false, message: `Authentication to ${host} failed. The extension connects non-interactively (BatchMode): load your key into ssh-agent or name it with IdentityFile in ~/.ssh/config; passwords and passphrase prompts cannot be answered.` };
  }
  if (/Connection refused/i.test(err)) {
    return { kind: 'connection_refused', retryable: true, message: `${host} refused the connection (is sshd running, and is the port right?).` };
  }
  if (/Connection timed out|Operation timed out|timed out during banner exchange|Network is unreachable|No route to host/i.test(err)) {
    return { kind: 'timeout', retryable: true, message: `The connection to ${host} timed out or the network is unreachable.` };
  }
  if (exitCode === 255 || exitCode === null || /Connection (closed|reset)|Broken pipe|not responding|client_loop/i.test(err)) {
    return { kind: 'connection_lost', retryable: true, message: `The connection to ${host} was lost.` };
  }
  const lastLine = err.trim().split('\n').filter(Boolean).pop() ?? '';
  return { kind: 'remote_failed', retryable: false, message: `The remote tail on ${host} ended (exit ${exitCode})${lastLine ? `: ${lastLine.slice(0, 300)}` : '.'}` };
}

function remoteError(marker: string): SshError {
  switch (marker) {
    case 'missing': return { kind: 'file_missing', retryable: false, message: 'The log file does not exist on the server. Check the path (it is taken literally; ~ and globs are not expanded).' };
    case 'denied': return { kind: 'permission_denied', retryable: false, message: 'Permission denied: the SSH user cannot read the log file. Add the user to the group that owns it (often adm or www-data) or tail as a user who can read it.' };
    case 'not-a-file': return { kind: 'not_a_file', retryable: false, message: 'The path on the server is a directory, not a log file.' };
    case 'no-tail': return { kind: 'tail_missing', retryable: false, message: 'The server has no `tail` (or `grep`) on the PATH of a non-interactive shell. Install coreutils/grep or use a command source.' };
    case 'bad-filter': return { kind: 'bad_filter', retryable: false, message: 'The server-side filter is not a valid extended regular expression (grep -E).' };
    default: return { kind: 'remote_failed', retryable: false, message: `The remote tail failed (${marker}).` };
  }
}

/** `[host]:port` (how ssh names a non-default port) → `ssh-keyscan -p port host`. */
function keyscanCommand(label: string): string {
  const m = /^\[(.+)\]:(\d+)$/.exec(label);
  return m ? `ssh-keyscan -p ${m[2]} ${shQuote(m[1]!)} >> ~/.ssh/known_hosts` : `ssh-keyscan ${shQuote(label)} >> ~/.ssh/known_hosts`;
}

function sshTarget(label: string): string {
  const m = /^\[(.+)\]:(\d+)$/.exec(label);
  return m ? `-p ${m[2]} ${shQuote(m[1]!)}` : shQuote(label);
}
