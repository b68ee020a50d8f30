import * as vscode from 'vscode';
import { runProbes } from '../../probes/runProbes';
import { COMMANDS } from '../../shared/commandIds';
import { readSettings } from '../config';
import type { LineSink } from '../../core/lines';
import type { Log } from '../log';
import type { DiagnosisSession } from '../session';
import { readLogFile } from './readLogFile';
import { readSourceProfiles } from '../tail/tailSettings';

/** What the guided Diagnose asks for; remembered per workspace (never the secret). */
export interface DiagnoseChoice {
  target?: string;
  clientId?: string;
  logs: { kind: 'file'; path: string } | { kind: 'ssh'; name: string } | { kind: 'none' };
}

const LAST_KEY = 'oauthDebugger.diagnose.last';
const RECENT_TARGETS_KEY = 'oauthDebugger.diagnose.recentTargets';
const RECENT_FILES_KEY = 'oauthDebugger.diagnose.recentFiles';
const MAX_RECENT = 8;

/** SecretStorage key for a client secret: per target and client, never in settings. */
export function secretKey(target: string, clientId: string): string {
  return `oauthDebugger.clientSecret:${target}|${clientId}`;
}

export interface DiagnoseDeps {
  context: vscode.ExtensionContext;
  session: DiagnosisSession;
  /** Where the log's lines go (the parse thread in front of the session; or the session itself). */
  lines: LineSink & { end(source: string): void; forget?(source: string): void; whenIdle?(): Promise<void> };
  log: Log;
  /** Opens the panel on the result (title = what was diagnosed). */
  showResult: (title: string) => void;
}

/**
 * `OAuth: Diagnose`: a multi-step quick input (target with recent ones, client id, client secret
 * into SecretStorage, where the logs are), then probes and log analysis under one cancellable
 * progress notification that names each step, then the panel. With only a log file and no
 * server it still diagnoses from the logs. `preset` (tests, the CLI-like API) skips the questions.
 */
export async function diagnose(deps: DiagnoseDeps, preset?: DiagnoseChoice & { clientSecret?: string }): Promise<boolean> {
  const state = deps.context.workspaceState;
  let choice: DiagnoseChoice | undefined = preset;
  let secret = preset?.clientSecret;
  if (!choice) {
    const asked = await ask(deps);
    if (!asked) return false;
    ({ choice, secret } = asked);
  }
  if (!choice.target && choice.logs.kind === 'none') {
    void vscode.window.showWarningMessage(vscode.l10n.t('Nothing to diagnose: give a server URL, a log file, or both.'));
    return false;
  }
  await state.update(LAST_KEY, choice);
  if (choice.target) await remember(state, RECENT_TARGETS_KEY, choice.target);
  if (choice.logs.kind === 'file') await remember(state, RECENT_FILES_KEY, choice.logs.path);

  const settings = readSettings();
  const title = [choice.target, choice.logs.kind === 'file' ? choice.logs.path.split(/[\\/]/).pop() : choice.logs.kind === 'ssh' ? choice.logs.name : undefined]
    .filter(Boolean).join(' · ');
  const ok = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('OAuth: Diagnose'), cancellable: true }, async (progress, token) => {
    const abort = new AbortController();
    token.onCancellationRequested(() => abort.abort());
    deps.session.reset();
    try {
      if (choice.target) {
        progress.report({ message: vscode.l10n.t('Probing {0}…', choice.target) });
        const report = await runProbes({
          target: choice.target,
          ...(choice.clientId ? { clientId: choice.clientId } : {}),
          ...(secret ? { clientSecret: secret } : {}),
          timeoutMs: settings.httpTimeoutMs,
          ...(settings.httpCaFile ? { caFile: settings.httpCaFile } : {}),
        }, {
          signal: abort.signal,
          onStep: (s) => progress.report({ message: vscode.l10n.t('Probe: {0} ({1})', s.name, s.status) }),
        });
        if (token.isCancellationRequested) return false;
        deps.session.setProbeReport(report);
      }
      if (choice.logs.kind === 'file') {
        const path = choice.logs.path;
        progress.report({ message: vscode.l10n.t('Reading {0}…', path) });
        let last = 0;
        // Read from its start again: the parser meets it fresh, as the reset session's engine does.
        deps.lines.forget?.(path);
        await readLogFile(path, deps.lines, {
          signal: abort.signal,
          onProgress: (lines) => {
            if (lines - last >= 20_000) {
              last = lines;
              progress.report({ message: vscode.l10n.t('Reading {0}: {1} lines', path, lines) });
            }
          },
        });
        deps.lines.end(path);
        // The result is complete once the parse thread has handed over the last line.
        await deps.lines.whenIdle?.();
      } else if (choice.logs.kind === 'ssh') {
        progress.report({ message: vscode.l10n.t('Starting to tail {0} over SSH…', choice.logs.name) });
        // The tail command takes a profile of `oauthDebugger.sources` as `{ profile }` (TailRemoteArgs).
        const tailing = await vscode.commands.executeCommand<string | undefined>(COMMANDS.tailRemoteLog, { profile: choice.logs.name });
        // No name back: the tail did not start (its command already showed why). Without probe results there is nothing to show.
        if (!tailing && !choice.target) return false;
      }
      return true;
    } catch (err) {
      if (token.isCancellationRequested) return false;
      const message = err instanceof Error ? err.message : String(err);
      deps.log.error('Diagnose failed', err);
      void vscode.window.showErrorMessage(vscode.l10n.t('OAuth Diagnose failed: {0}', message));
      return false;
    }
  });
  if (!ok) return false;
  deps.showResult(title);
  return true;
}

