/**
 * The session survives a window reload, inside the real extension host: the extension's
 * SessionMemory writes the last result to the real `workspaceState`; a new session created the
 * way `activate` creates it after a reload (restore from that stored value) feeds the tree,
 * Problems and Export Report without a new Diagnose run. The stored value is bounded and holds
 * no raw secret. Also: Guided Diagnose's SSH choice reaches the tail controller as a profile of
 * `oauthDebugger.sources` (a real sshd when available).
 */
import * as assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS, SETTINGS_PREFIX } from '../../src/shared/commandIds';
import type { ExtensionApi } from '../../src/host/extension';
import { DiagnosisSession } from '../../src/host/session';
import { DiagnosisEngine } from '../../src/core/engine/diagnosisEngine';
import { boundSnapshot } from '../../src/host/sessionMemory';
import type { PersistedSession } from '../../src/host/sessionMemory';
import { FlowTimelineProvider } from '../../src/host/tree/flowTimelineProvider';
import { SessionViews } from '../../src/host/panel/sessionViews';
import { LogDiagnostics } from '../../src/host/hover/logDiagnostics';
import { catalogText } from '../../src/host/panel/catalogText';
import { exportReport } from '../../src/host/report/exportReport';
import { sshdAvailable, startSshd } from '../peers/ssh/testSshd';

const EXTENSION_ID = 'oauth-flow-debugger.oauth-flow-debugger';
const SECRET_CODE = 'def50200RELOADSECRET77cc';

function expiredFlow(): string[] {
  return [
    '[2026-11-28 10:00:00] local.INFO: GET /oauth/authorize?client_id=web-app&redirect_uri=https%3A%2F%2Fapp.example%2Fcallback&response_type=code&state=rl1',
    `[2026-11-28 10:00:04] local.INFO: Authorization approved, redirecting to https://app.example/callback?code=${SECRET_CODE}&state=rl1`,
    `[2026-11-28 10:02:10] local.INFO: POST /oauth/token grant_type=authorization_code client_id=web-app code=${SECRET_CODE}`,
    '[2026-11-28 10:02:10] local.ERROR: League\\OAuth2\\Server\\Exception\\OAuthServerException: The authorization code has expired {"exception":"invalid_grant","client_id":"web-app"}',
  ];
}

