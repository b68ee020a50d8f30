import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { COMMANDS, SETTINGS_PREFIX, VIEWS } from '../../../src/shared/commandIds';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const nls: Record<string, string> = JSON.parse(readFileSync('package.nls.json', 'utf8'));

test('every command id is contributed, in category OAuth, with a localised title', () => {
  const contributed = new Map<string, { title: string; category: string }>(pkg.contributes.commands.map((c: { command: string; title: string; category: string }) => [c.command, c]));
  for (const id of Object.values(COMMANDS)) {
    const c = contributed.get(id);
    assert.ok(c, `${id} missing from package.json`);
    assert.equal(c.category, 'OAuth');
    const key = c.title.replace(/^%|%$/g, '');
    assert.ok(nls[key], `${id}: title key ${key} missing from package.nls.json`);
  }
  assert.equal(contributed.size, Object.values(COMMANDS).length, 'package.json contributes a command not in COMMANDS');
});

test('every setting has the prefix, a markdownDescription that resolves, and a scope', () => {
  for (const section of pkg.contributes.configuration) {
    for (const [key, def] of Object.entries<Record<string, unknown>>(section.properties)) {
      assert.ok(key.startsWith(`${SETTINGS_PREFIX}.`), key);
      assert.equal(typeof def.scope, 'string', `${key} has no scope`);
      const md = String(def.markdownDescription ?? '').replace(/^%|%$/g, '');
      assert.ok(nls[md], `${key}: markdownDescription ${md} not in package.nls.json`);
    }
  }
});

test('untrusted-workspace restrictions name real settings', () => {
  const all = new Set(pkg.contributes.configuration.flatMap((s: { properties: object }) => Object.keys(s.properties)));
  assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
  for (const key of pkg.capabilities.untrustedWorkspaces.restrictedConfigurations) assert.ok(all.has(key), key);
});

test('view container, view and welcome content are wired', () => {
  assert.equal(pkg.contributes.viewsContainers.activitybar[0].id, VIEWS.container);
  assert.equal(pkg.contributes.views[VIEWS.container][0].id, VIEWS.flowTimeline);
  const welcome = nls[pkg.contributes.viewsWelcome[0].contents.replace(/^%|%$/g, '')] ?? '';
  assert.match(welcome, /command:oauthDebugger\.diagnose/);
  assert.match(welcome, /command:oauthDebugger\.tailLogFile/);
  assert.deepEqual(pkg.extensionKind, ['workspace']);
});

test('every bundle the build writes to dist/ is shipped in the .vsix (.vscodeignore allow-list)', () => {
  const build = readFileSync('scripts/build.mjs', 'utf8');
  const outputs = [...build.matchAll(/outfile: '(dist\/[^']+)'/g)].map((m) => m[1]!);
  assert.ok(outputs.includes('dist/parseThreadWorker.js') && outputs.length >= 7, outputs.join(', '));
  const shipped = readFileSync('.vscodeignore', 'utf8').split('\n').filter((l) => l.startsWith('!')).map((l) => l.slice(1).trim());
  for (const out of outputs) assert.ok(shipped.includes(out), `${out} is built but not shipped: add !${out} to .vscodeignore`);
});
