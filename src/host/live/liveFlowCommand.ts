/**
 * `OAuth: Run Live Flow…`: asks for the issuer (or protected resource), the client id, a registered
 * loopback redirect URI and the client secret (kept in SecretStorage, never in settings or logs),
 * then runs the live authorization-code flow with the system browser (`openExternal`) under a
 * cancellable progress notification, and hands the report to the diagnosis session.
 */
import * as vscode from 'vscode';
import { COMMANDS } from '../../shared/commandIds';
import { readSettings } from '../config';
import type { Log } from '../log';
import type { DiagnosisSession } from '../session';
import { runLiveFlow } from '../../probes/liveFlow';
import type { ProbeReport } from '../../core/probes/probeReport';

export interface LiveFlowCommandDeps {
  log: Log;
  session: DiagnosisSession;
}

const LAST = { issuer: 'oauthDebugger.live.lastIssuer', clientId: 'oauthDebugger.live.lastClientId', redirectUri: 'oauthDebugger.live.lastRedirectUri' } as const;

/** The SecretStorage key of a client's secret: one per issuer and client id. */
export function secretKey(issuer: string, clientId: string): string {
  return `oauthDebugger.clientSecret:${issuer}#${clientId}`;
}

/**
 * Arguments for running without prompts (tests, other commands, keybindings). The secret is never
 * an argument: it comes from SecretStorage when one is stored for this issuer and client.
 */
export interface LiveFlowCommandArgs {
  issuer: string;
  clientId: string;
  redirectUri?: string;
  /** How long to wait for the browser (default 5 minutes). */
  callbackTimeoutMs?: number;
}

function isArgs(v: unknown): v is LiveFlowCommandArgs {
  return typeof v === 'object' && v !== null && typeof (v as LiveFlowCommandArgs).issuer === 'string' && typeof (v as LiveFlowCommandArgs).clientId === 'string';
}

