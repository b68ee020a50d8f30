import * as vscode from 'vscode';
import { COMMANDS, VIEWS } from '../shared/commandIds';
import { Log } from './log';
import { DiagnosePanel } from './panel/diagnosePanel';
import { FlowTimelineProvider } from './tree/flowTimelineProvider';
import { registerCommands } from './commands/registerCommands';

/**
 * Thin activation (house style §3): register commands, views and the panel serializer, and
 * return. Nothing slow runs until the user asks for it.
 */
export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const log = new Log();
  const timeline = new FlowTimelineProvider();
  const treeView = vscode.window.createTreeView(VIEWS.flowTimeline, { treeDataProvider: timeline, showCollapseAll: true });
  context.subscriptions.push(
    log,
    treeView,
    vscode.window.registerWebviewPanelSerializer(VIEWS.panel, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown) => {
        DiagnosePanel.revive(panel, context.extensionUri, state, log);
      },
    }),
  );
  registerCommands(context, { log, timeline });
  return { commands: COMMANDS, panel: () => DiagnosePanel.current };
}

/** Stops everything that may still run (tails, SSH sessions, loopback servers). */
export function deactivate(): Promise<void> {
  return Promise.resolve();
}

/** What the extension exports: used by the integration tests. */
export interface ExtensionApi {
  commands: typeof COMMANDS;
  panel: () => DiagnosePanel | undefined;
}
