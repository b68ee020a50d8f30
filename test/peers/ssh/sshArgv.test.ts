import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SshSource } from '../../../src/sources/sshSource';

const sink = { push: (): void => undefined };

test('ssh is always non-interactive and never accepts host keys on its own', () => {
  const argv = new SshSource({ host: 'prod-1', path: '/var/log/app.log', sink }).sshArgv();
  const opts = argv.flatMap((a, i) => (argv[i - 1] === '-o' ? [a] : []));
  assert.ok(opts.includes('BatchMode=yes'));
  assert.ok(opts.includes('StrictHostKeyChecking=yes'));
  assert.ok(!argv.some((a) => /StrictHostKeyChecking=(no|accept-new|off)/i.test(a)));
  assert.ok(opts.some((o) => o.startsWith('ServerAliveInterval=')));
  const dd = argv.indexOf('--');
  assert.deepEqual(argv.slice(dd + 1, dd + 2), ['prod-1'], 'the destination follows `--`');
  assert.equal(argv.length, dd + 3, 'one remote command word after the destination');
  assert.match(argv.at(-1)!, /^sh -c '/);
});

test('a destination that looks like an option is refused before anything runs', () => {
  assert.throws(() => new SshSource({ host: '-oProxyCommand=touch /tmp/x', path: '/a', sink }), /starts with "-"/);
  assert.throws(() => new SshSource({ host: '', path: '/a', sink }), /no SSH host/);
});
