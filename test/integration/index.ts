/**
 * Entry point of the integration suite, loaded by VS Code as `extensionTestsPath` and run inside
 * the real extension host. The host exits with code 0 even when `run()` throws, so this runner
 * writes its own result file (path in OAUTH_TEST_RESULTS) and the launchers
 * (scripts/test-integration.mjs, scripts/test-electron.mjs) take their exit code from it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import Mocha from 'mocha';

/** One test's outcome, as written to the result file. */
export interface IntegrationTestResult {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs: number;
  error?: string;
}

/** The result file's shape (read by the launchers). */
export interface IntegrationResults {
  passed: number;
  failed: number;
  pending: number;
  durationMs: number;
  node: string;
  vscode: string;
  tests: IntegrationTestResult[];
  /** Set when the runner itself failed (no test file, load error). */
  error?: string;
}

export async function run(): Promise<void> {
  const resultsFile = process.env.OAUTH_TEST_RESULTS;
  const started = Date.now();
  const tests: IntegrationTestResult[] = [];
  const vscodeVersion = vscode.version;
  const write = (extra: Partial<IntegrationResults> = {}): void => {
    const results: IntegrationResults = {
      passed: tests.filter((t) => t.state === 'passed').length,
      failed: tests.filter((t) => t.state === 'failed').length + (extra.error ? 1 : 0),
      pending: tests.filter((t) => t.state === 'pending').length,
      durationMs: Date.now() - started,
      node: process.version,
      vscode: vscodeVersion,
      tests,
      ...extra,
    };
    if (resultsFile) {
      fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
      fs.writeFileSync(`${resultsFile}.tmp`, JSON.stringify(results, null, 2));
      fs.renameSync(`${resultsFile}.tmp`, resultsFile);
    }
  };

  try {
    const mocha = new Mocha({ ui: 'bdd', timeout: 30_000, color: false, reporter: 'spec' });
    const grep = process.env.OAUTH_TEST_GREP;
    if (grep) mocha.grep(grep);
    // test/integration/untrusted/*.test.ts (compiled flat to `untrusted-*.test.js`) need an
    // untrusted workspace with hostile settings: they run only in the launcher's --untrusted mode,
    // and that mode runs only them.
    const untrusted = process.env.OAUTH_TEST_MODE === 'untrusted';
    const files = fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js') && f.startsWith('untrusted-') === untrusted).sort();
    if (files.length === 0) throw new Error(`no compiled *.test.js files next to ${__filename}`);
    for (const f of files) mocha.addFile(path.join(__dirname, f));
    await mocha.loadFilesAsync();
    const failures = await new Promise<number>((resolve) => {
      const runner = mocha.run((n) => resolve(n));
      runner.on('pass', (t) => tests.push({ title: t.fullTitle(), state: 'passed', durationMs: t.duration ?? 0 }));
      runner.on('fail', (t, err: Error) => tests.push({ title: t.fullTitle(), state: 'failed', durationMs: t.duration ?? 0, error: err?.stack ?? String(err) }));
      runner.on('pending', (t) => tests.push({ title: t.fullTitle(), state: 'pending', durationMs: 0 }));
    });
    write();
    if (failures > 0) throw new Error(`${failures} integration test(s) failed`);
  } catch (err) {
    if (!fs.existsSync(resultsFile ?? '')) write({ error: err instanceof Error ? err.stack ?? err.message : String(err) });
    throw err;
  }
}
