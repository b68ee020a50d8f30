/**
 * The diagnosis panel's webview. Browser-only: it talks to the host through the typed protocol
 * and renders everything with DOM APIs and text nodes – log content is never parsed as HTML.
 * The webview does no network: JWT decoding and JWKS verification happen in the host.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import type { DecoderView, FromWebviewMessage, PanelExchange, PanelFinding, PanelState, ToWebviewMessage } from '../src/shared/protocol';
import { el, icon } from './dom';
import { buildRows, clientsOf, flowKey, formatClock, formatDateTime, formatDuration, LONG_GAP_MS, navigate, NO_FILTER, stageKey, statusIcon, visibleRange } from './timelineModel';
import type { Row, TimelineFilter } from './timelineModel';
import { decoderView } from './decoderView';

interface VsCodeApi {
  postMessage(message: FromWebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** What survives a reload (webview `setState`, and the panel serializer's saved state). */
interface SavedUi {
  state?: PanelState;
  expanded?: string[];
  filter?: TimelineFilter;
  decoder?: DecoderView;
  active?: number;
}

const vscode = acquireVsCodeApi();
const ROW_HEIGHT = 24;
let strings: Record<string, string> = {};
const t = (key: string, ...args: (string | number)[]): string =>
  (strings[key] ?? key).replace(/\{(\d+)\}/g, (_m, i: string) => String(args[Number(i)] ?? ''));

let current: PanelState | undefined;
let expanded = new Set<string>();
let filter: TimelineFilter = { ...NO_FILTER };
let decoder: DecoderView | undefined;
let rows: Row[] = [];
let active = 0;
let selected: { kind: 'exchange'; exchange: PanelExchange } | { kind: 'line'; row: Extract<Row, { kind: 'line' }> } | undefined;
let decodeSeq = 0;

const saved = (vscode.getState() ?? {}) as SavedUi;
if (Array.isArray(saved.expanded)) expanded = new Set(saved.expanded.filter((k) => typeof k === 'string'));
if (saved.filter) filter = { ...NO_FILTER, ...saved.filter };
if (saved.decoder) decoder = saved.decoder;
if (typeof saved.active === 'number') active = saved.active;

function persist(): void {
  const ui: SavedUi = { expanded: [...expanded], filter, active };
  if (current) ui.state = current;
  if (decoder) ui.decoder = decoder;
  vscode.setState(ui);
}

window.addEventListener('message', (event: MessageEvent<ToWebviewMessage>) => {
  const m = event.data;
  switch (m.type) {
    case 'init':
      strings = m.strings;
      current = m.state ?? saved.state;
      renderAll();
      return;
    case 'state':
      current = m.state;
      renderAll();
      return;
    case 'decoded':
      decoder = m.view;
      persist();
      renderDecoder(true);
      return;
    case 'reveal':
      reveal(m.flowId, m.file, m.line);
      return;
  }
});

// ---- layout ---------------------------------------------------------------------------------

function app(): HTMLElement {
  return document.getElementById('app') as HTMLElement;
}

function renderAll(): void {
  const root = app();
  root.replaceChildren();
  root.dataset.ready = 'true';
  persist();
  if (!current) {
    root.append(el('section', { className: 'empty' }, [
      el('h1', {}, [t('emptyTitle')]),
      el('p', {}, [t('emptyBody')]),
      toolbar(),
    ]), el('section', { id: 'decoder', className: 'decoder' }));
    renderDecoder(false);
    return;
  }
  const s = current;
  const header = el('header', { className: 'title' }, [
    el('h1', {}, [s.title, ...(s.live ? [' ', el('span', { className: 'live', role: 'status' }, [icon('circle-filled'), t('live')])] : [])]),
    el('p', { className: 'summary' }, [s.summary]),
  ]);
  root.append(header, toolbar());
  if (s.notes?.length) root.append(el('ul', { className: 'notes' }, s.notes.map((n) => el('li', {}, [icon('info'), n]))));
  root.append(
    el('h2', { id: 'findings-heading' }, [t('findings'), ' ', badge(String(s.findings.length))]),
    s.findings.length ? el('section', { className: 'findings', ariaLabelledby: 'findings-heading' }, s.findings.map(findingView)) : el('p', { className: 'no-findings' }, [t('noFindings')]),
    el('h2', { id: 'timeline-heading' }, [t('timeline'), ' ', badge(String(s.flows.length))]),
    filtersBar(s),
    timelineList(),
    el('section', { id: 'details', className: 'details', ariaLive: 'polite' }),
    el('section', { id: 'decoder', className: 'decoder' }),
  );
  renderRows(false);
  renderDetails();
  renderDecoder(false);
}

