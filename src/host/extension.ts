import * as vscode from 'vscode';
import { COMMANDS, VIEWS } from '../shared/commandIds';
import { Log } from './log';
import { FlowTimelineProvider } from './tree/flowTimelineProvider';
import type { TimelineNode } from './tree/flowTimelineProvider';
import { logDocumentSelector } from './hover/logDocuments';
import { SESSION_MEMORY_KEY } from './sessionMemory';
import type { Host } from './main';
import type * as HostModule from './main';
import type { DiagnosePanel } from './panel/diagnosePanel';
import type { DiagnosisSession } from './session';
import type { SessionMemory } from './sessionMemory';

/**
 * Thin activation (house style §3). This bundle (dist/extension.js) registers the commands, the
 * Flow Timeline view and the panel serializer, and returns. The engine, probes, tailing and panel
 * live in a second bundle (dist/host.js) that is loaded on first need: a command, a log document
 * to hover or diagnose, a panel or a saved result to restore.
 */
export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const log = new Log();
  const timeline = new FlowTimelineProvider();
  const treeView = vscode.window.createTreeView<TimelineNode>(VIEWS.flowTimeline, { treeDataProvider: timeline, showCollapseAll: true });
  context.subscriptions.push(log, timeline, treeView);

  let host: Host | undefined;
  const load = (): Host => {
    if (!host) {
      const started = Date.now();
      // A separate bundle next to this one, required at run time (not bundled into this file).
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const main = require(`${__dirname}/host.js`) as typeof HostModule;
      host = main.start(context, { log, timeline, treeView });
      log.info(`Engine loaded in ${Date.now() - started} ms.`);
    }
    return host;
  };

  for (const id of Object.values(COMMANDS)) {
    context.subscriptions.push(vscode.commands.registerCommand(id, (...args: unknown[]) => load().run(id, args)));
  }
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(VIEWS.panel, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown) => load().revivePanel(panel, state),
    }),
  );

  // Hovers and Problems on log files need the engine: load it, after activation returns, as soon
  // as such a document is open – and when a saved result from the last window is waiting.
  const loadSoon = (): void => {
    if (host) return;
    const timer = setTimeout(load, 0);
    context.subscriptions.push({ dispose: () => clearTimeout(timer) });
  };
  const isLogDocument = (d: vscode.TextDocument): boolean => vscode.languages.match(logDocumentSelector(), d) > 0;
  if (vscode.workspace.textDocuments.some(isLogDocument) || context.workspaceState.get(SESSION_MEMORY_KEY) !== undefined) loadSoon();
  const opened = vscode.workspace.onDidOpenTextDocument((d) => {
    if (isLogDocument(d)) {
      loadSoon();
      opened.dispose();
    }
  });
  context.subscriptions.push(opened);

  return {
    commands: COMMANDS,
    panel: () => host?.panel(),
    get session() {
      return load().session;
    },
    get memory() {
      return load().memory;
    },
  };
}

/** Tails, SSH sessions and loopback servers are Disposables in `context.subscriptions`: VS Code stops them. */
export function deactivate(): Promise<void> {
  return Promise.resolve();
}

/** What the extension exports: used by the integration tests. */
export interface ExtensionApi {
  commands: typeof COMMANDS;
  panel: () => DiagnosePanel | undefined;
  /** The diagnosis hub (tests push lines and read snapshots); loads the engine on first use. */
  readonly session: DiagnosisSession;
  /** Where the session's last result is kept across window reloads. */
  readonly memory: SessionMemory;
}
