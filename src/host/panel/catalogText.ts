import * as vscode from 'vscode';
import { catalogEntry } from '../../core/catalog/catalog';
import { isFindingId } from '../../core/catalog/findingIds';
import type { CatalogText } from './panelState';

/**
 * The catalog's wording for the panel, hovers and reports, passed through `vscode.l10n.t` so a
 * translation bundle can carry it (the English text is the lookup key). Unknown ids give undefined.
 */
export function catalogText(id: string): CatalogText | undefined {
  if (!isFindingId(id)) return undefined;
  const e = catalogEntry(id);
  return {
    title: vscode.l10n.t(e.title),
    meaning: vscode.l10n.t(e.meaning),
    fix: e.fix.map((f) => vscode.l10n.t(f)),
    ...(e.spec ? { spec: e.spec } : {}),
  };
}
