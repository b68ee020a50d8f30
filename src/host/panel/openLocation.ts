import * as vscode from 'vscode';

/**
 * Opens evidence at its line. Sources are local paths, open editors (untitled grep output, by
 * URI), `ssh://host/path` or `cmd:name`; the last two have no local file, so the user is told
 * where the line is instead of getting an error about a missing file.
 */
export async function openLocation(file: string, line: number): Promise<void> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === file || d.uri.fsPath === file);
  if (!open && /^(ssh:\/\/|cmd:)/.test(file)) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Line {0} of {1} is on a remote source; it cannot be opened as a local file.', line, file));
    return;
  }
  const doc = open ?? await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  const pos = new vscode.Position(Math.max(0, Math.min(doc.lineCount - 1, line - 1)), 0);
  await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos), preview: true });
}
