import * as vscode from 'vscode';
import { MAX_LINE_CHARS } from '../../core/lines';
import { parseLine } from '../../core/logs/parseLine';
import { SETTINGS_PREFIX } from '../../shared/commandIds';
import { logDocumentSelector } from './logDocuments';
import type { DiagnosisSession } from '../session';
import { stageLabel } from '../tree/flowTimelineProvider';
import { buildHoverMarkdown, HOVER_COMMANDS } from './hoverModel';

export { logDocumentSelector };
import type { HoverCatalogText } from './hoverModel';

/** The name a document's lines carry as `source`: its path for files, its URI otherwise. */
export function documentSource(doc: vscode.TextDocument): string {
  return doc.uri.scheme === 'file' ? doc.uri.fsPath : doc.uri.toString();
}

/**
 * Hovers on log lines. Only the hovered line is parsed (never the document), so a hover on a
 * 100 MB log costs what one line costs (see scripts/bench/hover.mjs). What the session knows
 * about the line (its flow, a finding on it) comes from an index rebuilt lazily after changes.
 */
export class LogHoverProvider implements vscode.HoverProvider, vscode.Disposable {
  private index: Map<string, { flowId: string; findingId?: string }> | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private registration: vscode.Disposable | undefined;

  constructor(
    private readonly session: DiagnosisSession,
    private readonly catalog: (id: string) => HoverCatalogText | undefined,
  ) {
    this.disposables.push(
      session.onDidChange(() => (this.index = undefined)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${SETTINGS_PREFIX}.logs.hoverGlobs`)) this.register();
      }),
    );
    this.register();
  }

  private register(): void {
    this.registration?.dispose();
    this.registration = vscode.languages.registerHoverProvider(logDocumentSelector(), this);
  }

  provideHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    const raw = doc.lineAt(pos.line).text;
    const text = raw.length > MAX_LINE_CHARS ? raw.slice(0, MAX_LINE_CHARS) : raw;
    const source = documentSource(doc);
    const event = parseLine({ source, line: pos.line + 1, text, ...(raw.length > MAX_LINE_CHARS ? { truncated: true } : {}) });
    if (!event) return undefined;
    const known = this.lookup(source, pos.line + 1);
    const markdown = buildHoverMarkdown({
      event,
      target: { file: source, line: pos.line + 1 },
      catalog: this.catalog,
      ...(known?.findingId ? { findingId: known.findingId } : {}),
      inTimeline: known !== undefined,
      stageLabel,
      now: Date.now(),
      t: (m, ...a) => vscode.l10n.t(m, ...a),
    });
    if (!markdown) return undefined;
    const md = new vscode.MarkdownString(markdown, true);
    // Only the two commands the links use may run from this hover: never `isTrusted = true`.
    md.isTrusted = { enabledCommands: [...HOVER_COMMANDS] };
    md.supportHtml = false;
    return new vscode.Hover(md, new vscode.Range(pos.line, 0, pos.line, raw.length));
  }

  private lookup(file: string, line: number): { flowId: string; findingId?: string } | undefined {
    if (!this.index) {
      const index = new Map<string, { flowId: string; findingId?: string }>();
      const snap = this.session.snapshot();
      for (const flow of snap.diagnosis.flows) {
        for (const e of flow.events) index.set(`${e.ref.file}\u0000${e.ref.line}`, { flowId: flow.id });
      }
      for (const f of snap.diagnosis.findings) {
        for (const ev of f.evidence) {
          const k = `${ev.file}\u0000${ev.line}`;
          const cur = index.get(k);
          if (cur && !cur.findingId) cur.findingId = f.id;
          else if (!cur && f.flowId) index.set(k, { flowId: f.flowId, findingId: f.id });
        }
      }
      this.index = index;
    }
    return this.index.get(`${file}\u0000${line}`);
  }

  dispose(): void {
    this.registration?.dispose();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}