function toolbar(): HTMLElement {
  const button = (label: string, command: 'diagnose' | 'tailLogFile' | 'exportReport' | 'decodeJwt', secondary = false): HTMLElement => {
    const b = el('vscode-button', { className: 'cmd' }, [t(label)]);
    if (secondary) b.setAttribute('secondary', '');
    b.addEventListener('click', () => vscode.postMessage({ type: 'runCommand', command }));
    return b;
  };
  return el('div', { className: 'toolbar', role: 'toolbar' }, [
    button('diagnose', 'diagnose'),
    button('tailLogFile', 'tailLogFile', true),
    button('decodeJwt', 'decodeJwt', true),
    button('exportReport', 'exportReport', true),
  ]);
}

function badge(text: string): HTMLElement {
  return el('vscode-badge', {}, [text]);
}

// ---- findings -------------------------------------------------------------------------------

function findingView(f: PanelFinding): HTMLElement {
  const summary = el('summary', {}, [
    icon(f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'info', `sev-${f.severity}`),
    el('span', { className: 'finding-title' }, [f.title]),
    el('span', { className: 'finding-meta' }, [`${t(`severity.${f.severity}`)} · ${t(`stage.${f.stage}`)} · ${f.id}`]),
  ]);
  const body: (HTMLElement | string)[] = [el('p', { className: 'detail' }, [f.detail])];
  if (f.explanation) body.push(el('p', { className: 'explanation' }, [f.explanation]));
  if (f.redirectDiff) {
    const d = f.redirectDiff;
    const line = (label: string, parts: { before: string; diff: string; after: string }): HTMLElement =>
      el('div', { className: 'diff-row' }, [el('span', { className: 'diff-label' }, [label]),
        el('code', {}, [parts.before, el('mark', { className: 'diff' }, [parts.diff]), parts.after])]);
    body.push(el('div', { className: 'redirect-diff' }, [
      ...(d.kind ? [el('p', {}, [`${t('diffKind')}: ${d.kind}`, ...(d.detail ? [` – ${d.detail}`] : [])])] : []),
      line(t('expected'), d.expected),
      line(t('actual'), d.actual),
    ]));
  }
  if (f.pkce) {
    body.push(el('table', { className: 'pkce' }, [
      el('thead', {}, [el('tr', {}, [el('th', {}, [t('pkceExpected')]), el('th', {}, [t('pkceActual')])])]),
      el('tbody', {}, [el('tr', {}, [
        el('td', {}, [el('code', {}, [f.pkce.expected ?? '—'])]),
        el('td', {}, [el('code', { className: f.pkce.expected !== f.pkce.actual ? 'mismatch' : '' }, [f.pkce.actual ?? '—'])]),
      ])]),
    ]));
  }
  if (f.fix.length) body.push(el('h3', {}, [t('fix')]), el('ol', { className: 'fix' }, f.fix.map((s) => el('li', {}, [s]))));
  if (f.evidence.length) {
    body.push(el('h3', {}, [t('evidence')]), el('ul', { className: 'evidence' }, f.evidence.map((e) => {
      const a = el('a', { href: '#', className: 'loc' }, [`${e.file}:${e.line}`]);
      a.addEventListener('click', (ev) => {
        ev.preventDefault();
        vscode.postMessage({ type: 'openLocation', file: e.file, line: e.line });
      });
      return el('li', {}, [a]);
    })));
  }
  if (f.exchanges?.length) body.push(el('h3', {}, [t('requests')]), ...f.exchanges.map(exchangeView));
  if (f.spec) body.push(el('p', { className: 'spec' }, [`${t('spec')}: ${f.spec}`]));
  const d = el('details', { className: `finding ${f.severity}` }, [summary, el('div', { className: 'finding-body' }, body)]);
  d.setAttribute('open', '');
  d.dataset.findingId = f.id;
  return d;
}

