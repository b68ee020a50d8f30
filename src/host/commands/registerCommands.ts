import * as vscode from 'vscode';
import { COMMANDS } from '../../shared/commandIds';
import type { Log } from '../log';
import type { UiServices } from '../panel/uiServices';
import type { FlowTimelineProvider } from '../tree/flowTimelineProvider';
import type { DiagnosisSession } from '../session';
import { tailController } from '../tail/tailController';
import { runLiveFlowCommand } from '../live/liveFlowCommand';

export interface CommandDeps {
  log: Log;
  timeline: FlowTimelineProvider;
  /** The hub every source pushes lines into and every view reads from. */
  session: DiagnosisSession;
  /** Panel, tree, decoder, Diagnose and report commands. */
  ui: UiServices;
}

/** Registers every contributed command. Each is a Disposable in `context.subscriptions`. */
export function registerCommands(context: vscode.ExtensionContext, deps: CommandDeps): void {
  const register = (id: string, fn: (...args: unknown[]) => unknown): void => {
    context.subscriptions.push(vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await fn(...args);
      } catch (err) {
        deps.log.error(`Command ${id} failed`, err);
        void vscode.window.showErrorMessage(vscode.l10n.t('OAuth Flow Debugger: {0}', err instanceof Error ? err.message : String(err)));
        return undefined;
      }
    }));
  };

  register(COMMANDS.diagnose, (preset) => deps.ui.diagnoseCommand(preset));
  register(COMMANDS.tailLogFile, (arg) => tailController(context, { log: deps.log, sink: deps.session }).tailLogFile(arg));
  register(COMMANDS.tailRemoteLog, (arg) => tailController(context, { log: deps.log, sink: deps.session }).tailRemoteLog(arg));
  register(COMMANDS.stopTailing, (arg) => tailController(context, { log: deps.log, sink: deps.session }).stopTailing(arg));
  register(COMMANDS.runLiveFlow, (arg) => runLiveFlowCommand(context, { log: deps.log, session: deps.session }, arg));
  register(COMMANDS.decodeJwt, (target) => deps.ui.decodeJwt(target));
  register(COMMANDS.showInTimeline, (target) => deps.ui.showInTimeline(target));
  register(COMMANDS.revealLogLine, (node) => deps.ui.revealLogLine(node));
  register(COMMANDS.copyFingerprint, (node) => deps.ui.copyFingerprint(node));
  register(COMMANDS.exportReport, (arg) => deps.ui.exportReport(arg));
}
