import type * as vscode from 'vscode';
import { readSettings } from '../config';

/**
 * The documents that get hovers and diagnostics: `log` files, untitled editors (grep output
 * pasted or piped in), and plain-text files matching `oauthDebugger.logs.hoverGlobs`.
 * Kept light (no engine imports): the activation bootstrap uses it to decide when to load the engine.
 */
export function logDocumentSelector(): vscode.DocumentSelector {
  return [
    { language: 'log' },
    { scheme: 'untitled' },
    ...readSettings().hoverGlobs.map((pattern) => ({ pattern })),
  ];
}
