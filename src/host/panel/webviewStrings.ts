import * as vscode from 'vscode';

/** The webview's UI strings, localised in the host (the webview bundle carries no English). */
export function webviewStrings(): Record<string, string> {
  return {
    emptyTitle: vscode.l10n.t('No diagnosis yet'),
    emptyBody: vscode.l10n.t('Run a diagnosis against your authorization server, or tail a log file while you retry the failing login. Flows, findings and fixes appear here.'),
    diagnose: vscode.l10n.t('Diagnose…'),
    tailLogFile: vscode.l10n.t('Tail Log File…'),
    decodeJwt: vscode.l10n.t('Decode JWT'),
    exportReport: vscode.l10n.t('Export Report…'),
    flows: vscode.l10n.t('Flows'),
    findings: vscode.l10n.t('Findings'),
    noFindings: vscode.l10n.t('No problems found.'),
    fix: vscode.l10n.t('How to fix'),
    evidence: vscode.l10n.t('Evidence'),
    spec: vscode.l10n.t('Specified in'),
    'stage.discovery': vscode.l10n.t('Discovery'),
    'stage.registration': vscode.l10n.t('Registration'),
    'stage.authorize': vscode.l10n.t('Authorize'),
    'stage.consent': vscode.l10n.t('Consent'),
    'stage.callback': vscode.l10n.t('Callback'),
    'stage.token': vscode.l10n.t('Token request'),
    'stage.token_issued': vscode.l10n.t('Token issued'),
    'stage.api': vscode.l10n.t('API call'),
    'status.ok': vscode.l10n.t('ok'),
    'status.failed': vscode.l10n.t('failed'),
    'status.missing': vscode.l10n.t('missing'),
    'status.not_applicable': vscode.l10n.t('not applicable'),
    'severity.error': vscode.l10n.t('Error'),
    'severity.warning': vscode.l10n.t('Warning'),
    'severity.info': vscode.l10n.t('Info'),
  };
}
