import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSshConfigHosts } from '../../../src/sources/sshConfigFiles';

test('reads Host aliases from a config and the files it includes (globs, relative paths)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oauthdbg-sshcfg-'));
  mkdirSync(join(dir, 'conf.d'));
  writeFileSync(join(dir, 'config'), 'Include conf.d/*.conf\nHost prod-1\n  HostName 10.0.0.1\nHost *\n  ServerAliveInterval 10\n');
  writeFileSync(join(dir, 'conf.d', 'a.conf'), 'Host staging\nInclude conf.d/*.conf\n');
  writeFileSync(join(dir, 'conf.d', 'b.conf'), 'Host bastion prod-1\n');
  writeFileSync(join(dir, 'conf.d', 'ignored.txt'), 'Host nope\n');
  assert.deepEqual(readSshConfigHosts(join(dir, 'config')).sort(), ['bastion', 'prod-1', 'staging']);
  assert.deepEqual(readSshConfigHosts(join(dir, 'missing')), []);
  rmSync(dir, { recursive: true });
});
