import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { VIEWS } from '../../shared/commandIds';
import { isFromWebviewMessage } from '../../shared/protocol';
import type { DecoderView, FromWebviewMessage, PanelState, ToWebviewMessage } from '../../shared/protocol';
import type { Log } from '../log';
import { webviewStrings } from './webviewStrings';
import { openLocation } from './openLocation';

/**
 * The diagnosis panel: one instance, created on demand, restored after a window reload by the
 * serializer registered in `activate`. Its webview runs under a strict CSP (no inline script,
 * nonce-only scripts, no network) and only loads the built assets in `dist/` and `media/`.
 */
/** What the panel asks the rest of the host for (set once in `activate`). */
export interface PanelServices {
  /** Decodes and verifies a pasted token (never logged). */
  decode(token: string, origin: string): Promise<DecoderView>;
  /** Re-reads a log line (the webview only has it masked) and decodes the JWT it carries. */
  decodeFromLine(file: string, line: number): Promise<DecoderView>;
  /** The state to show when the panel opens without one (the session's current result). */
  currentState(): PanelState | undefined;
}

export class DiagnosePanel implements vscode.Disposable {
  static current: DiagnosePanel | undefined;
  static services: PanelServices | undefined;

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
    DiagnosePanel.current = new DiagnosePanel(panel, extensionUri, state ?? DiagnosePanel.services?.currentState(), log);
    return DiagnosePanel.current;
  }

  /** Restores the panel after a reload, with the state the webview had saved. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, saved: unknown, log: Log): DiagnosePanel {
    panel.webview.options = DiagnosePanel.webviewOptions(extensionUri);
    // The webview saves `{ state, expanded, filter, … }`; older builds saved the bare state.
    const inner = typeof saved === 'object' && saved !== null ? (saved as { state?: unknown }).state : undefined;
    const state = isPanelStateLike(inner) ? inner : isPanelStateLike(saved) ? saved : DiagnosePanel.services?.currentState();
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

  /** Shows a decoded token in the panel's JWT decoder. */
  showDecoded(view: DecoderView): void {
    this.panel.reveal(undefined, false);
    void this.whenReady.then(() => this.post({ type: 'decoded', view }));
  }

  /** "Show in timeline": opens the flow (and the line's stage) and selects it. */
  reveal(target: { flowId?: string; file?: string; line?: number }): void {
    this.panel.reveal(undefined, false);
    void this.whenReady.then(() => this.post({ type: 'reveal', ...target }));
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
      case 'decode': {
        const services = DiagnosePanel.services;
        if (!services) return;
        void services.decode(m.token, vscode.l10n.t('pasted')).then((view) => this.post({ type: 'decoded', view, inReplyTo: m.requestId }),
          (err: unknown) => this.log.error('Decoding a pasted token failed', err));
        return;
      }
      case 'decodeFromLine': {
        const services = DiagnosePanel.services;
        if (!services) return;
        void services.decodeFromLine(m.file, m.line).then((view) => this.post({ type: 'decoded', view }),
          (err: unknown) => this.log.error('Decoding a token from a log line failed', err));
        return;
      }
      case 'copy':
        void vscode.env.clipboard.writeText(m.text).then(() => vscode.window.setStatusBarMessage(vscode.l10n.t('Copied to the clipboard.'), 3000));
        return;
    }
  }

  private html(webview: vscode.Webview): string {
    const nonce = randomBytes(18).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview', 'panel.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'panel.css'));
    const codicons = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview', 'codicon.css'));
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
<link href="${codicons}" rel="stylesheet" id="vscode-codicon-stylesheet">
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

function isPanelStateLike(v: unknown): v is PanelState {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  return typeof s.title === 'string' && Array.isArray(s.flows) && Array.isArray(s.findings);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
