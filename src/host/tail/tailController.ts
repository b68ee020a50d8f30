import * as vscode from 'vscode';
import { basename } from 'node:path';
import type { LineSink, SourceLine } from '../../core/lines';
import { RateMeter } from '../../core/tail/rateMeter';
import { checkSshHost } from '../../core/tail/sourceProfiles';
import type { SourceProfile } from '../../core/tail/sourceProfiles';
import { parseTailStart } from '../../core/tail/tailStart';
import type { TailStart } from '../../core/tail/tailStart';
import { CommandSource } from '../../sources/commandSource';
import { FileTail } from '../../sources/fileTail';
import { readSshConfigHosts } from '../../sources/sshConfigFiles';
import { SshSource } from '../../sources/sshSource';
import type { TailSink, TailSource, TailStatus } from '../../sources/tailSource';
import { COMMANDS } from '../../shared/commandIds';
import { readSettings } from '../config';
import type { Log } from '../log';
import { describeStatus, stateLabel } from './tailMessages';
import { readCommandProfiles, readMaxBacklogBytes, readSourceProfiles } from './tailSettings';

/**
 * What the tail commands need: the log and the sink every line goes to – the window's parse
 * thread in front of the session (host/main.ts), which tails start early (`warm`) and Stop
 * Tailing waits for (`whenIdle`).
 */
export interface TailDeps {
  log: Log;
  sink: LineSink & { end?(source: string): void; warm?(): void; whenIdle?(): Promise<void> };
}

/**
 * Arguments the commands accept when called programmatically (tests, other commands, links).
 * `start`: lines (`200`), a duration (`"15m"`) or a time (`"2026-11-28T10:00"`); see parseTailStart.
 * `profile`: a local profile of `oauthDebugger.sources` (its path and start).
 */
export interface TailFileArgs { path?: string; profile?: string; initialLines?: number; start?: string | number }
/**
 * Deliberately no raw ssh options here: command arguments can come from links, and an option
 * like `-oProxyCommand=…` would run a program. Use ~/.ssh/config or `oauthDebugger.ssh.path`.
 */
export interface TailRemoteArgs { host?: string; path?: string; filter?: string; profile?: string; initialLines?: number; start?: string | number }

/** Server-side filter offered by default: the words OAuth/OIDC lines of Laravel, nginx and Keycloak logs carry. */
export const DEFAULT_REMOTE_FILTER = 'oauth|oidc|openid|token|authori[sz]|callback|redirect_uri|invalid_|pkce|code_challenge|code_verifier|bearer|jwks|passport|socialite';

const CONTEXT_KEY = 'oauthDebugger.tailing';
const RECENT_KEY = 'oauthDebugger.tail.recentRemote';
/** The last "Start from" choice: `lines` (the initialLines setting) or a start spec (`15m`, `09:30`, …). */
const START_KEY = 'oauthDebugger.tail.lastStart';

interface ActiveTail {
  source: TailSource;
  label: string;
  where: string;
  lines: number;
  pending: number;
  meter: RateMeter;
  status: TailStatus;
}

interface RecentRemote { host: string; path: string; filter: string }

const controllers = new WeakMap<vscode.ExtensionContext, TailController>();

/**
 * The tail commands' controller, created on first use (thin activation) and disposed with the
 * extension: stopping every tail, SSH session and command.
 */
export function tailController(context: vscode.ExtensionContext, deps: TailDeps): TailController {
  let c = controllers.get(context);
  if (!c) {
    c = new TailController(context, deps);
    controllers.set(context, c);
    context.subscriptions.push(c);
  }
  return c;
}

/**
 * `OAuth: Tail Log File…`, `OAuth: Tail Remote Log over SSH…` and `OAuth: Stop Tailing`, the
 * status-bar item (what is tailed, lines per second) and the `oauthDebugger.tailing` context key.
 * Several sources can run at once (app log + nginx); each feeds the same sink.
 */
export class TailController implements vscode.Disposable {
  private readonly tails = new Map<string, ActiveTail>();
  private readonly item: vscode.StatusBarItem;
  private timer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(private readonly context: vscode.ExtensionContext, private readonly deps: TailDeps) {
    this.item = vscode.window.createStatusBarItem('oauthDebugger.tail', vscode.StatusBarAlignment.Left, 50);
    this.item.name = vscode.l10n.t('OAuth log tailing');
    this.item.command = COMMANDS.stopTailing;
  }

