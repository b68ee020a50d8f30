import * as vscode from 'vscode';
import type { Flow, OAuthEvent, StageEntry } from '../../core/model';
import { shownValue } from '../../core/report/shownValue';
import { flowFingerprint, treeStatusIcon } from './treeModel';

/** A node of the Flow Timeline tree; also the argument its context-menu commands receive. */
export type TimelineNode =
  | { kind: 'flow'; flow: Flow }
  | { kind: 'stage'; flow: Flow; entry: StageEntry }
  | { kind: 'event'; flow: Flow; event: OAuthEvent };

/**
 * The "Flow Timeline" sidebar tree: flows (client, start time, worst status) → stages → events.
 * Empty until a diagnosis or a tail produces flows; while empty, the view's welcome content
 * (package.json `viewsWelcome`) shows. Refreshed from the session's throttled change event.
 */
export class FlowTimelineProvider implements vscode.TreeDataProvider<TimelineNode>, vscode.Disposable {
  private flows: Flow[] = [];
  private readonly changed = new vscode.EventEmitter<TimelineNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  setFlows(flows: Flow[]): void {
    this.flows = flows;
    this.changed.fire(undefined);
  }

  get flowCount(): number {
    return this.flows.length;
  }

  /** Flows whose worst status is `failed`: the number on the view's badge. */
  get failingCount(): number {
    return this.flows.filter((f) => f.status === 'failed').length;
  }

  getChildren(node?: TimelineNode): TimelineNode[] {
    if (!node) {
      // Failing flows first, then newest first: what the user is looking for is on top.
      const rank = { failed: 0, incomplete: 1, ok: 2 } as const;
      return [...this.flows]
        .sort((a, b) => rank[a.status] - rank[b.status] || (b.startTime ?? 0) - (a.startTime ?? 0))
        .map((flow) => ({ kind: 'flow', flow }));
    }
    if (node.kind === 'flow') {
      return node.flow.stages.filter((e) => e.status !== 'not_applicable').map((entry) => ({ kind: 'stage', flow: node.flow, entry }));
    }
    if (node.kind === 'stage') {
      return node.entry.events.flatMap((i) => {
        const event = node.flow.events[i];
        return event ? [{ kind: 'event' as const, flow: node.flow, event }] : [];
      });
    }
    return [];
  }

  getParent(node: TimelineNode): TimelineNode | undefined {
    if (node.kind === 'flow') return undefined;
    if (node.kind === 'stage') return { kind: 'flow', flow: node.flow };
    const entry = node.flow.stages.find((s) => s.events.some((i) => node.flow.events[i] === node.event));
    return entry ? { kind: 'stage', flow: node.flow, entry } : { kind: 'flow', flow: node.flow };
  }

  getTreeItem(node: TimelineNode): vscode.TreeItem {
    switch (node.kind) {
      case 'flow': {
        const item = new vscode.TreeItem(node.flow.clientId !== undefined ? shownValue(node.flow.clientId) : vscode.l10n.t('unknown client'), vscode.TreeItemCollapsibleState.Collapsed);
        const when = node.flow.startTime ? new Date(node.flow.startTime).toISOString().replace('T', ' ').slice(0, 19) : '';
        item.description = [when, statusText(node.flow.status)].filter(Boolean).join(' · ');
        item.iconPath = new vscode.ThemeIcon(treeStatusIcon(node.flow.status), statusColor(node.flow.status));
        item.tooltip = vscode.l10n.t('Flow {0} ({1}): {2}', node.flow.clientId !== undefined ? shownValue(node.flow.clientId) : vscode.l10n.t('unknown client'), flowFingerprint(node.flow), statusText(node.flow.status));
        item.contextValue = 'oauthFlow';
        item.id = `flow:${node.flow.id}`;
        return item;
      }
      case 'stage': {
        const item = new vscode.TreeItem(stageLabel(node.entry.stage), node.entry.events.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.description = [statusText(node.entry.status), node.entry.time ? new Date(node.entry.time).toISOString().slice(11, 19) : ''].filter(Boolean).join(' · ');
        item.iconPath = new vscode.ThemeIcon(treeStatusIcon(node.entry.status), statusColor(node.entry.status));
        item.contextValue = 'oauthStage';
        item.id = `stage:${node.flow.id}:${node.entry.stage}`;
        return item;
      }
      case 'event': {
        const e = node.event;
        const item = new vscode.TreeItem(e.message.slice(0, 120), vscode.TreeItemCollapsibleState.None);
        item.description = `${e.ref.file.split(/[\\/]/).pop()}:${e.ref.line}`;
        // A MarkdownString tooltip would render log text as markdown: plain string only.
        item.tooltip = `${e.ref.file}:${e.ref.line}\n${e.message}`;
        item.iconPath = new vscode.ThemeIcon(e.error ? 'error' : e.tokens?.length ? 'key' : 'note', e.error ? statusColor('failed') : undefined);
        item.contextValue = e.tokens?.length || e.code ? 'oauthEvent.withSecret' : 'oauthEvent';
        item.id = `event:${node.flow.id}:${e.ref.file}:${e.ref.line}`;
        item.command = { command: 'oauthDebugger.revealLogLine', title: vscode.l10n.t('Reveal Log Line'), arguments: [node] };
        return item;
      }
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** Localised stage names (the same words as the panel). */
export function stageLabel(stage: string): string {
  switch (stage) {
    case 'discovery': return vscode.l10n.t('Discovery');
    case 'registration': return vscode.l10n.t('Registration');
    case 'authorize': return vscode.l10n.t('Authorize');
    case 'consent': return vscode.l10n.t('Consent');
    case 'callback': return vscode.l10n.t('Callback');
    case 'token': return vscode.l10n.t('Token request');
    case 'token_issued': return vscode.l10n.t('Token issued');
    case 'api': return vscode.l10n.t('API call');
    default: return stage;
  }
}

function statusText(status: string): string {
  switch (status) {
    case 'ok': return vscode.l10n.t('ok');
    case 'failed': return vscode.l10n.t('failed');
    case 'incomplete': return vscode.l10n.t('incomplete');
    case 'missing': return vscode.l10n.t('missing');
    default: return vscode.l10n.t('not applicable');
  }
}

function statusColor(status: string): vscode.ThemeColor | undefined {
  if (status === 'failed') return new vscode.ThemeColor('testing.iconFailed');
  if (status === 'ok') return new vscode.ThemeColor('testing.iconPassed');
  if (status === 'incomplete') return new vscode.ThemeColor('list.warningForeground');
  return undefined;
}
