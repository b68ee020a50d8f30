import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildRows, clientsOf, filterFlows, flowKey, formatDuration, navigate, NO_FILTER, stageKey, visibleRange } from '../../../webview/timelineModel';
import type { PanelFlow, PanelState } from '../../../src/shared/protocol';

function flow(id: string, label: string, status: PanelFlow['status'], lines = 2): PanelFlow {
  return {
    id, label, status,
    stages: [
      { stage: 'authorize', status: 'ok', time: 1000, lines: Array.from({ length: lines }, (_, i) => ({ file: '/l/a.log', line: i + 1, text: `GET /authorize client=${label} #${i}` })) },
      { stage: 'consent', status: 'not_applicable', lines: [] },
      { stage: 'token', status: status === 'ok' ? 'ok' : 'failed', time: 95_000, gapMs: 94_000, lines: [{ file: '/l/a.log', line: 99, text: 'POST /token invalid_grant' }] },
    ],
  };
}

const state = (flows: PanelFlow[]): PanelState => ({ title: 't', summary: 's', flows, findings: [], generatedAt: 0 });

test('collapsed flows give one row each; expanding shows stages (n/a hidden) and their lines', () => {
  const s = state([flow('a', 'web', 'failed'), flow('b', 'cli', 'ok')]);
  assert.deepEqual(buildRows(s, new Set(), NO_FILTER).map((r) => r.kind), ['flow', 'flow']);
  const f = s.flows[0]!;
  const rows = buildRows(s, new Set([flowKey(f), stageKey(f, f.stages[0]!)]), NO_FILTER);
  assert.deepEqual(rows.map((r) => r.kind), ['flow', 'stage', 'line', 'line', 'stage', 'flow']);
  const stageRow = rows[4];
  assert.ok(stageRow?.kind === 'stage' && stageRow.stage.gapMs === 94_000 && !stageRow.expanded && stageRow.count === 1);
});

test('filters by client, status and text; text opens matches and keeps only matching lines', () => {
  const s = state([flow('a', 'web', 'failed'), flow('b', 'cli', 'ok'), flow('c', 'web', 'incomplete')]);
  assert.deepEqual(clientsOf(s), ['cli', 'web']);
  assert.deepEqual(filterFlows(s.flows, { ...NO_FILTER, client: 'web' }).map((f) => f.id), ['a', 'c']);
  assert.deepEqual(filterFlows(s.flows, { ...NO_FILTER, status: 'failed' }).map((f) => f.id), ['a']);
  const rows = buildRows(s, new Set(), { ...NO_FILTER, text: 'INVALID_GRANT' });
  assert.deepEqual(rows.filter((r) => r.kind === 'line').map((r) => r.kind === 'line' && r.line.line), [99, 99, 99]);
  assert.equal(buildRows(s, new Set(), { ...NO_FILTER, text: 'nothing-like-this' }).length, 0);
});

test('windowing renders a bounded slice of 10 000 rows wherever the scroll is', () => {
  const big = state([flow('a', 'web', 'failed', 10_000)]);
  const f = big.flows[0]!;
  const rows = buildRows(big, new Set([flowKey(f), stageKey(f, f.stages[0]!)]), NO_FILTER);
  assert.equal(rows.length, 10_003);
  for (const top of [0, 24 * 5000, 24 * 10_002, 1e9]) {
    const { start, end } = visibleRange(top, 480, 24, rows.length);
    assert.ok(end - start <= 480 / 24 + 1 + 16, `${start}-${end}`);
    assert.ok(start >= 0 && end <= rows.length && start < end);
  }
  assert.deepEqual(visibleRange(0, 480, 24, 0), { start: 0, end: 0 });
});

test('keyboard navigation moves within bounds and Left goes to the parent', () => {
  const s = state([flow('a', 'web', 'failed')]);
  const f = s.flows[0]!;
  const rows = buildRows(s, new Set([flowKey(f), stageKey(f, f.stages[0]!)]), NO_FILTER);
  assert.equal(navigate(rows, 0, 'ArrowUp', 10), 0);
  assert.equal(navigate(rows, 0, 'ArrowDown', 10), 1);
  assert.equal(navigate(rows, 0, 'End', 10), rows.length - 1);
  assert.equal(navigate(rows, 2, 'ArrowLeft', 10), 1);
  assert.equal(navigate(rows, 1, 'ArrowLeft', 10), 0);
  assert.equal(navigate(rows, 0, 'x', 10), undefined);
});

test('durations read like a person would say them', () => {
  assert.equal(formatDuration(850), '850 ms');
  assert.equal(formatDuration(12_000), '12 s');
  assert.equal(formatDuration(243_000), '4 min 3 s');
  assert.equal(formatDuration(7_500_000), '2 h 5 min');
});
