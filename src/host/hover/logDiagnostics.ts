import * as vscode from 'vscode';
import type { Finding } from '../../core/model';
import type { DiagnosisSession } from '../session';
import type { CatalogText } from '../panel/panelState';
import { documentSource } from './logHoverProvider';

/**
 * Error findings as diagnostics in the Problems panel, on their evidence lines. Findings come
 * from the session (a Diagnose run or a tail); a finding's evidence names its source, so it is
 * matched to open documents by path (or URI for untitled editors) and also set for files that
 * are not open, so Problems lists them and a click opens the right line.
 */
export class LogDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('oauthDebugger');
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly session: DiagnosisSession, private readonly catalog: (id: string) => CatalogText | undefined) {
    this.disposables.push(this.collection, session.onDidChange(() => this.refresh()));
  }

  refresh(): void {
    const byFile = new Map<string, vscode.Diagnostic[]>();
    const findings: Finding[] = [...this.session.snapshot().diagnosis.findings, ...(this.session.snapshot().probe?.findings ?? [])];
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
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}