  /** Names of the running sources (as on their lines). */
  get active(): string[] {
    return [...this.tails.keys()];
  }

  statusOf(name: string): TailStatus | undefined {
    return this.tails.get(name)?.status;
  }

  async tailLogFile(arg?: unknown): Promise<string | undefined> {
    const direct = fileArg(arg);
    if (direct?.profile) {
      const p = readSourceProfiles().profiles.find((x) => x.name === direct.profile && x.type === 'local');
      if (!p) throw new Error(vscode.l10n.t('No local source profile named "{0}" in oauthDebugger.sources.', direct.profile));
      return this.startFile(p.path, this.resolveStart(direct.start ?? p.start ?? direct.initialLines));
    }
    if (direct?.path) return this.startFile(direct.path, this.resolveStart(direct.start ?? direct.initialLines));

    type Item = vscode.QuickPickItem & { run: () => Promise<string | undefined> };
    const items: Item[] = [];
    const seen = new Set<string>();
    const addFile = (path: string, description: string): void => {
      if (seen.has(path)) return;
      seen.add(path);
      items.push({ label: `$(file) ${basename(path)}`, description, detail: path, run: () => this.askStartThenFile(path) });
    };
    const editor = vscode.window.activeTextEditor?.document.uri;
    if (editor?.scheme === 'file') addFile(editor.fsPath, vscode.l10n.t('current editor'));
    const { profiles } = readSourceProfiles();
    for (const p of profiles.filter((x) => x.type === 'local')) {
      if (seen.has(p.path)) continue;
      seen.add(p.path);
      items.push({ label: `$(file) ${basename(p.path)}`, description: vscode.l10n.t('profile "{0}"', p.name), detail: p.start ? `${p.path} · ${vscode.l10n.t('start: {0}', p.start)}` : p.path, run: () => this.askStartThenFile(p.path, p) });
    }
    for (const uri of await vscode.workspace.findFiles('**/{storage/logs,logs,log,var/log}/*.{log,txt}', '**/{node_modules,vendor,.git}/**', 8).then(undefined, () => [] as vscode.Uri[])) {
      addFile(uri.fsPath, vscode.l10n.t('in workspace'));
    }
    for (const c of readCommandProfiles()) {
      items.push({ label: `$(terminal) ${c.name}`, description: vscode.l10n.t('command'), detail: c.command, run: () => this.startCommand(c.name, c.command) });
    }
    items.push({ label: `$(folder-opened) ${vscode.l10n.t('Browse…')}`, run: () => this.browseFile() });
    if (vscode.workspace.isTrusted) {
      items.push({ label: `$(terminal) ${vscode.l10n.t('Run a command…')}`, description: vscode.l10n.t('e.g. docker logs -f app'), run: () => this.promptCommand() });
    }
    const pick = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Tail a log'), placeHolder: vscode.l10n.t('Pick a log file or a command to follow while you retry the login'), matchOnDetail: true });
    return pick?.run();
  }

