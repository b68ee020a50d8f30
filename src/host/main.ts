import type * as vscode from 'vscode';
import type { Log } from './log';
import { DiagnosePanel } from './panel/diagnosePanel';
import type { FlowTimelineProvider, TimelineNode } from './tree/flowTimelineProvider';
import { UiServices } from './panel/uiServices';
import { catalogText } from './panel/catalogText';
import { commandHandlers, runCommand } from './commands/commandHandlers';
import { DiagnosisSession } from './session';
import { SessionMemory } from './sessionMemory';
import type { PersistedSession } from './sessionMemory';
import { DiagnosisEngine } from '../core/engine/diagnosisEngine';
import { readSettings } from './config';
import { join } from 'node:path';
import { ParseThread } from '../sources/parseThread';

/** What the bootstrap (extension.ts) creates at activation and hands over. */
export interface Shell {
  log: Log;
  timeline: FlowTimelineProvider;
  treeView: vscode.TreeView<TimelineNode>;
}

/** The loaded extension: the engine, session, views and every command's implementation. */
export interface Host {
  session: DiagnosisSession;
  memory: SessionMemory;
  panel(): DiagnosePanel | undefined;
  run(id: string, args: unknown[]): Promise<unknown>;
  revivePanel(panel: vscode.WebviewPanel, state: unknown): void;
}

/**
 * Starts everything behind the commands and views. Bundled separately (dist/host.js) and loaded
 * by the bootstrap on first need – a command, a log document, a panel to restore – so that
 * activation itself stays cheap.
 */
export function start(context: vscode.ExtensionContext, shell: Shell): Host {
  const { log, timeline, treeView } = shell;
  const session: DiagnosisSession = new DiagnosisSession({
    createEngine: () => {
      const s = readSettings();
      return new DiagnosisEngine({ codeTtlSeconds: s.codeTtlSeconds, maxEvents: s.maxEvents });
    },
    // The last result survives a window reload; read on first need, not here.
    restore: (): PersistedSession | undefined => memory.load(),
  });
  const memory: SessionMemory = new SessionMemory(session, context.workspaceState);
  // Tree, Problems and the revived panel get the saved result shortly after start, off its path.
  const restoreTimer = setTimeout(() => session.ensureRestored(), 1000);
  // Log lines (Diagnose reading a file, every tail) are parsed on a thread of their own; the
  // session only correlates. The thread starts with the first line (dist/parseThreadWorker.js).
  const lines = new ParseThread(session, {
    workerScript: join(__dirname, 'parseThreadWorker.js'),
    onFallback: (reason) => log.warn(`${reason}; log lines are parsed on the extension host thread`),
  });
  context.subscriptions.push({ dispose: () => lines.dispose() });
  const ui = new UiServices({ context, log, session, lines, timeline, treeView, catalog: catalogText });
  context.subscriptions.push({ dispose: () => clearTimeout(restoreTimer) }, memory, session, ui);
  const handlers = commandHandlers(context, { log, timeline, session, lines, ui });
  return {
    session,
    memory,
    panel: () => DiagnosePanel.current,
    run: (id, args) => runCommand(id, handlers[id], log, args),
    revivePanel: (panel, state) => {
      DiagnosePanel.revive(panel, context.extensionUri, state, log);
    },
  };
}
