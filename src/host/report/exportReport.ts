import * as vscode from 'vscode';
import { redact } from '../../core/redact/redact';
import type { ProbeReport } from '../../core/probes/probeReport';
import { renderMarkdownReport } from '../../core/report/markdownReport';
import type { Diagnosis } from '../../core/engine/diagnosisEngine';
import type { DiagnosisSession } from '../session';

/**
 * `OAuth: Export Report…`: the session as Markdown (flows, findings, fixes), secrets masked,
 * ready for a support ticket. The user picks: save to a file (save dialog) or open it as an
 * untitled editor to review and copy. The whole text passes through the redactor once more.
 */
export async function exportReport(session: DiagnosisSession, title: string, choice?: 'save' | 'open', target?: vscode.Uri): Promise<vscode.Uri | vscode.TextDocument | undefined> {
  if (session.isEmpty) {
    void vscode.window.showInformationMessage(vscode.l10n.t('There is no diagnosis to export yet: run "OAuth: Diagnose" first.'));
    return undefined;
  }
  const snap = session.snapshot();
  const text = redact(renderMarkdownReport(snap.diagnosis as Diagnosis, snap.probe as ProbeReport | undefined, { title: title || vscode.l10n.t('OAuth diagnosis') }));
  const how = choice ?? (await vscode.window.showQuickPick([
    { label: vscode.l10n.t('$(save) Save as Markdown file…'), value: 'save' as const },
    { label: vscode.l10n.t('$(go-to-file) Open in an editor'), value: 'open' as const },
  ], { title: vscode.l10n.t('Export OAuth report') }))?.value;
  if (!how) return undefined;
  if (how === 'open') {
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: text });
    await vscode.window.showTextDocument(doc, { preview: false });
    return doc;
  }
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const uri = target ?? await vscode.window.showSaveDialog({
    title: vscode.l10n.t('Save OAuth report'),
    filters: { Markdown: ['md'] },
    ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, 'oauth-report.md') } : {}),
  });
  if (!uri) return undefined;
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  void vscode.window.showInformationMessage(vscode.l10n.t('Report saved to {0} (secrets masked).', uri.fsPath || uri.toString()));
  return uri;
}