  async tailRemoteLog(arg?: unknown): Promise<string | undefined> {
    const a = (arg && typeof arg === 'object' ? arg : {}) as TailRemoteArgs;
    if (a.profile) {
      const p = readSourceProfiles().profiles.find((x) => x.name === a.profile && x.type === 'ssh');
      if (!p) throw new Error(vscode.l10n.t('No SSH source profile named "{0}" in oauthDebugger.sources.', a.profile));
      return this.startSsh({ host: p.host!, path: p.path, filter: p.filter ?? '' }, this.resolveStart(a.start ?? p.start ?? a.initialLines));
    }
    if (typeof a.host === 'string' && typeof a.path === 'string') return this.startSsh({ host: a.host, path: a.path, filter: a.filter ?? '' }, this.resolveStart(a.start ?? a.initialLines));

    type Item = vscode.QuickPickItem & { pick: () => Promise<RecentRemote | undefined>; start?: string };
    const items: Item[] = [];
    const { profiles, problems } = readSourceProfiles();
    for (const problem of problems) this.deps.log.warn(problem);
    for (const p of profiles.filter((x) => x.type === 'ssh')) {
      const detail = [p.filter ? vscode.l10n.t('filter: {0}', p.filter) : '', p.start ? vscode.l10n.t('start: {0}', p.start) : ''].filter(Boolean).join(' · ');
      items.push({ label: `$(remote) ${p.name}`, description: `${p.host}:${p.path}`, detail: detail || undefined, pick: async () => ({ host: p.host!, path: p.path, filter: p.filter ?? '' }), ...(p.start ? { start: p.start } : {}) });
    }
    for (const r of this.recent()) {
      items.push({ label: `$(history) ${r.host}`, description: r.path, detail: r.filter ? vscode.l10n.t('filter: {0}', r.filter) : undefined, pick: async () => r });
    }
    const hosts = readSshConfigHosts();
    if (hosts.length) items.push({ label: vscode.l10n.t('Hosts from ~/.ssh/config'), kind: vscode.QuickPickItemKind.Separator, pick: async () => undefined });
    for (const h of hosts) items.push({ label: `$(server) ${h}`, pick: () => this.askPathAndFilter(h) });
    items.push({ label: `$(edit) ${vscode.l10n.t('Enter a host…')}`, description: vscode.l10n.t('alias, user@host or ssh://user@host:port'), pick: () => this.askHost() });
    const chosen = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Tail a remote log over SSH'), placeHolder: vscode.l10n.t('Pick a host; your ssh config, agent and known_hosts are used'), matchOnDescription: true });
    const target = await chosen?.pick();
    if (!target) return undefined;
    const start = chosen?.start ? this.resolveStart(chosen.start) : await this.askStart();
    return start ? this.startSsh(target, start) : undefined;
  }