function exchangeView(x: PanelExchange): HTMLElement {
  const copy = el('vscode-button', { className: 'copy-curl' }, [icon('copy'), t('copyCurl')]);
  copy.setAttribute('secondary', '');
  copy.addEventListener('click', () => vscode.postMessage({ type: 'copy', text: x.curl }));
  const headers = (h: Record<string, string> | undefined): string => Object.entries(h ?? {}).map(([k, v]) => `${k}: ${v}`).join('\n');
  return el('div', { className: 'exchange' }, [
    el('p', { className: 'exchange-line' }, [el('strong', {}, [x.method]), ' ', el('code', {}, [x.url]), ' → ',
      x.status !== undefined ? String(x.status) : (x.error ?? '—'), ` (${formatDuration(x.durationMs)})`]),
    el('h4', {}, [t('request')]),
    el('pre', {}, [[headers(x.requestHeaders), x.requestBody ?? ''].filter(Boolean).join('\n\n')]),
    el('h4', {}, [t('response')]),
    el('pre', {}, [[x.status !== undefined ? `HTTP ${x.status}` : x.error ?? '', headers(x.responseHeaders), x.responseBody ?? ''].filter(Boolean).join('\n\n')]),
    copy,
  ]);
}

// ---- timeline (windowed) ------------------------------------------------------------------

function filtersBar(s: PanelState): HTMLElement {
  const client = el('select', { id: 'filter-client', ariaLabel: t('filterClient') }, [
    option('', t('allClients')), ...clientsOf(s).map((c) => option(c, c)),
  ]) as HTMLSelectElement;
  client.value = filter.client;
  const status = el('select', { id: 'filter-status', ariaLabel: t('filterStatus') }, [
    option('', t('allStatuses')), option('failed', t('status.failed')), option('incomplete', t('status.incomplete')), option('ok', t('status.ok')),
  ]) as HTMLSelectElement;
  status.value = filter.status;
  const text = el('input', { id: 'filter-text', ariaLabel: t('filterText') }) as HTMLInputElement;
  text.type = 'search';
  text.placeholder = t('filterText');
  text.value = filter.text;
  const apply = (): void => {
    filter = { client: client.value, status: status.value as TimelineFilter['status'], text: text.value };
    active = 0;
    persist();
    renderRows(false);
  };
  client.addEventListener('change', apply);
  status.addEventListener('change', apply);
  let debounce: ReturnType<typeof setTimeout> | undefined;
  text.addEventListener('input', () => {
    if (debounce) clearTimeout(debounce);
    debounce = setTimeout(apply, 120);
  });
  return el('div', { className: 'filters', role: 'search' }, [client, status, text]);
}

function option(value: string, label: string): HTMLElement {
  const o = el('option', {}, [label]) as HTMLOptionElement;
  o.value = value;
  return o;
}

function timelineList(): HTMLElement {
  const spacer = el('div', { className: 'spacer' });
  const list = el('div', { id: 'timeline', className: 'vlist', role: 'tree', ariaLabelledby: 'timeline-heading' }, [spacer]);
  list.tabIndex = 0;
  list.addEventListener('scroll', () => renderRows(false), { passive: true });
  list.addEventListener('keydown', onListKey);
  return list;
}

function renderRows(keepScrollToActive: boolean): void {
  const list = document.getElementById('timeline');
  if (!list) return;
  rows = buildRows(current, expanded, filter);
  if (active >= rows.length) active = Math.max(0, rows.length - 1);
  const spacer = list.firstElementChild as HTMLElement;
  spacer.style.height = `${rows.length * ROW_HEIGHT}px`;
  const height = Math.min(rows.length * ROW_HEIGHT + 2, Math.max(240, Math.floor(window.innerHeight * 0.6)));
  list.style.height = `${Math.max(height, ROW_HEIGHT * 2)}px`;
  if (keepScrollToActive) {
    const top = active * ROW_HEIGHT;
    if (top < list.scrollTop) list.scrollTop = top;
    else if (top + ROW_HEIGHT > list.scrollTop + list.clientHeight) list.scrollTop = top + ROW_HEIGHT - list.clientHeight;
  }
  const { start, end } = visibleRange(list.scrollTop, list.clientHeight || height, ROW_HEIGHT, rows.length);
  const nodes: HTMLElement[] = [];
  for (let i = start; i < end; i++) {
    const row = rows[i];
    if (row) nodes.push(rowView(row, i));
  }
  spacer.replaceChildren(...nodes);
  list.dataset.rows = String(rows.length);
  list.dataset.rendered = String(nodes.length);
  if (rows.length) list.setAttribute('aria-activedescendant', `row-${active}`);
  else list.removeAttribute('aria-activedescendant');
  if (!rows.length) spacer.replaceChildren(el('div', { className: 'no-rows' }, [t('noFlows')]));
}

