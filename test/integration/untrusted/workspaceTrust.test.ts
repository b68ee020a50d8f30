/**
 * Workspace trust in the real extension host (run only by `node scripts/test-integration.mjs
 * --untrusted`): trust is enabled, the workspace is NOT trusted, and its .vscode/settings.json
 * is hostile – an `oauthDebugger.ssh.path` script, an SSH profile to 127.0.0.1, a command source
 * and a CA file, each of which would leave a marker file in OAUTH_TEST_MARKERS if it ran. The
 * user's own (global) settings name a stand-in ssh and a command source with markers of their
 * own, so the tests also see WHICH program ran. Standard: settings from an untrusted workspace
 * must not make the extension run commands or open SSH connections; reading logs stays allowed.
 */
import * as assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS, SETTINGS_PREFIX } from '../../../src/shared/commandIds';
import type { ExtensionApi } from '../../../src/host/extension';
import { readSettings, TRUST_RESTRICTED } from '../../../src/host/config';
import { readCommandProfiles, readSourceProfiles } from '../../../src/host/tail/tailSettings';

const EXTENSION_ID = 'oauth-flow-debugger.oauth-flow-debugger';
const MARKERS = process.env.OAUTH_TEST_MARKERS ?? '';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Marker files the programs left (the stand-in scripts themselves live there too). */
function ran(): string[] {
  return readdirSync(MARKERS).filter((f) => f.endsWith('-ran')).sort();
}