  async stopTailing(arg?: unknown): Promise<void> {
    const name = typeof arg === 'string' ? arg : arg && typeof arg === 'object' && typeof (arg as { name?: unknown }).name === 'string' ? (arg as { name: string }).name : undefined;
    if (name === '*') return this.stopAll();
    if (name) return this.stop(name);
    if (this.tails.size === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Nothing is being tailed.'));
      return;
    }
    if (this.tails.size === 1) return this.stopAll();
    const items = [
      { label: `$(debug-stop) ${vscode.l10n.t('Stop all')}`, name: undefined as string | undefined },
      ...[...this.tails.entries()].map(([n, t]) => ({ label: t.label, description: `${stateLabel(t.status)} · ${t.lines}`, detail: n, name: n as string | undefined })),
    ];
    const pick = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Stop tailing') });
    if (!pick) return;
    return pick.name ? this.stop(pick.name) : this.stopAll();
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.tails.keys()].map((n) => this.stop(n)));
  }

  dispose(): void {
    this.disposed = true;
    void this.stopAll();
    if (this.timer) clearInterval(this.timer);
    this.item.dispose();
  }

  // --- starting sources ---

  private async startFile(path: string, start: TailStart): Promise<string | undefined> {
    return this.run(path, basename(path), path, (sink, onStatus) => new FileTail({ path, sink, onStatus, ...startOptions(start) }), async (src) => {
      await src.start();
    });
  }

  /** A file picked in the quick pick: its profile's start, or the "Start from" question. */
  private async askStartThenFile(path: string, profile?: SourceProfile): Promise<string | undefined> {
    const start = profile?.start ? this.resolveStart(profile.start) : await this.askStart();
    return start ? this.startFile(path, start) : undefined;
  }

  /**
   * A start given by a caller or a profile (lines, duration or time), resolved now; nothing
   * given = the last N lines of `oauthDebugger.tail.initialLines`. A bad value is an error the
   * user sees, not a silent default.
   */
  private resolveStart(spec: string | number | undefined): TailStart {
    if (spec === undefined || spec === null || spec === '') return { kind: 'lines', lines: readSettings().tailInitialLines };
    const r = parseTailStart(spec, Date.now());
    if (!r.ok) throw new Error(vscode.l10n.t('Cannot start tailing from "{0}": use a number of lines (200), a duration (15m, 2h, 1d) or a time (09:30, 2026-11-28T10:00).', String(spec)));
    return r.start;
  }

  /**
   * "Start from: last N lines / last 15 minutes / last hour / since a time…", the last choice
   * first. Undefined when the user cancels (then nothing is tailed).
   */
  private async askStart(): Promise<TailStart | undefined> {
    const n = readSettings().tailInitialLines;
    const last = this.context.globalState.get<unknown>(START_KEY);
    type Item = vscode.QuickPickItem & { spec?: string };
    const items: Item[] = [
      { label: `$(list-flat) ${vscode.l10n.t('Last {0} lines', n)}`, spec: 'lines' },
      { label: `$(history) ${vscode.l10n.t('Last 15 minutes')}`, spec: '15m' },
      { label: `$(history) ${vscode.l10n.t('Last hour')}`, spec: '1h' },
    ];
    if (typeof last === 'string' && last !== 'lines' && !items.some((i) => i.spec === last) && parseTailStart(last, Date.now()).ok) {
      items.push({ label: `$(history) ${vscode.l10n.t('Since {0}', last)}`, spec: last });
    }
    items.push({ label: `$(calendar) ${vscode.l10n.t('Since a time…')}`, description: vscode.l10n.t('a duration (15m, 2h, 1d) or a time (09:30, 2026-11-28T10:00)') });
    const lastIndex = items.findIndex((i) => i.spec !== undefined && i.spec === last);
    if (lastIndex > 0) items.unshift(...items.splice(lastIndex, 1));
    if (lastIndex >= 0) items[0]!.description = vscode.l10n.t('last choice');
    const pick = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Start from'), placeHolder: vscode.l10n.t('Which existing lines to read before following new ones') });
    if (!pick) return undefined;
    let spec = pick.spec;
    if (spec === undefined) {
      const typed = await vscode.window.showInputBox({
        title: vscode.l10n.t('Start from a time'),
        prompt: vscode.l10n.t('Lines whose log timestamp is at or after this are shown, then new lines. A duration (15m, 2h, 1d), a time today (09:30) or a date and time (2026-11-28T10:00, local unless it has a zone).'),
        value: typeof last === 'string' && last !== 'lines' ? last : '30m',
        ignoreFocusOut: true,
        validateInput: (v) => {
          const r = parseTailStart(v.trim(), Date.now());
          return r.ok && r.start.kind === 'since' ? undefined : vscode.l10n.t('Enter a duration (15m, 2h, 1d) or a time (09:30, 2026-11-28T10:00).');
        },
      });
      if (!typed?.trim()) return undefined;
      spec = typed.trim();
    }
    void this.context.globalState.update(START_KEY, spec);
    return spec === 'lines' ? { kind: 'lines', lines: n } : this.resolveStart(spec);
  }

  private async startCommand(name: string, command: string): Promise<string | undefined> {
    if (!vscode.workspace.isTrusted) throw new Error(vscode.l10n.t('Command sources do not run in an untrusted workspace.'));
    const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.scheme === 'file' ? vscode.workspace.workspaceFolders[0].uri.fsPath : undefined;
    return this.run(`cmd:${name}`, name, command, (sink, onStatus) => new CommandSource({ name, command, sink, onStatus, ...(cwd ? { cwd } : {}) }), (src) => src.start());
  }

  private async startSsh(t: RecentRemote, start: TailStart): Promise<string | undefined> {
    const problem = checkSshHost(t.host);
    if (problem) throw new Error(problem);
    const settings = readSettings();
    const label = `${t.host}:${basename(t.path)}`;
    const name = `ssh://${t.host}${t.path.startsWith('/') ? '' : '/'}${t.path}`;
    const started = await this.run(name, label, t.host, (sink, onStatus) => new SshSource({
      host: t.host, path: t.path, filter: t.filter, sink, onStatus, sshPath: settings.sshPath, ...startOptions(start),
    }), async (src) => vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Connecting to {0}…', t.host), cancellable: true }, async (_p, token) => {
      const sub = token.onCancellationRequested(() => void this.stop(name));
      try {
        await src.start();
      } finally {
        sub.dispose();
      }
    }));
    if (started && this.tails.has(name)) this.remember(t);
    return started;
  }

  /**
   * Starts a source under `name` unless it already runs; wires its lines (counted for the rate)
   * and status (logged, shown on failure) and refreshes the status bar.
   */
  private async run(name: string, label: string, where: string, make: (sink: TailSink, onStatus: (s: TailStatus) => void) => TailSource, start: (src: TailSource) => Promise<void>): Promise<string | undefined> {
    if (this.tails.has(name)) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Already tailing {0}.', label));
      return name;
    }
    const ref: { entry?: ActiveTail } = {};
    const sink: TailSink = {
      push: (line: SourceLine) => {
        const entry = ref.entry;
        if (entry) {
          entry.lines++;
          entry.pending++;
        }
        this.deps.sink.push(line);
      },
      end: (source: string) => this.deps.sink.end?.(source),
    };
    const onStatus = (s: TailStatus): void => {
      const entry = ref.entry;
      if (!entry || this.tails.get(name) !== entry) return;
      entry.status = s;
      this.onStatus(name, entry, s);
    };
    this.deps.sink.warm?.();
    const source = make(sink, onStatus);
    ref.entry = { source, label, where, lines: 0, pending: 0, meter: new RateMeter(5), status: source.status };
    this.tails.set(name, ref.entry);
    this.refresh();
    this.deps.log.info(`Tailing ${name}`);
    try {
      await start(source);
    } catch (err) {
      this.tails.delete(name);
      await source.stop().catch(() => undefined);
      this.refresh();
      throw err;
    }
    if (!this.tails.has(name)) return undefined; // failed or stopped while starting
    return name;
  }

  private onStatus(name: string, t: ActiveTail, s: TailStatus): void {
    const text = describeStatus(s, t.where);
    if (s.state === 'failed') {
      this.deps.log.error(`${name}: ${s.message ?? s.code ?? 'failed'}`);
      this.tails.delete(name);
      const copy = vscode.l10n.t('Copy command');
      const showLog = vscode.l10n.t('Show log');
      void vscode.window.showErrorMessage(vscode.l10n.t('Tailing {0} stopped: {1}', t.label, text), ...(s.fix ? [copy] : []), showLog).then((choice) => {
        if (choice === copy && s.fix) void vscode.env.clipboard.writeText(s.fix);
        else if (choice === showLog) this.deps.log.show();
      });
    } else if (s.state === 'ended') {
      this.deps.log.info(`${name}: ${s.message ?? 'ended'}`);
      this.tails.delete(name);
      void vscode.window.showInformationMessage(vscode.l10n.t('{0} ended: {1}', t.label, s.message ?? ''));
    } else if (s.state !== 'stopped' && (s.code || s.state === 'reconnecting')) {
      this.deps.log.info(`${name}: ${s.message ?? s.code}`);
      if (s.code === 'backlog_capped' || s.code === 'no_timestamps') void vscode.window.showInformationMessage(text);
    }
    this.refresh();
  }

  private async stop(name: string): Promise<void> {
    const t = this.tails.get(name);
    if (!t) return;
    this.tails.delete(name);
    await t.source.stop();
    // Stopped means every line it read is in the session (the parse thread may hold the last ones).
    await this.deps.sink.whenIdle?.();
    this.deps.log.info(`Stopped tailing ${name} after ${t.lines} lines`);
    this.refresh();
  }

  // --- prompts ---

  private async browseFile(): Promise<string | undefined> {
    const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: vscode.l10n.t('Tail'), title: vscode.l10n.t('Pick a log file to follow'), filters: { [vscode.l10n.t('Logs')]: ['log', 'txt', 'json'], [vscode.l10n.t('All files')]: ['*'] } });
    const uri = picked?.[0];
    if (!uri) return undefined;
    if (uri.scheme !== 'file') throw new Error(vscode.l10n.t('Only files on this machine can be tailed; for a server use "OAuth: Tail Remote Log over SSH…".'));
    return this.askStartThenFile(uri.fsPath);
  }

  private async promptCommand(): Promise<string | undefined> {
    const command = await vscode.window.showInputBox({
      title: vscode.l10n.t('Tail the output of a command'),
      prompt: vscode.l10n.t('Runs in your shell until you stop it. Add it to oauthDebugger.commandSources in your user settings to keep it.'),
      placeHolder: 'docker logs -f --since 10m app',
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Enter a command.')),
    });
    if (!command?.trim()) return undefined;
    const name = command.trim().split(/\s+/).slice(0, 3).join(' ');
    return this.startCommand(name, command.trim());
  }

  private async askHost(): Promise<RecentRemote | undefined> {
    const host = await vscode.window.showInputBox({
      title: vscode.l10n.t('SSH host'),
      placeHolder: 'deploy@prod-1',
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? checkSshHost(v.trim()) : vscode.l10n.t('Enter a host.')),
    });
    return host?.trim() ? this.askPathAndFilter(host.trim()) : undefined;
  }

  private async askPathAndFilter(host: string): Promise<RecentRemote | undefined> {
    const last = this.recent().find((r) => r.host === host);
    const path = await vscode.window.showInputBox({
      title: vscode.l10n.t('Log file on {0}', host),
      value: last?.path ?? '/var/www/html/storage/logs/laravel.log',
      prompt: vscode.l10n.t('Absolute path, used literally (no ~ or globs).'),
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Enter a path.')),
    });
    if (!path?.trim()) return undefined;
    const filter = await vscode.window.showInputBox({
      title: vscode.l10n.t('Server-side filter (optional)'),
      value: last?.filter ?? DEFAULT_REMOTE_FILTER,
      prompt: vscode.l10n.t('Extended regular expression, case-insensitive, run by grep on the server so only matching lines cross the network. Empty = every line.'),
      ignoreFocusOut: true,
    });
    if (filter === undefined) return undefined;
    return { host, path: path.trim(), filter: filter.trim() };
  }

  private recent(): RecentRemote[] {
    const v = this.context.globalState.get<unknown>(RECENT_KEY);
    if (!Array.isArray(v)) return [];
    return v.filter((r): r is RecentRemote => !!r && typeof r === 'object' && typeof (r as RecentRemote).host === 'string' && typeof (r as RecentRemote).path === 'string' && typeof (r as RecentRemote).filter === 'string');
  }

  private remember(t: RecentRemote): void {
    const list = [t, ...this.recent().filter((r) => !(r.host === t.host && r.path === t.path))].slice(0, 8);
    void this.context.globalState.update(RECENT_KEY, list);
  }

  // --- status bar ---

  private refresh(): void {
    if (this.disposed) return;
    const n = this.tails.size;
    void vscode.commands.executeCommand('setContext', CONTEXT_KEY, n > 0);
    if (n === 0) {
      this.item.hide();
      if (this.timer) clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    if (!this.timer) this.timer = setInterval(() => this.refresh(), 1000);
    const now = Date.now();
    let rate = 0;
    let busy = false;
    const rows: string[] = [];
    for (const [name, t] of this.tails) {
      if (t.pending) {
        t.meter.add(t.pending, now);
        t.pending = 0;
      }
      const r = t.meter.rate(now);
      rate += r;
      if (t.status.state !== 'following') busy = true;
      rows.push(`- **${escapeMd(t.label)}** — ${stateLabel(t.status)} · ${vscode.l10n.t('{0} lines', t.lines)} · ${vscode.l10n.t('{0}/s', formatRate(r))}  \n  \`${escapeMd(name)}\`${t.status.state !== 'following' && t.status.message ? `  \n  ${escapeMd(describeStatus(t.status, t.where))}` : ''}`);
    }
    const first = [...this.tails.values()][0]!;
    const what = n === 1 ? first.label : vscode.l10n.t('{0} logs', n);
    this.item.text = `${busy ? '$(sync~spin)' : '$(pulse)'} ${what} · ${vscode.l10n.t('{0}/s', formatRate(rate))}`;
    const md = new vscode.MarkdownString(`${vscode.l10n.t('**Tailing** (click to stop)')}\n\n${rows.join('\n')}`);
    md.isTrusted = false;
    this.item.tooltip = md;
    this.item.show();
  }
}

