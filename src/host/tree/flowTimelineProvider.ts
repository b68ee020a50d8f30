import * as vscode from 'vscode';
import type { Flow, OAuthEvent, StageEntry } from '../../core/model';

type Node =
  | { kind: 'flow'; flow: Flow }
  | { kind: 'stage'; flow: Flow; entry: StageEntry }
  | { kind: 'event'; flow: Flow; event: OAuthEvent };

const STATUS_ICON: Record<string, string> = {
  ok: 'pass',
  failed: 'error',
  incomplete: 'warning',
  missing: 'circle-large-outline',
  not_applicable: 'circle-slash',
};

/**
 * The "Flow Timeline" sidebar tree: flows → stages → events. Empty until a diagnosis or a tail
 * produces flows; while empty, the view's welcome content (package.json `viewsWelcome`) shows.
 */
export class FlowTimelineProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private flows: Flow[] = [];
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  setFlows(flows: Flow[]): void {
    this.flows = flows;
    this.changed.fire(undefined);
  }

  get flowCount(): number {
    return this.flows.length;
  }

  getChildren(node?: Node): Node[] {
    if (!node) return this.flows.map((flow) => ({ kind: 'flow', flow }));
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

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'flow': {
        const item = new vscode.TreeItem(node.flow.clientId ?? vscode.l10n.t('unknown client'), vscode.TreeItemCollapsibleState.Collapsed);
        item.description = node.flow.startTime ? new Date(node.flow.startTime).toISOString().replace('T', ' ').slice(0, 19) : '';
        item.iconPath = new vscode.ThemeIcon(STATUS_ICON[node.flow.status] ?? 'circle');
        item.contextValue = 'flow';
        return item;
      }
      case 'stage': {
        const item = new vscode.TreeItem(node.entry.stage, node.entry.events.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.description = node.entry.status;
        item.iconPath = new vscode.ThemeIcon(STATUS_ICON[node.entry.status] ?? 'circle');
        item.contextValue = 'stage';
        return item;
      }
      case 'event': {
        const item = new vscode.TreeItem(node.event.message.slice(0, 120), vscode.TreeItemCollapsibleState.None);
        item.description = `${node.event.ref.file.split(/[\\/]/).pop()}:${node.event.ref.line}`;
        item.tooltip = node.event.message;
        item.contextValue = 'event';
        return item;
      }
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}
