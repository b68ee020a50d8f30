/**
 * The tail commands inside the real extension host: `OAuth: Tail Log File…` on a real file feeds
 * the session hub as lines are appended, `OAuth: Stop Tailing` stops it; `OAuth: Tail Remote Log
 * over SSH…` reaches a real sshd through the `oauthDebugger.ssh.path` setting (a wrapper that
 * points ssh at the test server's own config and known_hosts); command sources are read from
 * the user's global settings only.
 */
import * as assert from 'node:assert/strict';
import { appendFileSync, chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS, SETTINGS_PREFIX } from '../../src/shared/commandIds';
import type { ExtensionApi } from '../../src/host/extension';
import { readCommandProfiles } from '../../src/host/tail/tailSettings';
import { sshdAvailable, startSshd } from '../peers/ssh/testSshd';

const EXTENSION_ID = 'oauth-flow-debugger.oauth-flow-debugger';

async function until(what: string, cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('live tailing in the real extension host', function () {
  this.timeout(60_000);
  let api: ExtensionApi;
  let dir: string;
  const lines = (): number => api.session.snapshot().diagnosis.stats.lines;

  before(async () => {
    api = await vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID)!.activate();
    dir = mkdtempSync(join(tmpdir(), 'oauthdbg-it-tail-'));
  });
  after(async () => {
    await vscode.commands.executeCommand(COMMANDS.stopTailing, { name: '*' });
    await vscode.workspace.getConfiguration(SETTINGS_PREFIX).update('ssh.path', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration(SETTINGS_PREFIX).update('commandSources', undefined, vscode.ConfigurationTarget.Global);
    rmSync(dir, { recursive: true, force: true });
  });

  it('Tail Log File follows appends into the session; Stop Tailing stops it', async () => {
    api.session.reset();
    const f = join(dir, 'laravel.log');
    writeFileSync(f, '[2026-11-28 10:00:00] production.INFO: GET /oauth/authorize?client_id=web&state=s1\n');
    const name = await vscode.commands.executeCommand<string>(COMMANDS.tailLogFile, { path: f, initialLines: 10 });
    assert.equal(name, f);
    await until('the first line', () => lines() >= 1);
    appendFileSync(f, '[2026-11-28 10:00:01] production.ERROR: POST /oauth/token invalid_grant\n');
    await until('the appended line', () => lines() >= 2, 3000);
    assert.ok(api.session.sources.includes(f));
    await vscode.commands.executeCommand(COMMANDS.stopTailing, { name: f });
    appendFileSync(f, 'after stop\n');
    await new Promise((r) => setTimeout(r, 700));
    assert.equal(lines(), 2, 'no lines after Stop Tailing');
  });

  it('Tail Remote Log over SSH streams from a real sshd via oauthDebugger.ssh.path', async function () {
    if (!sshdAvailable()) this.skip();
    const sshd = await startSshd();
    try {
      const wrapper = join(sshd.dir, 'ssh-wrapper.sh');
      writeFileSync(wrapper, `#!/bin/sh\nexec ssh -F '${sshd.clientConfig}' -o 'UserKnownHostsFile=${sshd.knownHosts}' "$@"\n`);
      chmodSync(wrapper, 0o755);
      await vscode.workspace.getConfiguration(SETTINGS_PREFIX).update('ssh.path', wrapper, vscode.ConfigurationTarget.Global);
      api.session.reset();
      const f = join(sshd.dir, 'remote laravel.log');
      writeFileSync(f, 'noise\nGET /oauth/authorize?client_id=web\n');
      const name = await vscode.commands.executeCommand<string>(COMMANDS.tailRemoteLog, { host: sshd.host, path: f, filter: 'oauth', initialLines: 10 });
      assert.equal(name, `ssh://${sshd.host}${f}`);
      await until('the remote line', () => lines() >= 1);
      appendFileSync(f, 'more noise\nPOST /oauth/token 400 invalid_grant\n');
      await until('the appended remote line', () => lines() >= 2);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(lines(), 2, 'the server-side filter kept the noise on the server');
      await vscode.commands.executeCommand(COMMANDS.stopTailing, { name });
    } finally {
      await sshd.stop();
    }
  });

  it('command sources come only from the user\'s global settings', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    await vscode.workspace.getConfiguration(SETTINGS_PREFIX).update('commandSources', [{ name: 'mine', command: 'echo mine' }], vscode.ConfigurationTarget.Global);
    if (folder) {
      // A workspace that tries to define its own command (application-scoped: VS Code refuses to write it, so write the file).
      const { mkdirSync, existsSync, readFileSync } = await import('node:fs');
      const settingsFile = join(folder, '.vscode', 'settings.json');
      const before = existsSync(settingsFile) ? readFileSync(settingsFile, 'utf8') : undefined;
      mkdirSync(join(folder, '.vscode'), { recursive: true });
      writeFileSync(settingsFile, JSON.stringify({ 'oauthDebugger.commandSources': [{ name: 'evil', command: 'touch /tmp/evil' }] }));
      try {
        await new Promise((r) => setTimeout(r, 500));
        assert.deepEqual(readCommandProfiles(), [{ name: 'mine', command: 'echo mine' }]);
      } finally {
        if (before === undefined) rmSync(settingsFile);
        else writeFileSync(settingsFile, before);
      }
    } else {
      assert.deepEqual(readCommandProfiles(), [{ name: 'mine', command: 'echo mine' }]);
    }
  });
});
