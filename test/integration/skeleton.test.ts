/**
 * The walking skeleton, checked inside the real extension host: the extension activates, every
 * contributed command is registered, the Flow Timeline view exists, settings come back with the
 * manifest's defaults, and `OAuth: Diagnose` opens the panel whose webview says `ready`.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMANDS, SETTINGS_PREFIX, VIEWS } from '../../src/shared/commandIds';
import type { ExtensionApi } from '../../src/host/extension';

const EXTENSION_ID = 'oauth-flow-debugger.oauth-flow-debugger';

interface ManifestProperty {
  default?: unknown;
  scope?: string;
  markdownDescription?: string;
}
interface Manifest {
  contributes: {
    commands: { command: string; category?: string }[];
    views: Record<string, { id: string }[]>;
    configuration: { properties: Record<string, ManifestProperty> }[];
  };
}

function extension(): vscode.Extension<ExtensionApi> {
  const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded in the extension host`);
  return ext;
}

function within<T>(p: PromiseLike<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    Promise.resolve(p).finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms))),
  ]);
}

describe('walking skeleton in the real extension host', () => {
  let api: ExtensionApi;

  before(async () => {
    api = await extension().activate();
  });

  it('activates and exports its API', () => {
    assert.equal(extension().isActive, true);
    assert.deepEqual(api.commands, COMMANDS);
    assert.equal(typeof api.panel, 'function');
  });

  it('registers every contributed command', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const manifest = extension().packageJSON as Manifest;
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual(contributed, Object.values(COMMANDS).sort(), 'manifest commands and COMMANDS differ');
    const missing = Object.values(COMMANDS).filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `commands not registered: ${missing.join(', ')}`);
    for (const c of manifest.contributes.commands) assert.equal(c.category, 'OAuth', `${c.command} has no OAuth category`);
  });

  it('has the Flow Timeline view in the OAuth container', async () => {
    const manifest = extension().packageJSON as Manifest;
    assert.ok(manifest.contributes.views[VIEWS.container]?.some((v) => v.id === VIEWS.flowTimeline));
    // `<view>.focus` exists only when the workbench knows the view; it throws "command not found" otherwise.
    await vscode.commands.executeCommand(`${VIEWS.flowTimeline}.focus`);
  });

  it('reads every setting with the default the manifest declares', () => {
    const config = vscode.workspace.getConfiguration(SETTINGS_PREFIX);
    const manifest = extension().packageJSON as Manifest;
    const properties = Object.assign({}, ...manifest.contributes.configuration.map((c) => c.properties)) as Record<string, ManifestProperty>;
    const keys = Object.keys(properties);
    assert.ok(keys.length >= 5, `expected the settings section, found ${keys.length} keys`);
    for (const full of keys) {
      const key = full.slice(SETTINGS_PREFIX.length + 1);
      const inspected = config.inspect(key);
      assert.ok(inspected, `setting ${full} is unknown to VS Code`);
      assert.deepEqual(inspected.defaultValue, properties[full]?.default, `${full}: default`);
      assert.deepEqual(config.get(key), properties[full]?.default, `${full}: value`);
      assert.ok(properties[full]?.markdownDescription && properties[full]?.scope, `${full} needs markdownDescription and scope`);
    }
  });

  it('opens the diagnosis panel on OAuth: Diagnose, and its webview says ready', async () => {
    assert.equal(api.panel(), undefined, 'no panel before the command');
    await vscode.commands.executeCommand(COMMANDS.diagnose);
    const panel = api.panel();
    assert.ok(panel, 'OAuth: Diagnose did not create the panel');
    assert.equal(panel.panel.viewType, VIEWS.panel);
    await within(panel.whenReady, 20_000, 'the webview ready handshake');
    assert.equal(panel.panel.visible, true);
    const html = panel.panel.webview.html;
    assert.match(html, /default-src 'none'/);
    assert.match(html, /script-src 'nonce-[A-Za-z0-9+/=]{16,}'/);
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval/);
    // Running it again reveals the same panel instead of opening a second one.
    await vscode.commands.executeCommand(COMMANDS.diagnose);
    assert.equal(api.panel(), panel);
    panel.panel.dispose();
    assert.equal(api.panel(), undefined, 'disposing the panel clears it');
  });
});