function fileArg(arg: unknown): TailFileArgs | undefined {
  if (arg instanceof vscode.Uri) return arg.scheme === 'file' ? { path: arg.fsPath } : undefined;
  if (arg && typeof arg === 'object') {
    const a = arg as TailFileArgs;
    const path = typeof a.path === 'string' ? a.path : undefined;
    const profile = typeof a.profile === 'string' ? a.profile : undefined;
    if (!path && !profile) return undefined;
    return {
      ...(path ? { path } : {}), ...(profile ? { profile } : {}),
      ...(typeof a.initialLines === 'number' ? { initialLines: a.initialLines } : {}),
      ...(typeof a.start === 'string' || typeof a.start === 'number' ? { start: a.start } : {}),
    };
  }
  return undefined;
}

/** FileTail / SshSource options for a start: `tail -n` lines, or a time with the backlog cap. */
function startOptions(start: TailStart): { initialLines: number } | { since: number; maxBacklogBytes: number } {
  return start.kind === 'lines' ? { initialLines: start.lines } : { since: start.since, maxBacklogBytes: readMaxBacklogBytes() };
}

function formatRate(r: number): string {
  return r >= 10 ? String(Math.round(r)) : (Math.round(r * 10) / 10).toString();
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+!|<>]/g, '\\$&');
}
