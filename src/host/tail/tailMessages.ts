import * as vscode from 'vscode';
import type { TailStatus } from '../../sources/tailSource';

/**
 * The user-facing sentence for a failed or noteworthy tail status, localised by its stable
 * code. The sources' own English message is the fallback for codes without a template.
 */
export function describeStatus(s: TailStatus, where: string): string {
  switch (s.code) {
    case 'host_unknown': return vscode.l10n.t('The host {0} could not be found (DNS). Check the name, or add a Host entry with HostName to ~/.ssh/config.', where);
    case 'host_key_unknown': return vscode.l10n.t('The host key of {0} is not in your known_hosts, and OAuth Flow Debugger never accepts a key on its own. Connect once with ssh in a terminal and compare the fingerprint with the server\'s, or add it after checking it: {1}', where, s.fix ?? '');
    case 'host_key_changed': return vscode.l10n.t('The host key of {0} has CHANGED. This can mean the server was reinstalled – or that the connection is being intercepted. Confirm the new key with the server\'s administrator; only then remove the old one with: {1}', where, s.fix ?? '');
    case 'auth_failed': return vscode.l10n.t('Authentication to {0} failed. The connection is non-interactive: load your key into ssh-agent or name it with IdentityFile in ~/.ssh/config.', where);
    case 'file_missing': return vscode.l10n.t('The log file does not exist on {0}. Check the path (it is used literally; ~ and globs are not expanded).', where);
    case 'permission_denied': return vscode.l10n.t('Permission denied: the SSH user on {0} cannot read the log file. Add the user to the group that owns it (often adm or www-data).', where);
    case 'tail_missing': return vscode.l10n.t('{0} has no tail or grep on the PATH of a non-interactive shell. Install coreutils and grep, or use a command source.', where);
    case 'bad_filter': return vscode.l10n.t('The filter is not a valid extended regular expression (grep -E).');
    case 'ssh_missing': return vscode.l10n.t('The ssh client could not be run. Install OpenSSH or set "oauthDebugger.ssh.path".');
    case 'connection_refused': return vscode.l10n.t('{0} refused the connection; retrying.', where);
    case 'timeout': return vscode.l10n.t('The connection to {0} timed out; retrying.', where);
    case 'connection_lost': return vscode.l10n.t('The connection to {0} was lost; reconnecting.', where);
    case 'rotated': return vscode.l10n.t('{0} was rotated; following the new file.', where);
    case 'truncated': return vscode.l10n.t('{0} was truncated; reading it from the start.', where);
    case 'deleted': return vscode.l10n.t('{0} was deleted; waiting for it to reappear.', where);
    case 'missing': return vscode.l10n.t('Waiting for {0} to appear.', where);
    case 'backlog_capped': return vscode.l10n.t('The lines of {0} since the chosen time are more than the backlog cap (oauthDebugger.tail.maxBacklogMB), so only the newest part is shown.', where);
    case 'no_timestamps': return vscode.l10n.t('{0} has no timestamps that can be read, so a start from a time cannot be applied; only new lines are shown.', where);
    case 'resumed': return vscode.l10n.t('Reconnected to {0}; resumed where the stream stopped.', where);
    default: return s.message ?? where;
  }
}

/** Short state word for the status-bar tooltip. */
export function stateLabel(s: TailStatus): string {
  switch (s.state) {
    case 'starting': return vscode.l10n.t('connecting');
    case 'following': return vscode.l10n.t('following');
    case 'waiting': return vscode.l10n.t('waiting');
    case 'reconnecting': return vscode.l10n.t('reconnecting');
    case 'failed': return vscode.l10n.t('failed');
    case 'ended': return vscode.l10n.t('ended');
    case 'stopped': return vscode.l10n.t('stopped');
  }
}