function rowView(row: Row, index: number): HTMLElement {
  const node = el('div', { id: `row-${index}`, className: `row ${row.kind} depth-${row.depth}${index === active ? ' active' : ''}`, role: 'treeitem' });
  node.style.top = `${index * ROW_HEIGHT}px`;
  node.setAttribute('aria-level', String(row.depth + 1));
  node.dataset.key = row.key;
  switch (row.kind) {
    case 'flow': {
      node.setAttribute('aria-expanded', String(row.expanded));
      node.dataset.flowId = row.flow.id;
      node.append(
        icon(row.expanded ? 'chevron-down' : 'chevron-right', 'twisty'),
        icon(statusIcon(row.flow.status), `st-${row.flow.status}`),
        el('span', { className: 'label' }, [row.flow.label]),
        el('span', { className: 'muted' }, [row.flow.startTime !== undefined ? formatDateTime(row.flow.startTime) : '', ' · ', t(`status.${row.flow.status}`)]),
        el('span', { className: 'chips' }, row.flow.stages.filter((s) => s.status !== 'not_applicable').map((s) => {
          const chip = el('span', { className: `chip ${s.status}${s.gapMs !== undefined && s.gapMs >= LONG_GAP_MS ? ' long-gap' : ''}`, title: `${t(`stage.${s.stage}`)}: ${t(`status.${s.status}`)}` },
            [icon(statusIcon(s.status), `st-${s.status}`), t(`stage.${s.stage}`)]);
          return chip;
        })),
      );
      break;
    }
    case 'stage': {
      if (row.expandable) node.setAttribute('aria-expanded', String(row.expanded));
      node.dataset.stage = row.stage.stage;
      const gap = row.stage.gapMs;
      node.append(
        row.expandable ? icon(row.expanded ? 'chevron-down' : 'chevron-right', 'twisty') : el('span', { className: 'twisty-space' }),
        icon(statusIcon(row.stage.status), `st-${row.stage.status}`),
        el('span', { className: 'label' }, [t(`stage.${row.stage.stage}`)]),
        el('span', { className: 'muted' }, [t(`status.${row.stage.status}`)]),
        ...(row.stage.time !== undefined ? [el('time', { className: 'muted' }, [formatClock(row.stage.time)])] : []),
        ...(gap !== undefined ? [el('span', { className: `gap${gap >= LONG_GAP_MS ? ' long-gap' : ''}`, title: t('gapTitle') }, [`+${formatDuration(gap)}`])] : []),
        ...(row.count ? [el('span', { className: 'count' }, [String(row.count)])] : []),
      );
      break;
    }
    case 'line': {
      const l = row.line;
      node.append(
        el('span', { className: 'twisty-space' }),
        ...(l.time !== undefined ? [el('time', { className: 'muted' }, [formatClock(l.time)])] : []),
        el('span', { className: 'loc' }, [`${basename(l.file)}:${l.line}`]),
        el('span', { className: 'text' }, [l.text]),
      );
      node.title = `${l.file}:${l.line}`;
      if (l.hasToken) {
        const b = el('button', { className: 'inline-action', title: t('decodeJwt') }, [icon('key'), t('decodeJwt')]);
        b.addEventListener('click', (ev) => {
          ev.stopPropagation();
          vscode.postMessage({ type: 'decodeFromLine', file: l.file, line: l.line });
        });
        node.append(b);
      }
      break;
    }
    case 'exchange': {
      const x = row.exchange;
      node.append(
        el('span', { className: 'twisty-space' }),
        icon('globe'),
        el('strong', {}, [x.method]),
        el('span', { className: `http ${x.status !== undefined && x.status >= 400 ? 'bad' : ''}` }, [x.status !== undefined ? String(x.status) : (x.error ?? '—')]),
        el('span', { className: 'text' }, [x.url]),
        el('span', { className: 'muted' }, [formatDuration(x.durationMs)]),
      );
      break;
    }
  }
  node.addEventListener('click', () => {
    active = index;
    activate(row);
  });
  return node;
}

function basename(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}

function toggle(key: string, open?: boolean): void {
  const want = open ?? !expanded.has(key);
  if (want) expanded.add(key);
  else expanded.delete(key);
}

