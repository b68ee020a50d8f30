import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSshConfigHosts } from '../../../src/core/tail/sshConfigHosts';
import { checkSshHost, parseCommandProfiles, parseSourceProfiles } from '../../../src/core/tail/sourceProfiles';

test('ssh config: concrete Host aliases, includes; patterns and comments skipped', () => {
  const r = parseSshConfigHosts('# c\nInclude ~/.ssh/conf.d/*\nHost prod-1 prod-2 *.corp !bad\n  HostName 10.0.0.1\nhost=staging "quoted host" # note\nHost *\nMatch host x\n');
  assert.deepEqual(r.hosts, ['prod-1', 'prod-2', 'staging', 'quoted host']);
  assert.deepEqual(r.includes, ['~/.ssh/conf.d/*']);
});

test('source profiles: validated, problems named, option-like hosts refused', () => {
  const r = parseSourceProfiles([
    { name: 'prod app', type: 'ssh', host: 'prod-1', path: '/var/www/storage/logs/laravel.log', filter: 'oauth|token' },
    { name: 'local', type: 'local', path: '/tmp/x.log' },
    { name: 'evil', type: 'ssh', host: '-oProxyCommand=touch /tmp/x', path: '/a' },
    { name: 'no type', path: '/a' },
    42,
  ]);
  assert.deepEqual(r.profiles.map((p) => p.name), ['prod app', 'local']);
  assert.equal(r.profiles[0]!.filter, 'oauth|token');
  assert.equal(r.problems.length, 3);
  assert.match(r.problems[0]!, /starts with "-"/);
  assert.deepEqual(parseSourceProfiles('nope').profiles, []);
  assert.equal(checkSshHost('ssh://root@h:2222'), undefined);
  assert.deepEqual(parseCommandProfiles([{ name: 'docker', command: 'docker logs -f app' }, { name: 'x' }]), [{ name: 'docker', command: 'docker logs -f app' }]);
});

test('source profiles: "start" kept as written when valid (lines, duration, time), dropped with a problem otherwise', () => {
  const r = parseSourceProfiles([
    { name: 'a', type: 'local', path: '/a.log', start: '15m' },
    { name: 'b', type: 'ssh', host: 'prod-1', path: '/b.log', start: 500 },
    { name: 'c', type: 'local', path: '/c.log', start: '2026-11-28T10:00' },
    { name: 'd', type: 'local', path: '/d.log', start: 'yesterday-ish' },
    { name: 'e', type: 'local', path: '/e.log', start: '' },
  ]);
  assert.deepEqual(r.profiles.map((p) => [p.name, p.start]), [['a', '15m'], ['b', '500'], ['c', '2026-11-28T10:00'], ['d', undefined], ['e', undefined]]);
  assert.equal(r.problems.length, 1);
  assert.match(r.problems[0]!, /oauthDebugger\.sources\[3\] \("d"\): "start" ignored/);
});
