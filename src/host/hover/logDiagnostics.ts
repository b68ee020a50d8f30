import * as vscode from 'vscode';
import type { Finding } from '../../core/model';
import { analyze } from '../../core/engine/diagnosisEngine';
import { readSettings } from '../config';
import type { DiagnosisSession } from '../session';
import type { CatalogText } from '../panel/panelState';
import { documentSource, logDocumentSelector } from './logHoverProvider';

/** Open log documents larger than this are only covered through the session (Diagnose / tail). */
const MAX_ANALYZED_CHARS = 20 * 1024 * 1024;

/**
 * Error findings as diagnostics in the Problems panel, on their evidence lines. Findings come
 * from the session (a Diagnose run or a tail); a finding's evidence names its source, so it is
 * matched to open documents by path (or URI for untitled editors) and also set for files that
 * are not open, so Problems lists them and a click opens the right line.
 */
export class LogDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('oauthDebugger');
  private readonly disposables: vscode.Disposable[] = [];
  /** Findings of open log documents the session does not cover, analysed on their own. */
  private readonly perDocument = new Map<string, Finding[]>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly session: DiagnosisSession, private readonly catalog: (id: string) => CatalogText | undefined) {
    this.disposables.push(
      this.collection,
      session.onDidChange(() => this.refresh()),
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (this.perDocument.delete(documentSource(d))) this.refresh();
      }),
    );
    for (const d of vscode.workspace.textDocuments) this.schedule(d);
  }

  /** Analyses an open log document (debounced): its error findings show even without a Diagnose run. */
  private schedule(doc: vscode.TextDocument): void {
    if (!vscode.languages.match(logDocumentSelector(), doc)) return;
    const source = documentSource(doc);
    const pending = this.timers.get(source);
    if (pending) clearTimeout(pending);
    this.timers.set(source, setTimeout(() => {
      this.timers.delete(source);
      if (doc.isClosed || this.session.sources.includes(source)) return;
      const text = doc.getText();
      if (text.length > MAX_ANALYZED_CHARS) return;
      const lines = text.split(/\r?\n/).map((t, i) => ({ source, line: i + 1, text: t }));
      const d = analyze(lines, { codeTtlSeconds: readSettings().codeTtlSeconds });
      this.perDocument.set(source, d.findings);
      this.refresh();
    }, 400));
  }

  refresh(): void {
    const byFile = new Map<string, vscode.Diagnostic[]>();
    const sessionSources = new Set(this.session.sources);
    const findings: Finding[] = [
      ...this.session.snapshot().diagnosis.findings,
      ...(this.session.snapshot().probe?.findings ?? []),
      ...[...this.perDocument].filter(([src]) => !sessionSources.has(src)).flatMap(([, f]) => f),
    ];
    for (const f of findings) {
      if (f.severity !== 'error') continue;
      for (const ev of f.evidence) {
        const list = byFile.get(ev.file) ?? [];
        const line = Math.max(0, ev.line - 1);
        const title = this.catalog(f.id)?.title ?? f.id;
        const d = new vscode.Diagnostic(new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER), `${title}: ${f.detail}`, vscode.DiagnosticSeverity.Error);
        d.source = 'OAuth';
        d.code = f.id;
        list.push(d);
        byFile.set(ev.file, list);
      }
    }
    this.collection.clear();
    const open = new Map(vscode.workspace.textDocuments.map((doc) => [documentSource(doc), doc.uri]));
    for (const [file, diags] of byFile) {
      if (/^(ssh:\/\/|cmd:)/.test(file)) continue;
      const uri = open.get(file) ?? (file.includes('://') || file.startsWith('untitled:') ? vscode.Uri.parse(file) : vscode.Uri.file(file));
      this.collection.set(uri, diags);
    }
  }

  /** Diagnostics currently set for a document (tests). */
  get(uri: vscode.Uri): readonly vscode.Diagnostic[] {
    return this.collection.get(uri) ?? [];
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}