async function until(what: string, cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('session survives a window reload', function () {
  this.timeout(60_000);
  let api: ExtensionApi;
  let dir: string;

  before(async () => {
    api = await vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID)!.activate();
    dir = mkdtempSync(join(tmpdir(), 'oauthdbg-it-reload-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the saved result feeds a new session\'s tree, Problems and Export Report; no raw secret is stored', async () => {
    const file = join(dir, 'reload.log');
    api.session.reset();
    expiredFlow().forEach((text, i) => api.session.push({ source: file, line: i + 1, text }));
    api.session.end(file);
    await api.memory.flush();
    const saved = api.memory.load();
    assert.ok(saved, 'the result was written to workspaceState');
    assert.deepEqual(saved.sources, [file]);
    assert.ok(saved.snapshot.diagnosis.findings.some((f) => f.id === 'code_expired'));
    assert.doesNotMatch(JSON.stringify(saved), new RegExp(SECRET_CODE), 'the stored result holds no raw code');

    // Reset the live session (clears the stored value and its Problems) so the restored views are the only source.
    api.session.reset();
    await api.memory.flush();
    assert.equal(api.memory.load(), undefined, 'a reset to empty clears the stored result');
    await until('Problems cleared', () => vscode.languages.getDiagnostics(vscode.Uri.file(file)).length === 0);

    // What activate builds after a reload: a fresh session whose first read restores the saved value.
    let restoreCalls = 0;
    const session = new DiagnosisSession({ createEngine: () => new DiagnosisEngine(), restore: () => { restoreCalls++; return saved; } });
    const timeline = new FlowTimelineProvider();
    const fakeTree = { badge: undefined } as unknown as vscode.TreeView<unknown>;
    const views = new SessionViews(session, timeline, fakeTree, { catalog: catalogText });
    const diagnostics = new LogDiagnostics(session, catalogText);
    try {
      assert.equal(restoreCalls, 0, 'nothing is read until something needs the session');
      assert.equal(session.isEmpty, false);
      assert.equal(session.isRestored, true);
      assert.equal(restoreCalls, 1);
      await until('the tree shows the restored flow', () => timeline.getChildren().length > 0, 3000);
      assert.equal(timeline.failingCount, 1);
      assert.ok((fakeTree as { badge?: vscode.ViewBadge }).badge, 'failing-flows badge');
      await until('Problems has the restored error finding', () => vscode.languages.getDiagnostics(vscode.Uri.file(file)).some((d) => d.code === 'code_expired'), 5000);
      assert.ok(views.currentState()?.findings.some((f) => f.id === 'code_expired'), 'panel state from the restored result');
      const doc = await exportReport(session, 'restored', 'open') as vscode.TextDocument;
      assert.ok(doc, 'Export Report has something to export');
      assert.match(doc.getText(), /code_expired/);
      assert.doesNotMatch(doc.getText(), new RegExp(SECRET_CODE));
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');

      // New evidence replaces the restored result.
      session.push({ source: join(dir, 'new.log'), line: 1, text: 'GET /oauth/authorize?client_id=other&state=n1' });
      assert.equal(session.isRestored, false);
      assert.deepEqual(session.sources, [join(dir, 'new.log')]);
    } finally {
      diagnostics.dispose();
      views.dispose();
      session.dispose();
    }
  });

  it('the stored result is capped in size: failing flows are kept first', () => {
    const engine = new DiagnosisEngine();
    const file = join(dir, 'big.log');
    let n = 0;
    for (let i = 0; i < 400; i++) {
      const st = `ok${i}`;
      engine.push({ source: file, line: ++n, text: `[2026-11-28 09:${String(i % 60).padStart(2, '0')}:00] local.INFO: GET /oauth/authorize?client_id=bulk&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&response_type=code&state=${st} ${'x'.repeat(300)}` });
    }
    expiredFlow().forEach((text) => engine.push({ source: file, line: ++n, text }));
    engine.end(file);
    const snap = { diagnosis: engine.snapshot() };
    assert.ok(JSON.stringify(snap).length > 64 * 1024, 'the fixture is bigger than the cap used here');
    const bounded = boundSnapshot(snap, [file], 64 * 1024) as PersistedSession;
    assert.ok(bounded);
    assert.ok(JSON.stringify(bounded).length <= 64 * 1024, `stored ${JSON.stringify(bounded).length} chars`);
    assert.ok(bounded.droppedFlows > 0);
    assert.ok(bounded.snapshot.diagnosis.flows.some((f) => f.status === 'failed'), 'the failing flow survived the cut');
    assert.ok(bounded.snapshot.diagnosis.findings.some((f) => f.id === 'code_expired'));
  });
});

describe('Guided Diagnose with an SSH profile', function () {
  this.timeout(60_000);
  let api: ExtensionApi;
  const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration(SETTINGS_PREFIX);

  before(async () => {
    api = await vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID)!.activate();
  });
  after(async () => {
    await vscode.commands.executeCommand(COMMANDS.stopTailing, { name: '*' });
    // Leave no panel and no result behind: later suites start from a fresh window's state.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await until('the panel closed', () => api.panel() === undefined, 5000);
    api.session.reset();
    await config().update('sources', undefined, vscode.ConfigurationTarget.Global);
    await config().update('ssh.path', undefined, vscode.ConfigurationTarget.Global);
  });

  it('an unknown profile name fails with a message instead of opening the host picker', async () => {
    const ok = await Promise.race([
      vscode.commands.executeCommand<boolean>(COMMANDS.diagnose, { logs: { kind: 'ssh', name: 'no-such-profile' } }),
      new Promise<string>((r) => setTimeout(() => r('hung'), 8000)),
    ]);
    if (ok === 'hung') await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(ok, false);
  });

  it('the chosen profile of oauthDebugger.sources reaches the tail controller and streams from a real sshd', async function () {
    if (!sshdAvailable()) this.skip();
    const sshd = await startSshd();
    try {
      const wrapper = join(sshd.dir, 'ssh-wrapper.sh');
      writeFileSync(wrapper, `#!/bin/sh\nexec ssh -F '${sshd.clientConfig}' -o 'UserKnownHostsFile=${sshd.knownHosts}' "$@"\n`);
      chmodSync(wrapper, 0o755);
      const f = join(sshd.dir, 'prod laravel.log');
      writeFileSync(f, 'noise\nGET /oauth/authorize?client_id=web&state=ssh1\n');
      await config().update('ssh.path', wrapper, vscode.ConfigurationTarget.Global);
      await config().update('sources', [{ name: 'it-prod', type: 'ssh', host: sshd.host, path: f, filter: 'oauth' }], vscode.ConfigurationTarget.Global);
      const ok = await Promise.race([
        vscode.commands.executeCommand<boolean>(COMMANDS.diagnose, { logs: { kind: 'ssh', name: 'it-prod' } }),
        new Promise<string>((r) => setTimeout(() => r('hung'), 20_000)),
      ]);
      if (ok === 'hung') await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      assert.equal(ok, true, 'Diagnose started the tail of the profile (no host picker)');
      const name = `ssh://${sshd.host}${f}`;
      await until('the remote line in the session', () => api.session.sources.includes(name) && api.session.snapshot().diagnosis.stats.lines >= 1);
      assert.equal(api.session.snapshot().diagnosis.stats.lines, 1, 'the profile\'s filter ran on the server');
      assert.match(api.panel()?.currentState?.title ?? '', /it-prod/);
      await vscode.commands.executeCommand(COMMANDS.stopTailing, { name });
    } finally {
      await sshd.stop();
    }
  });
});