async function remember(state: vscode.Memento, key: string, value: string): Promise<void> {
  const list = state.get<string[]>(key, []).filter((v) => v !== value);
  await state.update(key, [value, ...list].slice(0, MAX_RECENT));
}

interface StepItem extends vscode.QuickPickItem {
  value?: string;
  kind2?: 'none' | 'file' | 'browse' | 'ssh' | 'typed';
}

/** Asks the questions; undefined when the user pressed Escape. Back buttons go one step back. */
async function ask(deps: DiagnoseDeps): Promise<{ choice: DiagnoseChoice; secret?: string } | undefined> {
  const state = deps.context.workspaceState;
  const last = state.get<DiagnoseChoice>(LAST_KEY);
  const total = 4;
  let step = 1;
  let target = last?.target;
  let clientId = last?.clientId;
  let secret: string | undefined;
  let logs: DiagnoseChoice['logs'] | undefined;
  while (step <= total) {
    if (step === 1) {
      const recent = state.get<string[]>(RECENT_TARGETS_KEY, []);
      const r = await pick<StepItem>({
        title: vscode.l10n.t('OAuth Diagnose: server'), step, total,
        placeholder: vscode.l10n.t('Issuer or protected resource URL (e.g. https://auth.example.com or https://mcp.example.com/sse)'),
        items: [
          ...recent.map((v) => ({ label: v, description: vscode.l10n.t('recent'), value: v })),
          { label: vscode.l10n.t('$(circle-slash) No server: diagnose from logs only'), kind2: 'none' as const },
        ],
        typed: (v) => (/^https?:\/\/\S+$/i.test(v) ? { label: v, description: vscode.l10n.t('use this URL'), value: v, kind2: 'typed' } : undefined),
        back: false,
      });
      if (r === undefined) return undefined;
      if (r === 'back') continue;
      target = r.kind2 === 'none' ? undefined : r.value;
      step = target ? 2 : 4;
      continue;
    }
    if (step === 2) {
      const r = await input({ title: vscode.l10n.t('OAuth Diagnose: client'), step, total, value: clientId ?? '',
        prompt: vscode.l10n.t('Client id (leave empty to probe without a client)') });
      if (r === undefined) return undefined;
      if (r === 'back') { step = 1; continue; }
      clientId = r.trim() || undefined;
      step = clientId ? 3 : 4;
      continue;
    }
    if (step === 3 && target && clientId) {
      const key = secretKey(target, clientId);
      const stored = await deps.context.secrets.get(key);
      const r = await input({ title: vscode.l10n.t('OAuth Diagnose: client secret'), step, total, value: '', password: true,
        prompt: stored ? vscode.l10n.t('Client secret: leave empty to use the stored one; it is kept in VS Code\'s secret storage, never in settings') :
          vscode.l10n.t('Client secret (optional; kept in VS Code\'s secret storage, never in settings)') });
      if (r === undefined) return undefined;
      if (r === 'back') { step = 2; continue; }
      if (r) await deps.context.secrets.store(key, r);
      secret = r || stored;
      step = 4;
      continue;
    }
    if (step === 4) {
      const recentFiles = state.get<string[]>(RECENT_FILES_KEY, []);
      // Log files open in editors are offered first: the usual case is "the log I am looking at".
      const openLogs = vscode.workspace.textDocuments
        .filter((d) => d.uri.scheme === 'file' && (d.languageId === 'log' || /\.(log|txt)$/i.test(d.uri.fsPath)) && !recentFiles.includes(d.uri.fsPath))
        .map((d) => d.uri.fsPath);
      // The same profiles the tail command accepts (workspace-defined ones not in an untrusted workspace).
      const sources = readSourceProfiles().profiles;
      const r = await pick<StepItem>({
        title: vscode.l10n.t('OAuth Diagnose: logs'), step, total,
        placeholder: vscode.l10n.t('Where are the server\'s logs?'),
        items: [
          ...openLogs.map((p) => ({ label: `$(file) ${p.split(/[\\/]/).pop() ?? p}`, description: vscode.l10n.t('open editor · {0}', p), value: p, kind2: 'file' as const })),
          ...recentFiles.map((p) => ({ label: `$(file) ${p.split(/[\\/]/).pop() ?? p}`, description: p, value: p, kind2: 'file' as const })),
          { label: vscode.l10n.t('$(folder-opened) Local file…'), kind2: 'browse' as const },
          ...sources.filter((s) => s.type === 'ssh').map((s) => ({ label: `$(remote) ${s.name}`, description: vscode.l10n.t('SSH profile'), value: s.name, kind2: 'ssh' as const })),
          { label: vscode.l10n.t('$(circle-slash) No logs'), kind2: 'none' as const },
        ],
        back: true,
      });
      if (r === undefined) return undefined;
      if (r === 'back') { step = target ? (clientId ? 3 : 2) : 1; continue; }
      if (r.kind2 === 'browse') {
        const uris = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: vscode.l10n.t('Analyze'), filters: { [vscode.l10n.t('Logs')]: ['log', 'txt', 'json', '*'] } });
        if (!uris?.[0]) continue;
        logs = { kind: 'file', path: uris[0].fsPath };
      } else if (r.kind2 === 'file' && r.value) logs = { kind: 'file', path: r.value };
      else if (r.kind2 === 'ssh' && r.value) logs = { kind: 'ssh', name: r.value };
      else logs = { kind: 'none' };
      step = 5;
    }
  }
  return { choice: { ...(target ? { target } : {}), ...(clientId ? { clientId } : {}), logs: logs ?? { kind: 'none' } }, ...(secret ? { secret } : {}) };
}

