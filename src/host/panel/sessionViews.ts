import * as vscode from 'vscode';
import type { PanelState } from '../../shared/protocol';
import type { DiagnosisSession } from '../session';
import type { FlowTimelineProvider } from '../tree/flowTimelineProvider';
import { failingBadge } from '../tree/treeModel';
import { DiagnosePanel } from './diagnosePanel';
import { buildPanelState } from './panelState';
import type { CatalogText, RedirectComparisonLike } from './panelState';

export interface SessionViewsDeps {
  catalog: (id: string) => CatalogText | undefined;
  compareRedirect?: (expected: string, actual: string) => RedirectComparisonLike;
}

/**
 * Keeps every view of the session in step: the panel (state pushed on each throttled change),
 * the sidebar tree and its failing-flows badge. The panel state is built lazily and cached
 * until the session changes again, so a hidden panel costs nothing while a tail streams.
 */
export class SessionViews implements vscode.Disposable {
  private cached: PanelState | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** Shown as the panel title: what the current result is about (a log file, an issuer). */
  title = '';

  constructor(
    private readonly session: DiagnosisSession,
    private readonly timeline: FlowTimelineProvider,
    private readonly treeView: vscode.TreeView<unknown>,
    private readonly deps: SessionViewsDeps,
  ) {
    this.disposables.push(session.onDidChange(() => this.refresh()));
  }

  /** The panel state for the session's current snapshot (undefined while the session is empty). */
  currentState(): PanelState | undefined {
    if (this.session.isEmpty) return undefined;
    if (!this.cached) {
      const snap = this.session.snapshot();
      this.cached = buildPanelState(snap, {
        title: this.title || this.defaultTitle(),
        catalog: this.deps.catalog,
        ...(this.deps.compareRedirect ? { compareRedirect: this.deps.compareRedirect } : {}),
        unknownClient: vscode.l10n.t('unknown client'),
        live: this.session.activeSources.length > 0,
        summarize: (c) => vscode.l10n.t('{0} flows ({1} failing) · {2} findings ({3} errors) · {4} lines read', c.flows, c.failing, c.findings, c.errors, c.lines),
      });
    }
    return this.cached;
  }

  /** Rebuilds what the views show from the session. */
  refresh(): void {
    this.cached = undefined;
    const snap = this.session.snapshot();
    this.timeline.setFlows(snap.diagnosis.flows);
    this.treeView.badge = failingBadge(this.timeline.failingCount, (n) => vscode.l10n.t('{0} failing OAuth flows', n));
    const panel = DiagnosePanel.current;
    const state = this.currentState();
    if (panel && state) panel.setState(state);
  }

  private defaultTitle(): string {
    const probe = this.session.snapshot().probe;
    const sources = this.session.sources.map((s) => s.split(/[\\/]/).pop() ?? s);
    const parts = [...(probe ? [probe.issuer ?? probe.target] : []), ...sources];
    return parts.length ? parts.join(' · ') : vscode.l10n.t('OAuth Diagnosis');
  }

  dispose(): void {
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}
