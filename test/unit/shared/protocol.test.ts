import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isFromWebviewMessage } from '../../../src/shared/protocol';

test('webview messages are validated as untrusted input', () => {
  assert.ok(isFromWebviewMessage({ type: 'ready' }));
  assert.ok(isFromWebviewMessage({ type: 'openLocation', file: '/var/log/a.log', line: 3 }));
  assert.ok(isFromWebviewMessage({ type: 'runCommand', command: 'diagnose' }));
  for (const bad of [null, 'ready', {}, { type: 'evil' }, { type: 'openLocation', file: '', line: 1 },
    { type: 'openLocation', file: 'a', line: 0 }, { type: 'openLocation', file: 'a', line: 1.5 },
    { type: 'runCommand', command: 'workbench.action.terminal.new' }]) {
    assert.equal(isFromWebviewMessage(bad), false, JSON.stringify(bad));
  }
});