function pick<T extends vscode.QuickPickItem>(o: { title: string; step: number; total: number; placeholder: string; items: T[]; typed?: (v: string) => T | undefined; back: boolean }): Promise<T | 'back' | undefined> {
  return new Promise((resolve) => {
    const qp = vscode.window.createQuickPick<T>();
    qp.title = o.title;
    qp.step = o.step;
    qp.totalSteps = o.total;
    qp.placeholder = o.placeholder;
    qp.items = o.items;
    qp.ignoreFocusOut = o.step > 1;
    if (o.back) qp.buttons = [vscode.QuickInputButtons.Back];
    let done = false;
    const finish = (v: T | 'back' | undefined): void => {
      if (done) return;
      done = true;
      resolve(v);
      qp.dispose();
    };
    qp.onDidChangeValue((v) => {
      const extra = o.typed?.(v.trim());
      qp.items = extra ? [extra, ...o.items] : o.items;
    });
    qp.onDidAccept(() => finish(qp.selectedItems[0] ?? qp.activeItems[0]));
    qp.onDidTriggerButton(() => finish('back'));
    qp.onDidHide(() => finish(undefined));
    qp.show();
  });
}

function input(o: { title: string; step: number; total: number; value: string; prompt: string; password?: boolean }): Promise<string | 'back' | undefined> {
  return new Promise((resolve) => {
    const box = vscode.window.createInputBox();
    box.title = o.title;
    box.step = o.step;
    box.totalSteps = o.total;
    box.value = o.value;
    box.prompt = o.prompt;
    box.password = o.password ?? false;
    box.ignoreFocusOut = true;
    box.buttons = [vscode.QuickInputButtons.Back];
    let done = false;
    const finish = (v: string | 'back' | undefined): void => {
      if (done) return;
      done = true;
      resolve(v);
      box.dispose();
    };
    box.onDidAccept(() => finish(box.value));
    box.onDidTriggerButton(() => finish('back'));
    box.onDidHide(() => finish(undefined));
    box.show();
  });
}
