/**
 * The UI wiring inside the real extension host: lines pushed into the session reach the panel
 * and the tree (throttled, live), the Markdown export masks secrets, error findings land in the
 * Problems collection on their evidence lines, and the panel serializer revives saved state.
 */
import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { COMMANDS } from '../../src/shared/commandIds';
import type { ExtensionApi } from '../../src/host/extension';
import { DiagnosisSession } from '../../src/host/session';
import { DiagnosisEngine } from '../../src/core/engine/diagnosisEngine';
import { FlowTimelineProvider } from '../../src/host/tree/flowTimelineProvider';
import { SessionViews } from '../../src/host/panel/sessionViews';
import { catalogText } from '../../src/host/panel/catalogText';

const EXTENSION_ID = 'oauth-flow-debugger.oauth-flow-debugger';
const SECRET_CODE = 'def50200SECRETCODE11bb22';

function lines(file: string): string[] {
  return [
    '[2026-11-28 10:00:00] local.INFO: GET /oauth/authorize?client_id=web-app&redirect_uri=https%3A%2F%2Fapp.example%2Fcallback&response_type=code&state=abc123',
    `[2026-11-28 10:00:04] local.INFO: Authorization approved, redirecting to https://app.example/callback?code=${SECRET_CODE}&state=abc123`,
    `[2026-11-28 10:02:10] local.INFO: POST /oauth/token grant_type=authorization_code client_id=web-app code=${SECRET_CODE}`,
    '[2026-11-28 10:02:10] local.ERROR: League\\OAuth2\\Server\\Exception\\OAuthServerException: The authorization code has expired {"exception":"invalid_grant","client_id":"web-app"}',
  ].filter(() => file.length > 0);
}

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`${what} did not happen within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('UI wiring in the real extension host', () => {
  let api: ExtensionApi;
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'oauth-ui-')), 'live.log');

  before(async () => {
    api = await vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID)!.activate();
  });

  it('lines pushed live reach the panel state and fire throttled change events', async () => {
    api.session.reset();
    await vscode.commands.executeCommand(COMMANDS.showInTimeline);
    const panel = api.panel();
    assert.ok(panel);
    let changes = 0;
    const sub = api.session.onDidChange(() => changes++);
    lines(file).forEach((text, i) => api.session.push({ source: file, line: i + 1, text }));
    await until(() => (panel.currentState?.flows.length ?? 0) > 0, 5000, 'the panel state update');
    sub.dispose();
    assert.ok(changes >= 1 && changes <= 2, `throttled: ${changes} change events for 4 lines`);
    assert.equal(panel.currentState!.live, true, 'a source that has not ended makes the panel live');
    // A Laravel entry is complete when the next one starts or the source ends: end it.
    api.session.end(file);
    await until(() => api.panel()?.currentState?.live !== true, 5000, 'live marker off after end');
    const state = api.panel()!.currentState!;
    assert.ok(state.findings.some((f) => f.id === 'code_expired' && f.fix.length > 0), JSON.stringify(state.findings.map((f) => f.id)));
    assert.doesNotMatch(JSON.stringify(state), new RegExp(SECRET_CODE), 'the authorization code never reaches the webview');
  });

  it('Export Report opens masked Markdown with the findings and fixes', async () => {
    const doc = await vscode.commands.executeCommand<vscode.TextDocument>(COMMANDS.exportReport, { how: 'open' });
    assert.ok(doc, 'an untitled Markdown editor');
    const text = doc.getText();
    assert.match(text, /^# /);
    assert.match(text, /code_expired/);
    assert.doesNotMatch(text, new RegExp(SECRET_CODE));
  });

  it('error findings appear in Problems on their evidence lines', async () => {
    const diags = vscode.languages.getDiagnostics(vscode.Uri.file(file));
    const expired = diags.filter((d) => d.code === 'code_expired');
    assert.ok(expired.length > 0, JSON.stringify(diags.map((d) => d.message)));
    assert.ok(expired.every((d) => d.severity === vscode.DiagnosticSeverity.Error));
    assert.ok(expired.some((d) => d.range.start.line === 3), 'on the error line (line 4)');
  });

  it('Diagnose with only a log file (no server) still diagnoses from the logs', async () => {
    const only = path.join(path.dirname(file), 'only.log');
    fs.writeFileSync(only, lines(only).join('\n') + '\n');
    const ok = await vscode.commands.executeCommand<boolean>(COMMANDS.diagnose, { logs: { kind: 'file', path: only } });
    assert.equal(ok, true);
    const state = api.panel()?.currentState;
    assert.ok(state, 'the panel shows the result');
    assert.match(state.title, /only\.log/);
    assert.equal(state.probe, undefined, 'no probe without a server');
    assert.ok(state.findings.some((f) => f.id === 'code_expired'), JSON.stringify(state.findings.map((f) => f.id)));
    assert.deepEqual(api.session.sources, [only], 'the session was reset for the new run');
  });
});

describe('Flow Timeline tree in the real extension host', () => {
  it('a client id with an invisible character is labelled spelled out; an ordinary one as it is', async () => {
    const session = new DiagnosisSession({ createEngine: () => new DiagnosisEngine() });
    const timeline = new FlowTimelineProvider();
    const tree = { badge: undefined } as unknown as vscode.TreeView<unknown>;
    const views = new SessionViews(session, timeline, tree, { catalog: catalogText });
    try {
      session.push({ source: 'zw.log', line: 1, text: '[2026-11-28 10:00:00] local.INFO: GET /oauth/authorize?client_id=%E2%80%8Bweb-app&response_type=code&state=zw1234567890' });
      session.push({ source: 'zw.log', line: 2, text: '[2026-11-28 10:05:00] local.INFO: GET /oauth/authorize?client_id=plain-app&response_type=code&state=pl1234567890' });
      session.end('zw.log'); // the last Laravel entry is complete once its source ends
      await until(() => timeline.getChildren().length === 2, 5000, 'the tree showing both flows');
      const labels = timeline.getChildren().map((n) => timeline.getTreeItem(n).label);
      assert.deepEqual([...labels].sort(), ['"\\u200bweb-app"', 'plain-app']);
    } finally {
      views.dispose();
      session.dispose();
    }
  });
});
