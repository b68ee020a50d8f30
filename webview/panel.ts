/**
 * The diagnosis panel's webview. Browser-only: it talks to the host through the typed protocol
 * and renders everything with DOM APIs and `textContent` – log content is never parsed as HTML.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-divider/index.js';
import type { FromWebviewMessage, PanelFinding, PanelFlow, PanelState, ToWebviewMessage } from '../src/shared/protocol';
import { el } from './dom';

interface VsCodeApi {
  postMessage(message: FromWebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
let strings: Record<string, string> = {};
const t = (key: string): string => strings[key] ?? key;

window.addEventListener('message', (event: MessageEvent<ToWebviewMessage>) => {
  const m = event.data;
  if (m.type === 'init') {
    strings = m.strings;
    render(m.state ?? (vscode.getState() as PanelState | undefined));
  } else if (m.type === 'state') {
    render(m.state);
  }
});

function render(state: PanelState | undefined): void {
  const app = document.getElementById('app');
  if (!app) return;
  app.replaceChildren();
  app.dataset.ready = 'true';
  if (!state) {
    app.append(emptyState());
    return;
  }
  vscode.setState(state);
  app.append(
    el('header', { className: 'title' }, [el('h1', {}, [state.title]), el('p', { className: 'summary' }, [state.summary])]),
    toolbar(),
    el('h2', {}, [t('findings'), ' ', badge(String(state.findings.length))]),
    state.findings.length ? el('section', { className: 'findings' }, state.findings.map(findingView)) : el('p', {}, [t('noFindings')]),
    el('h2', {}, [t('flows'), ' ', badge(String(state.flows.length))]),
    el('section', { className: 'flows' }, state.flows.map(flowView)),
  );
}

function emptyState(): HTMLElement {
  return el('section', { className: 'empty' }, [
    el('h1', {}, [t('emptyTitle')]),
    el('p', {}, [t('emptyBody')]),
    toolbar(),
  ]);
}

function toolbar(): HTMLElement {
  const button = (label: string, command: 'diagnose' | 'tailLogFile' | 'exportReport' | 'decodeJwt', secondary = false): HTMLElement => {
    const b = el('vscode-button', { className: 'cmd' }, [t(label)]);
    if (secondary) b.setAttribute('secondary', '');
    b.addEventListener('click', () => vscode.postMessage({ type: 'runCommand', command }));
    return b;
  };
  return el('div', { className: 'toolbar' }, [
    button('diagnose', 'diagnose'),
    button('tailLogFile', 'tailLogFile', true),
    button('decodeJwt', 'decodeJwt', true),
    button('exportReport', 'exportReport', true),
  ]);
}

function badge(text: string): HTMLElement {
  return el('vscode-badge', {}, [text]);
}

function findingView(f: PanelFinding): HTMLElement {
  const evidence = el('ul', { className: 'evidence' }, f.evidence.map((e) => {
    const a = el('a', { href: '#', className: 'loc' }, [`${e.file}:${e.line}`]);
    a.addEventListener('click', (ev) => {
      ev.preventDefault();
      vscode.postMessage({ type: 'openLocation', file: e.file, line: e.line });
    });
    return el('li', {}, [a]);
  }));
  const c = el('vscode-collapsible', { className: `finding ${f.severity}` }, [
    el('p', { className: 'detail' }, [f.detail]),
    el('p', { className: 'explanation' }, [f.explanation]),
    el('h3', {}, [t('fix')]),
    el('ol', { className: 'fix' }, f.fix.map((s) => el('li', {}, [s]))),
    el('h3', {}, [t('evidence')]),
    evidence,
    ...(f.spec ? [el('p', { className: 'spec' }, [`${t('spec')}: ${f.spec}`])] : []),
  ]);
  c.setAttribute('title', `${t(`severity.${f.severity}`)} · ${f.title} · ${t(`stage.${f.stage}`)}`);
  c.setAttribute('open', '');
  c.dataset.findingId = f.id;
  return c;
}

function flowView(flow: PanelFlow): HTMLElement {
  const stages = el('ol', { className: 'stages' }, flow.stages.map((s) => el('li', { className: `stage ${s.status}` }, [
    el('span', { className: 'stage-name' }, [t(`stage.${s.stage}`)]),
    el('span', { className: 'stage-status' }, [t(`status.${s.status}`)]),
    ...(s.time ? [el('time', {}, [new Date(s.time).toISOString().slice(11, 19)])] : []),
  ])));
  const node = el('div', { className: `flow ${flow.status}` }, [el('h3', {}, [flow.label]), stages]);
  node.dataset.flowId = flow.id;
  return node;
}

vscode.postMessage({ type: 'ready' });