/** Runs the command; resolves to the report, or undefined when the user backed out. */
export async function runLiveFlowCommand(context: vscode.ExtensionContext, deps: LiveFlowCommandDeps, arg?: unknown): Promise<ProbeReport | undefined> {
  if (isArgs(arg)) {
    if (!isHttpUrl(arg.issuer)) throw new Error(vscode.l10n.t('Not an http(s) URL: {0}', arg.issuer));
    const stored = await context.secrets.get(secretKey(arg.issuer, arg.clientId));
    return execute(context, deps, { issuer: arg.issuer, clientId: arg.clientId, redirectUri: arg.redirectUri ?? '', clientSecret: stored, callbackTimeoutMs: arg.callbackTimeoutMs });
  }
  const issuer = await vscode.window.showInputBox({
    title: vscode.l10n.t('Run Live Flow (1/4)'),
    prompt: vscode.l10n.t('Issuer URL, or a protected resource URL (e.g. an MCP server’s /mcp endpoint)'),
    value: context.globalState.get<string>(LAST.issuer, ''),
    ignoreFocusOut: true,
    validateInput: (v) => (isHttpUrl(v.trim()) ? undefined : vscode.l10n.t('Enter an http(s) URL')),
  });
  if (!issuer) return undefined;
  const clientId = await vscode.window.showInputBox({
    title: vscode.l10n.t('Run Live Flow (2/4)'),
    prompt: vscode.l10n.t('Client ID registered at the authorization server'),
    value: context.globalState.get<string>(LAST.clientId, ''),
    ignoreFocusOut: true,
    validateInput: (v) => (v.length ? undefined : vscode.l10n.t('The client ID is required')),
  });
  if (!clientId) return undefined;
  const redirectUri = await vscode.window.showInputBox({
    title: vscode.l10n.t('Run Live Flow (3/4)'),
    prompt: vscode.l10n.t('A loopback redirect URI registered for this client (http://127.0.0.1:PORT/PATH). Leave empty to use the liveFlow.port and liveFlow.callbackPath settings.'),
    value: context.globalState.get<string>(LAST.redirectUri, ''),
    ignoreFocusOut: true,
    validateInput: (v) => (!v || /^http:\/\/(127\.0\.0\.1|localhost):\d+\//.test(v) ? undefined : vscode.l10n.t('Use http://127.0.0.1:PORT/PATH or http://localhost:PORT/PATH (the flow listens on this machine only)')),
  });
  if (redirectUri === undefined) return undefined;
  const clientSecret = await askSecret(context, issuer.trim(), clientId);
  if (clientSecret === null) return undefined;
  await context.globalState.update(LAST.issuer, issuer.trim());
  await context.globalState.update(LAST.clientId, clientId);
  await context.globalState.update(LAST.redirectUri, redirectUri);
  return execute(context, deps, { issuer: issuer.trim(), clientId, redirectUri, clientSecret });
}

interface Inputs {
  issuer: string;
  clientId: string;
  redirectUri: string;
  clientSecret?: string;
  callbackTimeoutMs?: number;
}

async function execute(context: vscode.ExtensionContext, deps: LiveFlowCommandDeps, inputs: Inputs): Promise<ProbeReport> {
  const { issuer, clientId, redirectUri, clientSecret } = inputs;
  const settings = readSettings();
  const ac = new AbortController();
  const stopOnDispose = { dispose: () => ac.abort() };
  context.subscriptions.push(stopOnDispose);
  try {
    const report = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('OAuth live flow'), cancellable: true }, async (progress, token) => {
      token.onCancellationRequested(() => ac.abort());
      return runLiveFlow({
        issuer,
        clientId,
        callbackTimeoutMs: inputs.callbackTimeoutMs,
        clientSecret,
        redirectUri: redirectUri || undefined,
        port: redirectUri ? undefined : settings.liveFlowPort || undefined,
        callbackPath: redirectUri ? undefined : settings.liveFlowCallbackPath,
        timeoutMs: settings.httpTimeoutMs,
        caFile: settings.httpCaFile || undefined,
      }, {
        signal: ac.signal,
        onStep: (s) => {
          progress.report({ message: `${s.name}: ${s.status}` });
          deps.log.info(`live flow · ${s.stage} · ${s.name}: ${s.status} – ${s.summary}`);
        },
        openBrowser: async (url) => {
          progress.report({ message: vscode.l10n.t('Waiting for the browser to come back…') });
          // A string, not Uri.parse(url): parsing re-encodes the already-encoded query and breaks
          // redirect_uri (microsoft/vscode#85930); openExternal accepts the string as is.
          // Not awaited: the link-protection prompt may stay open, and the callback must be
          // listened for (with its timeout) from now on regardless.
          void Promise.resolve(vscode.env.openExternal(url as unknown as vscode.Uri)).then((opened) => {
            if (!opened) deps.log.warn('live flow: the browser was not opened; open the authorize URL from the log yourself');
          }, (e: unknown) => deps.log.error('live flow: openExternal failed', e));
          deps.log.info(`live flow: authorize URL ${url}`);
        },
      });
    });
    deps.session.setProbeReport(report);
    const errors = report.findings.filter((f) => f.severity === 'error').length;
    const open = vscode.l10n.t('Show Diagnosis');
    const message = errors
      ? vscode.l10n.t('Live flow: {0} problem(s) found, first: {1}', errors, report.findings[0]?.id ?? '')
      : vscode.l10n.t('Live flow completed without errors ({0} steps).', report.steps.length);
    // Not awaited: the notification stays until the user reacts, the command is done now.
    void Promise.resolve(errors ? vscode.window.showWarningMessage(message, open) : vscode.window.showInformationMessage(message, open)).then((pick) => {
      if (pick === open) void vscode.commands.executeCommand(COMMANDS.diagnose);
    });
    return report;
  } finally {
    stopOnDispose.dispose();
    const i = context.subscriptions.indexOf(stopOnDispose);
    if (i >= 0) context.subscriptions.splice(i, 1);
  }
}

/** The stored secret, a newly entered one (stored), undefined for a public client, null when cancelled. */
async function askSecret(context: vscode.ExtensionContext, issuer: string, clientId: string): Promise<string | undefined | null> {
  const key = secretKey(issuer, clientId);
  const stored = await context.secrets.get(key);
  if (stored) {
    const use = vscode.l10n.t('Use the stored client secret');
    const other = vscode.l10n.t('Enter a different client secret');
    const none = vscode.l10n.t('Public client (no secret)');
    const forget = vscode.l10n.t('Forget the stored secret and continue as a public client');
    const pick = await vscode.window.showQuickPick([use, other, none, forget], { title: vscode.l10n.t('Run Live Flow (4/4)'), ignoreFocusOut: true });
    if (pick === undefined) return null;
    if (pick === use) return stored;
    if (pick === none) return undefined;
    if (pick === forget) {
      await context.secrets.delete(key);
      return undefined;
    }
  }
  const entered = await vscode.window.showInputBox({
    title: vscode.l10n.t('Run Live Flow (4/4)'),
    prompt: vscode.l10n.t('Client secret (stored in the OS keychain through VS Code SecretStorage). Leave empty for a public client.'),
    password: true,
    ignoreFocusOut: true,
  });
  if (entered === undefined) return null;
  if (!entered) return undefined;
  await context.secrets.store(key, entered);
  return entered;
}

function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}
