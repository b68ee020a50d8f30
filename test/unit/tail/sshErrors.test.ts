import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifySshFailure } from '../../../src/core/tail/sshErrors';

test('DNS failure → host_unknown, not retried', () => {
  const e = classifySshFailure(255, 'ssh: Could not resolve hostname nope.invalid: Name or service not known\r\n', 'nope.invalid');
  assert.equal(e.kind, 'host_unknown');
  assert.equal(e.retryable, false);
});

test('unknown host key → the exact ssh-keyscan command for a non-default port', () => {
  const e = classifySshFailure(255, 'No ED25519 host key is known for [127.0.0.1]:2222 and you have requested strict checking.\r\nHost key verification failed.\r\n', 'test');
  assert.equal(e.kind, 'host_key_unknown');
  assert.equal(e.fix, "ssh-keyscan -p 2222 '127.0.0.1' >> ~/.ssh/known_hosts");
  assert.match(e.message, /never accepts a key/);
});

test('changed host key → ssh\'s own ssh-keygen -R suggestion', () => {
  const stderr = [
    '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
    '@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @',
    'Offending ED25519 key in /tmp/kh:1',
    '  remove with:',
    '  ssh-keygen -f "/tmp/kh" -R "[127.0.0.1]:2222"',
    'Host key for [127.0.0.1]:2222 has changed and you have requested strict checking.',
    'Host key verification failed.',
  ].join('\r\n');
  const e = classifySshFailure(255, stderr, 'x');
  assert.equal(e.kind, 'host_key_changed');
  assert.equal(e.fix, 'ssh-keygen -f "/tmp/kh" -R "[127.0.0.1]:2222"');
  assert.equal(e.hostLabel, '[127.0.0.1]:2222');
});

test('auth, refused, timeout, lost, remote markers', () => {
  assert.equal(classifySshFailure(255, 'root@127.0.0.1: Permission denied (publickey).', 'h').kind, 'auth_failed');
  assert.deepEqual(pick(classifySshFailure(255, 'ssh: connect to host 127.0.0.1 port 1: Connection refused', 'h')), ['connection_refused', true]);
  assert.deepEqual(pick(classifySshFailure(255, 'ssh: connect to host 10.0.0.1 port 22: Connection timed out', 'h')), ['timeout', true]);
  assert.deepEqual(pick(classifySshFailure(255, 'Connection to 127.0.0.1 closed by remote host.', 'h')), ['connection_lost', true]);
  assert.deepEqual(pick(classifySshFailure(3, '@@OAUTHDBG-ERR missing\n', 'h')), ['file_missing', false]);
  assert.deepEqual(pick(classifySshFailure(3, '@@OAUTHDBG-ERR denied\n', 'h')), ['permission_denied', false]);
  assert.deepEqual(pick(classifySshFailure(3, '@@OAUTHDBG-ERR no-tail\n', 'h')), ['tail_missing', false]);
  assert.deepEqual(pick(classifySshFailure(3, '@@OAUTHDBG-ERR bad-filter\n', 'h')), ['bad_filter', false]);
  assert.deepEqual(pick(classifySshFailure(null, '', 'h', 'spawn ssh ENOENT')), ['ssh_missing', false]);
  assert.deepEqual(pick(classifySshFailure(1, 'something odd', 'h')), ['remote_failed', false]);
});

function pick(e: { kind: string; retryable: boolean }): [string, boolean] {
  return [e.kind, e.retryable];
}