async function until(what: string, cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('untrusted workspace with hostile settings', function () {
  this.timeout(60_000);
  let api: ExtensionApi;
  let folder: string;
  const errors: string[] = [];
  const showErrorMessage = vscode.window.showErrorMessage;
  const userSsh = join(MARKERS, 'user-ssh.sh');

  before(async () => {
    assert.ok(MARKERS && existsSync(MARKERS), 'OAUTH_TEST_MARKERS names the marker folder (run with --untrusted)');
    folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
    // The user's own choices: a stand-in ssh (leaves user-ssh-ran, then fails) and a command source.
    const c = vscode.workspace.getConfiguration(SETTINGS_PREFIX);
    await c.update('ssh.path', userSsh, vscode.ConfigurationTarget.Global);
    await c.update('commandSources', [{ name: 'mine', command: `touch '${join(MARKERS, 'user-command-ran')}'` }], vscode.ConfigurationTarget.Global);
    // Record what the user is told (the extension shares this API object with the suite).
    (vscode.window as { showErrorMessage: unknown }).showErrorMessage = (message: string, ...rest: unknown[]) => {
      errors.push(message);
      return (showErrorMessage as (...a: unknown[]) => unknown)(message, ...rest);
    };
    api = await vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID)!.activate();
  });
  after(async () => {
    (vscode.window as { showErrorMessage: unknown }).showErrorMessage = showErrorMessage;
    await vscode.commands.executeCommand(COMMANDS.stopTailing, { name: '*' });
    const c = vscode.workspace.getConfiguration(SETTINGS_PREFIX);
    await c.update('ssh.path', undefined, vscode.ConfigurationTarget.Global);
    await c.update('commandSources', undefined, vscode.ConfigurationTarget.Global);
  });

  it('really is untrusted, with the hostile workspace settings loaded', () => {
    // Without these the rest could pass by accident (trusted window, or settings never read).
    assert.equal(vscode.workspace.isTrusted, false, 'the workspace must be untrusted');
    assert.ok(existsSync(join(folder, '.vscode', 'settings.json')), `the fixture workspace is open (got "${folder}")`);
    assert.equal(readSettings().tailInitialLines, 7, 'a harmless workspace setting is applied, so the file was read');
    assert.deepEqual(ran(), [], 'nothing ran during activation');
  });

  it('restricted settings fall back to the user\'s own values', () => {
    const c = vscode.workspace.getConfiguration(SETTINGS_PREFIX);
    assert.equal(c.inspect<string>('ssh.path')?.globalValue, userSsh, 'the user setting is in place');
    assert.equal(c.inspect<unknown[]>('commandSources')?.globalValue?.length, 1, 'the user\'s command source is in place');
    const s = readSettings();
    assert.equal(s.sshPath, userSsh, 'ssh.path is the user\'s, not the workspace\'s script');
    assert.equal(s.httpCaFile, '', 'http.caFile from the workspace is ignored');
    assert.deepEqual(readSourceProfiles().profiles, [], 'the workspace SSH profile is ignored');
    assert.deepEqual(readCommandProfiles(), [], 'no command sources at all, not even the user\'s, in an untrusted workspace');
  });

  it('the manifest declares every setting the host treats as restricted', () => {
    // VS Code itself drops these keys from an untrusted workspace before the extension sees them;
    // readSettings()/readSourceProfiles() are the second line. Both lists must stay in step.
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { capabilities?: { untrustedWorkspaces?: { supported?: string; restrictedConfigurations?: string[] } } };
    const declared = manifest.capabilities?.untrustedWorkspaces;
    assert.equal(declared?.supported, 'limited');
    assert.deepEqual([...(declared?.restrictedConfigurations ?? [])].sort(), TRUST_RESTRICTED.map((k) => `${SETTINGS_PREFIX}.${k}`).sort());
  });

  it('Tail Remote Log with the workspace profile refuses clearly and starts no ssh', async () => {
    errors.length = 0;
    const result = await vscode.commands.executeCommand(COMMANDS.tailRemoteLog, { profile: 'evil-ssh' });
    assert.equal(result, undefined, 'nothing started');
    assert.ok(errors.some((m) => /No SSH source profile named "evil-ssh"/.test(m)), `the user is told why: ${JSON.stringify(errors)}`);
    await sleep(1000);
    assert.deepEqual(ran(), [], 'neither the workspace ssh.path script nor any ssh ran');
    assert.equal(api.session.sources.length, 0, 'no source was started');
  });

  it('an explicit remote tail uses the user\'s ssh, never the workspace\'s ssh.path', async () => {
    // The host/path come from the user (command arguments), not from the workspace: allowed,
    // but the program must be the user's stand-in, which only leaves its marker and fails.
    const started = Promise.resolve(vscode.commands.executeCommand(COMMANDS.tailRemoteLog, { host: '127.0.0.1', path: '/var/log/auth.log', filter: '', initialLines: 1 }));
    await until('the user\'s stand-in ssh', () => ran().includes('user-ssh-ran') || ran().includes('workspace-ssh-ran'));
    await vscode.commands.executeCommand(COMMANDS.stopTailing, { name: '*' });
    await Promise.race([started.then(undefined, () => undefined), sleep(5000)]);
    await sleep(500);
    assert.deepEqual(ran(), ['user-ssh-ran'], 'only the user\'s ssh ran');
  });

  it('a plain local file tail still works (reading logs is allowed)', async () => {
    api.session.reset();
    const lines = (): number => api.session.snapshot().diagnosis.stats.lines;
    mkdirSync(join(folder, 'storage', 'logs'), { recursive: true });
    const f = join(folder, 'storage', 'logs', 'laravel.log');
    writeFileSync(f, '[2026-11-28 10:00:00] production.INFO: GET /oauth/authorize?client_id=web&state=s1\n');
    const name = await vscode.commands.executeCommand<string>(COMMANDS.tailLogFile, { path: f, initialLines: 10 });
    assert.equal(name, f);
    await until('the first line', () => lines() >= 1);
    appendFileSync(f, '[2026-11-28 10:00:01] production.ERROR: POST /oauth/token invalid_grant\n');
    await until('the appended line', () => lines() >= 2, 5000);
    await vscode.commands.executeCommand(COMMANDS.stopTailing, { name: f });
    assert.deepEqual(ran(), ['user-ssh-ran'], 'tailing a file ran no program');
  });

});
