/**
 * The timeline's view-model: flattens flows → stages → evidence into fixed-height rows, applies
 * the filters, and computes which rows are visible (windowing keeps 10 000 events smooth: the
 * DOM only ever holds the rows on screen). Pure functions, no DOM: tested in plain Node.
 */
import type { PanelExchange, PanelFlow, PanelLine, PanelStage, PanelState } from '../src/shared/protocol';

export interface TimelineFilter {
  /** Exact client label, or '' for all. */
  client: string;
  /** Flow status, or '' for all. */
  status: '' | 'ok' | 'failed' | 'incomplete';
  /** Case-insensitive substring over flow labels and evidence text. */
  text: string;
}

export const NO_FILTER: TimelineFilter = { client: '', status: '', text: '' };

export type Row =
  | { kind: 'flow'; key: string; depth: 0; flow: PanelFlow; expanded: boolean }
  | { kind: 'stage'; key: string; depth: 1; flow: PanelFlow; stage: PanelStage; expanded: boolean; expandable: boolean; count: number }
  | { kind: 'line'; key: string; depth: 2; flow: PanelFlow; stage: PanelStage; line: PanelLine }
  | { kind: 'exchange'; key: string; depth: 2; flow: PanelFlow; stage: PanelStage; exchange: PanelExchange; index: number };

export function flowKey(flow: PanelFlow): string {
  return `f:${flow.id}`;
}

export function stageKey(flow: PanelFlow, stage: PanelStage): string {
  return `s:${flow.id}:${stage.stage}`;
}

/** Distinct client labels, sorted, for the client filter. */
export function clientsOf(state: PanelState | undefined): string[] {
  return [...new Set((state?.flows ?? []).map((f) => f.label))].sort();
}

function matchesText(flow: PanelFlow, needle: string): boolean {
  if (flow.label.toLowerCase().includes(needle) || flow.id.toLowerCase().includes(needle)) return true;
  return flow.stages.some((s) => s.lines.some((l) => l.text.toLowerCase().includes(needle)) ||
    (s.exchanges ?? []).some((x) => x.url.toLowerCase().includes(needle)));
}

/** The flows that pass the filter, in their original order. */
export function filterFlows(flows: PanelFlow[], filter: TimelineFilter): PanelFlow[] {
  const needle = filter.text.trim().toLowerCase();
  return flows.filter((f) =>
    (!filter.client || f.label === filter.client) &&
    (!filter.status || f.status === filter.status) &&
    (!needle || matchesText(f, needle)));
}

/**
 * Rows for the current expansion and filter. With a text filter, matching flows and stages open
 * by themselves and only matching lines are listed, so a search shows its hits.
 */
export function buildRows(state: PanelState | undefined, expanded: ReadonlySet<string>, filter: TimelineFilter): Row[] {
  const rows: Row[] = [];
  if (!state) return rows;
  const needle = filter.text.trim().toLowerCase();
  for (const flow of filterFlows(state.flows, filter)) {
    const fk = flowKey(flow);
    const flowOpen = expanded.has(fk) || needle.length > 0;
    rows.push({ kind: 'flow', key: fk, depth: 0, flow, expanded: flowOpen });
    if (!flowOpen) continue;
    for (const stage of flow.stages) {
      if (stage.status === 'not_applicable' && !stage.lines.length && !stage.exchanges?.length) continue;
      const lines = needle ? stage.lines.filter((l) => l.text.toLowerCase().includes(needle)) : stage.lines;
      const exchanges = stage.exchanges ?? [];
      const count = lines.length + exchanges.length;
      if (needle && count === 0 && !flow.label.toLowerCase().includes(needle)) continue;
      const sk = stageKey(flow, stage);
      const open = count > 0 && (expanded.has(sk) || needle.length > 0);
      rows.push({ kind: 'stage', key: sk, depth: 1, flow, stage, expanded: open, expandable: count > 0, count });
      if (!open) continue;
      for (const line of lines) rows.push({ kind: 'line', key: `l:${flow.id}:${stage.stage}:${line.file}:${line.line}`, depth: 2, flow, stage, line });
      exchanges.forEach((exchange, index) =>
        rows.push({ kind: 'exchange', key: `x:${flow.id}:${stage.stage}:${index}`, depth: 2, flow, stage, exchange, index }));
    }
  }
  return rows;
}

/** Rows to render for a scroll position: [start, end) with some overscan on both sides. */
export function visibleRange(scrollTop: number, viewportHeight: number, rowHeight: number, total: number, overscan = 8): { start: number; end: number } {
  if (total <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const count = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1;
  const start = Math.max(0, Math.min(total - 1, first) - overscan);
  const end = Math.min(total, first + count + overscan);
  return { start, end: Math.max(start, end) };
}

/** Index of the row to move to for a navigation key, or undefined when the key is not ours. */
export function navigate(rows: Row[], active: number, key: string, pageRows: number): number | undefined {
  if (!rows.length) return undefined;
  const clamp = (i: number): number => Math.max(0, Math.min(rows.length - 1, i));
  switch (key) {
    case 'ArrowDown': return clamp(active + 1);
    case 'ArrowUp': return clamp(active - 1);
    case 'Home': return 0;
    case 'End': return rows.length - 1;
    case 'PageDown': return clamp(active + pageRows);
    case 'PageUp': return clamp(active - pageRows);
    case 'ArrowLeft': {
      const row = rows[active];
      if (!row || row.depth === 0) return undefined;
      for (let i = active - 1; i >= 0; i--) if ((rows[i]?.depth ?? 0) < row.depth) return i;
      return undefined;
    }
    default: return undefined;
  }
}

/** "850 ms", "12 s", "4 min 3 s", "2 h 5 min": the time between two steps. */
export function formatDuration(ms: number): string {
  const a = Math.abs(ms);
  const sign = ms < 0 ? '−' : '';
  if (a < 1000) return `${sign}${Math.round(a)} ms`;
  const s = Math.round(a / 1000);
  if (s < 60) return `${sign}${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${sign}${m} min${s % 60 ? ` ${s % 60} s` : ''}`;
  const h = Math.floor(m / 60);
  return `${sign}${h} h${m % 60 ? ` ${m % 60} min` : ''}`;
}

/** A gap this long before a step is worth flagging (authorization codes often live 60 s). */
export const LONG_GAP_MS = 30_000;

/** Wall-clock time of an event, `HH:MM:SS.mmm` in UTC, the way server logs usually write it. */
export function formatClock(time: number): string {
  return new Date(time).toISOString().slice(11, 23);
}

/** Date and time for flow headers. */
export function formatDateTime(time: number): string {
  return new Date(time).toISOString().replace('T', ' ').slice(0, 19);
}

/** The codicon for a status. */
export function statusIcon(status: string): string {
  switch (status) {
    case 'ok': return 'pass';
    case 'failed': return 'error';
    case 'incomplete': return 'warning';
    case 'missing': return 'circle-large-outline';
    case 'warning': return 'warning';
    case 'skipped': return 'circle-slash';
    default: return 'circle-slash';
  }
}
