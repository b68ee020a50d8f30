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

/** Runs the command; resolves to the report, or undefined when the user backed out. */
export async function runLiveFlowCommand(context: vscode.ExtensionContext, deps: LiveFlowCommandDeps): Promise<ProbeReport | undefined> {
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
  const settings = readSettings();
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

  const ac = new AbortController();
  const stopOnDispose = { dispose: () => ac.abort() };
  context.subscriptions.push(stopOnDispose);
  try {
    const report = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('OAuth live flow'), cancellable: true }, async (progress, token) => {
      token.onCancellationRequested(() => ac.abort());
      return runLiveFlow({
        issuer: issuer.trim(),
        clientId,
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
          const opened = await vscode.env.openExternal(url as unknown as vscode.Uri);
          if (!opened) throw new Error(vscode.l10n.t('the browser could not be opened'));
        },
      });
    });
    deps.session.setProbeReport(report);
    const errors = report.findings.filter((f) => f.severity === 'error').length;
    const open = vscode.l10n.t('Show Diagnosis');
    const message = errors
      ? vscode.l10n.t('Live flow: {0} problem(s) found, first: {1}', errors, report.findings[0]?.id ?? '')
      : vscode.l10n.t('Live flow completed without errors ({0} steps).', report.steps.length);
    const pick = await (errors ? vscode.window.showWarningMessage(message, open) : vscode.window.showInformationMessage(message, open));
    if (pick === open) await vscode.commands.executeCommand(COMMANDS.diagnose);
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
