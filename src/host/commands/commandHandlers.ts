import * as vscode from 'vscode';
import { COMMANDS } from '../../shared/commandIds';
import type { Log } from '../log';
import type { UiServices } from '../panel/uiServices';
import type { FlowTimelineProvider } from '../tree/flowTimelineProvider';
import type { DiagnosisSession } from '../session';
import type { ParseThread } from '../../sources/parseThread';
import { tailController } from '../tail/tailController';
import { runLiveFlowCommand } from '../live/liveFlowCommand';

export interface CommandDeps {
  log: Log;
  timeline: FlowTimelineProvider;
  /** The hub every source pushes lines into and every view reads from. */
  session: DiagnosisSession;
  /** Where log lines go: the parse thread in front of the session. */
  lines: ParseThread;
  /** Panel, tree, decoder, Diagnose and report commands. */
  ui: UiServices;
}

/** A command's implementation; errors are reported by `runCommand`. */
export type CommandHandler = (...args: unknown[]) => unknown;

/**
 * Every contributed command's implementation, by id. The activation bootstrap registers the ids
 * (cheap) and loads this module's bundle on the first call (house style §3: thin activation).
 */
export function commandHandlers(context: vscode.ExtensionContext, deps: CommandDeps): Record<string, CommandHandler> {
  return {
    [COMMANDS.diagnose]: (preset) => deps.ui.diagnoseCommand(preset),
    [COMMANDS.tailLogFile]: (arg) => tailController(context, { log: deps.log, sink: deps.lines }).tailLogFile(arg),
    [COMMANDS.tailRemoteLog]: (arg) => tailController(context, { log: deps.log, sink: deps.lines }).tailRemoteLog(arg),
    [COMMANDS.stopTailing]: (arg) => tailController(context, { log: deps.log, sink: deps.lines }).stopTailing(arg),
    [COMMANDS.runLiveFlow]: (arg) => runLiveFlowCommand(context, { log: deps.log, session: deps.session }, arg),
    [COMMANDS.decodeJwt]: (target) => deps.ui.decodeJwt(target),
    [COMMANDS.showInTimeline]: (target) => deps.ui.showInTimeline(target),
    [COMMANDS.revealLogLine]: (node) => deps.ui.revealLogLine(node),
    [COMMANDS.copyFingerprint]: (node) => deps.ui.copyFingerprint(node),
    [COMMANDS.exportReport]: (arg) => deps.ui.exportReport(arg),
  };
}

/** Runs a command's handler; a failure is logged and shown, never thrown into the void. */
export async function runCommand(id: string, handler: CommandHandler | undefined, log: Log, args: unknown[]): Promise<unknown> {
  try {
    if (!handler) throw new Error(`no handler for ${id}`);
    return await handler(...args);
  } catch (err) {
    log.error(`Command ${id} failed`, err);
    void vscode.window.showErrorMessage(vscode.l10n.t('OAuth Flow Debugger: {0}', err instanceof Error ? err.message : String(err)));
    return undefined;
  }
}
