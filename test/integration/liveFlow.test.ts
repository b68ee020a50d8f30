/**
 * `OAuth: Run Live Flow…` inside the real extension host against a real oidc-provider (run as a
 * child process: the bundled suite cannot import it). Nobody logs in, so the run must end with
 * flow_abandoned_at_authorize after its callback timeout, hand the report to the session, and
 * release the loopback port.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import * as net from 'node:net';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS } from '../../src/shared/commandIds';
import type { ExtensionApi } from '../../src/host/extension';

const EXTENSION_ID = 'oauth-flow-debugger.oauth-flow-debugger';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

describe('live flow command in the real extension host', function () {
  this.timeout(60_000);
  let api: ExtensionApi;
  let child: ChildProcessWithoutNullStreams | undefined;

  before(async () => {
    api = await vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID)!.activate();
  });
  after(() => {
    child?.kill('SIGTERM');
  });

  it('runs discovery and the authorize step, reports the abandoned browser, frees the port', async () => {
    const root = vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
    const port = await freePort();
    const redirectUri = `http://127.0.0.1:${port}/callback`;
    child = spawn(process.execPath, [join(root, 'test', 'peers', 'authServer', 'serve.mjs'), JSON.stringify({ clientId: 'web', authMethod: 'none', redirectUris: [redirectUri] })], { cwd: root });
    const issuer = await new Promise<string>((resolve, reject) => {
      let buf = '';
      child!.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        const line = buf.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve((JSON.parse(line) as { issuer: string }).issuer);
      });
      child!.once('exit', (code) => reject(new Error(`the test authorization server exited (${code})`)));
      setTimeout(() => reject(new Error('the test authorization server did not start')), 20_000);
    });
    api.session.reset();
    const report = await vscode.commands.executeCommand<{ steps: { name: string; status: string }[]; findings: { id: string }[] }>(COMMANDS.runLiveFlow, { issuer, clientId: 'web', redirectUri, callbackTimeoutMs: 2500 });
    assert.ok(report, 'the command returns its report');
    const probe = api.session.snapshot().probe;
    assert.ok(probe, 'the report reached the session');
    assert.equal(probe.issuer, issuer);
    assert.equal(probe.steps.find((s) => s.name === 'authorization server metadata')?.status !== 'failed', true);
    assert.equal(probe.steps.find((s) => s.name === 'authorize')?.status, 'ok');
    assert.ok(probe.findings.some((f) => f.id === 'flow_abandoned_at_authorize'), JSON.stringify(probe.findings.map((f) => f.id)));
    assert.ok(await portIsFree(port), 'the loopback server closed');
  });
});
