import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { VIEWS } from '../../shared/commandIds';
import { isFromWebviewMessage } from '../../shared/protocol';
import type { FromWebviewMessage, PanelState, ToWebviewMessage } from '../../shared/protocol';
import type { Log } from '../log';
import { webviewStrings } from './webviewStrings';

/**
 * The diagnosis panel: one instance, created on demand, restored after a window reload by the
 * serializer registered in `activate`. Its webview runs under a strict CSP (no inline script,
 * nonce-only scripts, no network) and only loads the built assets in `dist/` and `media/`.
 */
export class DiagnosePanel implements vscode.Disposable {
  static current: DiagnosePanel | undefined;

  private readonly disposables: vscode.Disposable[] = [];
  private state: PanelState | undefined;
  private ready = false;
  /** Resolves when the webview has said `ready` (tests and commands wait on it). */
  readonly whenReady: Promise<void>;
  private resolveReady!: () => void;

  /** Opens the panel, or reveals it, and shows `state` when given. */
  static createOrShow(extensionUri: vscode.Uri, log: Log, state?: PanelState): DiagnosePanel {
    if (DiagnosePanel.current) {
      DiagnosePanel.current.panel.reveal(vscode.ViewColumn.Active);
      if (state) DiagnosePanel.current.setState(state);
      return DiagnosePanel.current;
    }
    const panel = vscode.window.createWebviewPanel(
      VIEWS.panel,
      vscode.l10n.t('OAuth Diagnosis'),
      vscode.ViewColumn.Active,
      DiagnosePanel.webviewOptions(extensionUri),
    );
    DiagnosePanel.current = new DiagnosePanel(panel, extensionUri, state, log);
    return DiagnosePanel.current;
  }

  /** Restores the panel after a reload, with the state the webview had saved. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, saved: unknown, log: Log): DiagnosePanel {
    panel.webview.options = DiagnosePanel.webviewOptions(extensionUri);
    const state = isPanelStateLike(saved) ? saved : undefined;
    DiagnosePanel.current = new DiagnosePanel(panel, extensionUri, state, log);
    return DiagnosePanel.current;
  }

  private static webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
    };
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    state: PanelState | undefined,
    private readonly log: Log,
  ) {
    this.state = state;
    this.whenReady = new Promise((resolve) => (this.resolveReady = resolve));
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'oauth.svg');
    panel.webview.html = this.html(panel.webview);
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)),
    );
  }

  /** The state currently shown (for tests and export). */
  get currentState(): PanelState | undefined {
    return this.state;
  }

  setState(state: PanelState): void {
    this.state = state;
    if (this.ready) void this.post({ type: 'state', state });
  }

  private post(message: ToWebviewMessage): Thenable<boolean> {
    return this.panel.webview.postMessage(message);
  }

  private onMessage(raw: unknown): void {
    if (!isFromWebviewMessage(raw)) {
      this.log.warn('Ignored a malformed message from the panel.');
      return;
    }
    const m: FromWebviewMessage = raw;
    switch (m.type) {
      case 'ready':
        this.ready = true;
        void this.post({ type: 'init', state: this.state, strings: webviewStrings() });
        this.resolveReady();
        return;
      case 'openLocation':
        void openLocation(m.file, m.line);
        return;
      case 'runCommand':
        void vscode.commands.executeCommand(`oauthDebugger.${m.command}`);
        return;
    }
  }

  private html(webview: vscode.Webview): string {
    const nonce = randomBytes(18).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview', 'panel.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'panel.css'));
    const csp = [
      "default-src 'none'",
      `style-src ${webview.cspSource}`,
      `font-src ${webview.cspSource}`,
      `img-src ${webview.cspSource} data:`,
      `script-src 'nonce-${nonce}'`,
      "connect-src 'none'",
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="${vscode.env.language}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link href="${style}" rel="stylesheet">
<title>${escapeHtml(vscode.l10n.t('OAuth Diagnosis'))}</title>
</head>
<body>
<main id="app" aria-live="polite"></main>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
  }

  dispose(): void {
    if (DiagnosePanel.current === this) DiagnosePanel.current = undefined;
    this.panel.dispose();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}

async function openLocation(file: string, line: number): Promise<void> {
  const uri = vscode.Uri.file(file);
  const doc = await vscode.workspace.openTextDocument(uri);
  const pos = new vscode.Position(Math.max(0, line - 1), 0);
  await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos), preview: true });
}

function isPanelStateLike(v: unknown): v is PanelState {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  return typeof s.title === 'string' && Array.isArray(s.flows) && Array.isArray(s.findings);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
