import * as vscode from 'vscode';
import { COMMANDS, VIEWS } from '../shared/commandIds';
import { Log } from './log';
import { DiagnosePanel } from './panel/diagnosePanel';
import { FlowTimelineProvider } from './tree/flowTimelineProvider';
import type { TimelineNode } from './tree/flowTimelineProvider';
import { UiServices } from './panel/uiServices';
import { catalogText } from './panel/catalogText';
import { registerCommands } from './commands/registerCommands';
import { DiagnosisSession } from './session';
import { SessionMemory } from './sessionMemory';
import type { PersistedSession } from './sessionMemory';
import { DiagnosisEngine } from '../core/engine/diagnosisEngine';
import { readSettings } from './config';

/**
 * Thin activation (house style §3): register commands, views and the panel serializer, and
 * return. Nothing slow runs until the user asks for it.
 */
export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const log = new Log();
  const timeline = new FlowTimelineProvider();
  const treeView = vscode.window.createTreeView<TimelineNode>(VIEWS.flowTimeline, { treeDataProvider: timeline, showCollapseAll: true });
  const session: DiagnosisSession = new DiagnosisSession({
    createEngine: () => {
      const s = readSettings();
      return new DiagnosisEngine({ codeTtlSeconds: s.codeTtlSeconds, maxEvents: s.maxEvents });
    },
    // The last result survives a window reload; read on first need, not here.
    restore: (): PersistedSession | undefined => memory.load(),
  });
  const memory: SessionMemory = new SessionMemory(session, context.workspaceState);
  // Tree, Problems and the revived panel get the saved result shortly after activation, off its path.
  const restoreTimer = setTimeout(() => session.ensureRestored(), 1000);
  const ui = new UiServices({ context, log, session, timeline, treeView, catalog: catalogText });
  context.subscriptions.push(
    log,
    { dispose: () => clearTimeout(restoreTimer) },
    memory,
    session,
    treeView,
    ui,
    vscode.window.registerWebviewPanelSerializer(VIEWS.panel, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown) => {
        DiagnosePanel.revive(panel, context.extensionUri, state, log);
      },
    }),
  );
  registerCommands(context, { log, timeline, session, ui });
  return { commands: COMMANDS, panel: () => DiagnosePanel.current, session, memory };
}

/** Stops everything that may still run (tails, SSH sessions, loopback servers). */
export function deactivate(): Promise<void> {
  return Promise.resolve();
}

/** What the extension exports: used by the integration tests. */
export interface ExtensionApi {
  commands: typeof COMMANDS;
  panel: () => DiagnosePanel | undefined;
  /** The diagnosis hub (tests push lines and read snapshots). */
  session: DiagnosisSession;
  /** Where the session's last result is kept across window reloads. */
  memory: SessionMemory;
}