/** Enter / click on a row: flows and stages open or close, lines open the file, requests show. */
function activate(row: Row): void {
  switch (row.kind) {
    case 'flow':
    case 'stage':
      if (row.kind === 'flow' || row.expandable) toggle(row.key);
      break;
    case 'line':
      selected = { kind: 'line', row };
      vscode.postMessage({ type: 'openLocation', file: row.line.file, line: row.line.line });
      renderDetails();
      break;
    case 'exchange':
      selected = { kind: 'exchange', exchange: row.exchange };
      renderDetails();
      break;
  }
  persist();
  renderRows(true);
  document.getElementById('timeline')?.focus({ preventScroll: true });
}

function onListKey(ev: KeyboardEvent): void {
  const list = ev.currentTarget as HTMLElement;
  const row = rows[active];
  if (!row) return;
  if (ev.key === 'Enter' || ev.key === ' ') {
    ev.preventDefault();
    activate(row);
    return;
  }
  if (ev.key === 'ArrowRight' && (row.kind === 'flow' || (row.kind === 'stage' && row.expandable)) && !row.expanded) {
    ev.preventDefault();
    toggle(row.key, true);
    persist();
    renderRows(true);
    return;
  }
  if (ev.key === 'ArrowLeft' && (row.kind === 'flow' || row.kind === 'stage') && row.expanded) {
    ev.preventDefault();
    toggle(row.key, false);
    persist();
    renderRows(true);
    return;
  }
  const next = navigate(rows, active, ev.key, Math.max(1, Math.floor(list.clientHeight / ROW_HEIGHT) - 1));
  if (next === undefined) return;
  ev.preventDefault();
  active = next;
  persist();
  renderRows(true);
}

function renderDetails(): void {
  const host = document.getElementById('details');
  if (!host) return;
  host.replaceChildren();
  if (!selected) return;
  if (selected.kind === 'exchange') {
    host.append(el('h3', {}, [t('requestDetails')]), exchangeView(selected.exchange));
  } else {
    const l = selected.row.line;
    host.append(el('h3', {}, [`${l.file}:${l.line}`]), el('pre', { className: 'line-text' }, [l.text]));
  }
}

/** "Show in timeline": open the flow (and the stage holding the line), select and scroll to it. */
function reveal(flowId: string | undefined, file: string | undefined, line: number | undefined): void {
  if (!current) return;
  filter = { ...NO_FILTER };
  const flow = current.flows.find((f) => (flowId && f.id === flowId) ||
    (!flowId && file && f.stages.some((s) => s.lines.some((l) => l.file === file && l.line === line))));
  if (!flow) return;
  expanded.add(flowKey(flow));
  const stage = file ? flow.stages.find((s) => s.lines.some((l) => l.file === file && l.line === line)) : undefined;
  if (stage) expanded.add(stageKey(flow, stage));
  renderAll();
  rows = buildRows(current, expanded, filter);
  const idx = rows.findIndex((r) => (r.kind === 'line' && r.line.file === file && r.line.line === line) ||
    (!stage && r.kind === 'flow' && r.flow.id === flow.id));
  active = Math.max(0, idx);
  persist();
  renderRows(true);
  document.getElementById('timeline')?.focus();
}

// ---- JWT decoder ----------------------------------------------------------------------------

function renderDecoder(focus: boolean): void {
  const host = document.getElementById('decoder');
  if (!host) return;
  const input = el('textarea', { id: 'jwt-input', ariaLabel: t('pasteJwt') }) as HTMLTextAreaElement;
  input.placeholder = t('pasteJwt');
  input.rows = 3;
  input.spellcheck = false;
  const go = el('vscode-button', { id: 'jwt-decode' }, [t('decode')]);
  const submit = (): void => {
    const token = input.value.trim();
    if (!token) return;
    input.value = '';
    vscode.postMessage({ type: 'decode', requestId: ++decodeSeq, token });
  };
  go.addEventListener('click', submit);
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) {
      ev.preventDefault();
      submit();
    }
  });
  host.replaceChildren(
    el('h2', { id: 'decoder-heading' }, [icon('key'), ' ', t('jwtDecoder')]),
    el('div', { className: 'decoder-input' }, [input, go]),
    ...(decoder ? [decoderView(decoder, t)] : []),
  );
  if (focus) {
    host.scrollIntoView({ block: 'start' });
    (host.querySelector('.decoder-result') as HTMLElement | null)?.focus();
  }
}

vscode.postMessage({ type: 'ready' });
