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
import { sinceLog } from '../peers/tail/sinceLog';
import { lineTime } from '../../src/core/tail/lineTime';

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
    await vscode.workspace.getConfiguration(SETTINGS_PREFIX).update('sources', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration(SETTINGS_PREFIX).update('tail.maxBacklogMB', undefined, vscode.ConfigurationTarget.Global);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a local source profile\'s "start" (30m) is read: only the lines since then reach the session, then appends', async () => {
    api.session.reset();
    const f = join(dir, 'since.log');
    // Entries a minute apart, half a minute off the minute, so "30m" resolved a moment later has a clear boundary.
    const log = sinceLog(Date.now() + 30_000);
    writeFileSync(f, log.text);
    await vscode.workspace.getConfiguration(SETTINGS_PREFIX).update('sources', [{ name: 'since profile', type: 'local', path: f, start: '30m' }], vscode.ConfigurationTarget.Global);
    const name = await vscode.commands.executeCommand<string>(COMMANDS.tailLogFile, { profile: 'since profile' });
    assert.equal(name, f);
    await until('the lines of the last 30 minutes', () => lines() >= log.expected.length);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(lines(), log.expected.length, 'exactly the lines since 30 minutes ago');
    appendFileSync(f, 'appended\n');
    await until('the appended line', () => lines() === log.expected.length + 1, 3000);
    await vscode.commands.executeCommand(COMMANDS.stopTailing, { name: f });
  });

  it('oauthDebugger.tail.maxBacklogMB caps a start from a time', async () => {
    api.session.reset();
    const f = join(dir, 'busy.log');
    const now = Date.now();
    const row = (i: number): string => `[${new Date(now - 600_000 + i * 20).toISOString().replace('T', ' ').slice(0, 19)}] production.INFO: GET /api/items?page=${String(i).padStart(6, '0')} ${'p'.repeat(40)}\n`; // 100 bytes
    writeFileSync(f, Array.from({ length: 25_000 }, (_, i) => row(i)).join('')); // 2.5 MB, all within the last 10 minutes
    await vscode.workspace.getConfiguration(SETTINGS_PREFIX).update('tail.maxBacklogMB', 1, vscode.ConfigurationTarget.Global);
    const name = await vscode.commands.executeCommand<string>(COMMANDS.tailLogFile, { path: f, start: '1h' });
    const rowBytes = Buffer.byteLength(row(0));
    assert.equal(Buffer.byteLength(row(24_999)), rowBytes);
    const cap = Math.floor((1024 * 1024) / rowBytes);
    await until('the capped backlog', () => lines() >= cap, 20_000);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(lines(), cap, 'the last 1 MiB of whole lines, not the whole hour');
    await vscode.commands.executeCommand(COMMANDS.stopTailing, { name });
  });

  it('the "Start from" quick pick: last N lines / 15 minutes / hour / a time; the last choice comes first next time', async () => {
    const cfg = vscode.workspace.getConfiguration(SETTINGS_PREFIX);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const f = join(dir, 'picked.log');
    const log = sinceLog(Date.now() + 30_000); // five hours, one entry a minute
    writeFileSync(f, log.text);
    const rows = log.text.split('\n').slice(0, -1);
    const sinceHour = Date.now() - 3_600_000;
    const wantHour = rows.length - rows.findIndex((r) => (lineTime(r) ?? -Infinity) >= sinceHour + 2000);
    await cfg.update('sources', [{ name: 'picked', type: 'local', path: f }], vscode.ConfigurationTarget.Global);
    const pause = (ms: number): Promise<unknown> => new Promise((r) => setTimeout(r, ms));
    const drive = async (steps: number): Promise<string | undefined> => {
      api.session.reset();
      const run = vscode.commands.executeCommand<string>(COMMANDS.tailLogFile);
      await pause(1200);
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem'); // the profile (no editor open)
      await pause(1200);
      for (let i = 0; i < steps; i++) {
        await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
        await pause(200);
      }
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      return run;
    };
    // Items: Last N lines, Last 15 minutes, Last hour, Since a time… → two steps down = the last hour.
    const name = await drive(2);
    assert.equal(name, f);
    await until('the last hour', () => lines() >= wantHour);
    await pause(300);
    assert.equal(lines(), wantHour);
    await vscode.commands.executeCommand(COMMANDS.stopTailing, { name: f });
    // Again, accepting the first item: the remembered "Last hour".
    await drive(0);
    await until('the last hour again', () => lines() >= wantHour);
    await pause(300);
    assert.equal(lines(), wantHour);
    await vscode.commands.executeCommand(COMMANDS.stopTailing, { name: f });
  });

  it('a bad start is refused (shown as an error), nothing is tailed', async () => {
    const f = join(dir, 'bad-start.log');
    writeFileSync(f, 'x\n');
    // The command runner shows the error ("Cannot start tailing from …") and resolves undefined.
    const name = await vscode.commands.executeCommand<string | undefined>(COMMANDS.tailLogFile, { path: f, start: 'soonish' });
    assert.equal(name, undefined);
    assert.ok(!api.session.sources.includes(f));
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
