import * as vscode from 'vscode';
import { compareRedirectUris } from '../../core/checks/redirectUri';
import type { Log } from '../log';
import type { DiagnosisSession } from '../session';
import type { ParseThread } from '../../sources/parseThread';
import type { FlowTimelineProvider, TimelineNode } from '../tree/flowTimelineProvider';
import { eventFingerprint, flowFingerprint } from '../tree/treeModel';
import { diagnose } from '../diagnose/diagnoseCommand';
import type { DiagnoseChoice } from '../diagnose/diagnoseCommand';
import { isDecodeTarget, pickAndDecode } from '../jwt/decodeJwtCommand';
import { JwtDecoderService } from '../jwt/jwtDecoderService';
import { DiagnosePanel } from './diagnosePanel';
import { openLocation } from './openLocation';
import type { CatalogText } from './panelState';
import { SessionViews } from './sessionViews';
import { LogHoverProvider } from '../hover/logHoverProvider';
import { LogDiagnostics } from '../hover/logDiagnostics';
import { exportReport } from '../report/exportReport';

export interface UiDeps {
  context: vscode.ExtensionContext;
  log: Log;
  session: DiagnosisSession;
  /** Where log lines go: the parse thread in front of the session. */
  lines: ParseThread;
  timeline: FlowTimelineProvider;
  treeView: vscode.TreeView<TimelineNode>;
  catalog: (id: string) => CatalogText | undefined;
}

/**
 * Everything the user sees, wired to the session: the panel and tree (through SessionViews),
 * the JWT decoder, and the commands behind panel buttons, tree context menus and hover links.
 * Created in `activate`; nothing here does work until a command runs or the session changes.
 */
export class UiServices implements vscode.Disposable {
  readonly views: SessionViews;
  readonly decoder: JwtDecoderService;
  readonly hovers: LogHoverProvider;
  readonly diagnostics: LogDiagnostics;

  constructor(private readonly deps: UiDeps) {
    this.hovers = new LogHoverProvider(deps.session, deps.catalog);
    this.diagnostics = new LogDiagnostics(deps.session, deps.catalog);
    this.views = new SessionViews(deps.session, deps.timeline, deps.treeView, { catalog: deps.catalog, compareRedirect: compareRedirectUris });
    this.decoder = new JwtDecoderService(deps.session, deps.log);
    DiagnosePanel.services = {
      decode: (token, origin) => this.decoder.decode(token, { origin }),
      decodeFromLine: (file, line) => pickAndDecode(this.decoder, deps.session, { file, line }).then((v) => v ?? { ok: false, origin: `${file}:${line}` }),
      currentState: () => this.views.currentState(),
    };
  }

  /** Opens (or reveals) the panel on the session's current result. */
  showPanel(): DiagnosePanel {
    const state = this.views.currentState();
    return DiagnosePanel.createOrShow(this.deps.context.extensionUri, this.deps.log, state);
  }

  /**
   * The command: with a preset (tests, scripts) it runs and resolves with the outcome; from the
   * palette it opens the panel at once (current result or empty state) and asks its questions
   * without blocking the command, so the panel is there while the user answers.
   */
  async diagnoseCommand(preset?: unknown): Promise<boolean> {
    if (isPreset(preset)) return this.diagnose(preset);
    this.showPanel();
    void this.diagnose().catch((err: unknown) => this.deps.log.error('Diagnose failed', err));
    return true;
  }

  /** `OAuth: Diagnose` (guided; `preset` answers the questions, for tests and scripted runs). */
  async diagnose(preset?: unknown): Promise<boolean> {
    const choice = isPreset(preset) ? preset : undefined;
    return diagnose({
      context: this.deps.context,
      session: this.deps.session,
      lines: this.deps.lines,
      log: this.deps.log,
      showResult: (title) => {
        this.views.title = title;
        this.views.refresh();
        this.showPanel();
      },
    }, choice);
  }

  /** `OAuth: Decode JWT`: from a hover/tree target, the selection, the line, the clipboard or an input box. */
  async decodeJwt(arg?: unknown): Promise<void> {
    const target = isDecodeTarget(arg) ? arg : isEventNode(arg) ? { file: arg.event.ref.file, line: arg.event.ref.line } : undefined;
    const view = await pickAndDecode(this.decoder, this.deps.session, target);
    if (!view) return;
    this.showPanel().showDecoded(view);
  }

  /** `OAuth: Export Report…`; `{ how: 'open' | 'save', path? }` skips the questions (tests). */
  async exportReport(arg?: unknown): Promise<unknown> {
    const o = typeof arg === 'object' && arg !== null ? arg as { how?: unknown; path?: unknown } : {};
    const how = o.how === 'open' || o.how === 'save' ? o.how : undefined;
    const target = typeof o.path === 'string' ? vscode.Uri.file(o.path) : undefined;
    return exportReport(this.deps.session, this.views.currentState()?.title ?? '', how, target);
  }

  /** "Show in timeline" (hover link with `{file, line}`, or a tree node). */
  showInTimeline(arg?: unknown): void {
    const panel = this.showPanel();
    if (isDecodeTarget(arg)) panel.reveal({ file: arg.file, line: arg.line });
    else if (isNode(arg)) {
      if (arg.kind === 'event') panel.reveal({ flowId: arg.flow.id, file: arg.event.ref.file, line: arg.event.ref.line });
      else panel.reveal({ flowId: arg.flow.id });
    }
  }

  /** Tree context menu: open the event's log line (or the first line of a flow/stage). */
  async revealLogLine(arg?: unknown): Promise<void> {
    if (!isNode(arg)) return;
    const event = arg.kind === 'event' ? arg.event : arg.kind === 'stage' ? arg.flow.events[arg.entry.events[0] ?? -1] : arg.flow.events[0];
    if (!event) {
      void vscode.window.showInformationMessage(vscode.l10n.t('This step has no log line.'));
      return;
    }
    await openLocation(event.ref.file, event.ref.line);
  }

  /** Tree context menu: copy the token/code fingerprint (or the flow id) to the clipboard. */
  async copyFingerprint(arg?: unknown): Promise<void> {
    if (!isNode(arg)) return;
    const value = arg.kind === 'event' ? (eventFingerprint(arg.event) ?? arg.flow.id) : flowFingerprint(arg.flow);
    await vscode.env.clipboard.writeText(value);
    vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', value), 3000);
  }

  dispose(): void {
    this.hovers.dispose();
    this.diagnostics.dispose();
    this.views.dispose();
    this.decoder.dispose();
    DiagnosePanel.services = undefined;
  }
}

function isNode(v: unknown): v is TimelineNode {
  if (typeof v !== 'object' || v === null) return false;
  const k = (v as { kind?: unknown }).kind;
  return (k === 'flow' || k === 'stage' || k === 'event') && typeof (v as { flow?: unknown }).flow === 'object';
}

function isEventNode(v: unknown): v is Extract<TimelineNode, { kind: 'event' }> {
  return isNode(v) && v.kind === 'event';
}

function isPreset(v: unknown): v is DiagnoseChoice & { clientSecret?: string } {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  const logs = o.logs as Record<string, unknown> | undefined;
  return typeof logs === 'object' && logs !== null && ['file', 'ssh', 'none'].includes(String(logs.kind)) &&
    (o.target === undefined || typeof o.target === 'string');
}
