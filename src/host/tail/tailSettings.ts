import * as vscode from 'vscode';
import { SETTINGS_PREFIX } from '../../shared/commandIds';
import { parseCommandProfiles, parseSourceProfiles } from '../../core/tail/sourceProfiles';
import type { CommandProfile, SourceProfile } from '../../core/tail/sourceProfiles';

/**
 * Named source profiles (`oauthDebugger.sources`). In an untrusted workspace only the user's
 * own (global) value counts: a cloned repository must not choose where SSH connects.
 */
export function readSourceProfiles(): { profiles: SourceProfile[]; problems: string[] } {
  const c = vscode.workspace.getConfiguration(SETTINGS_PREFIX);
  const value = vscode.workspace.isTrusted ? c.get<unknown>('sources') : c.inspect<unknown>('sources')?.globalValue;
  return parseSourceProfiles(value);
}

/**
 * Command sources (`oauthDebugger.commandSources`): read ONLY from the user's global value via
 * inspect() – never a workspace or folder value, whatever the manifest scope says – and not at
 * all in an untrusted workspace, because they run through the shell.
 */
export function readCommandProfiles(): CommandProfile[] {
  if (!vscode.workspace.isTrusted) return [];
  const c = vscode.workspace.getConfiguration(SETTINGS_PREFIX);
  return parseCommandProfiles(c.inspect<unknown>('commandSources')?.globalValue);
}

/** `oauthDebugger.tail.maxBacklogMB` in bytes: the cap of a start from a time (1–1024 MB, default 16). */
export function readMaxBacklogBytes(): number {
  const v = vscode.workspace.getConfiguration(SETTINGS_PREFIX).get<number>('tail.maxBacklogMB', 16);
  const mb = typeof v === 'number' && Number.isFinite(v) ? Math.min(1024, Math.max(1, v)) : 16;
  return Math.round(mb * 1024 * 1024);
}
