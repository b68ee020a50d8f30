/**
 * Bench probe (scripts/bench/activation.mjs), loaded as `extensionTestsPath` in a fresh
 * extension host: measures how long activating the extension takes there – loading
 * dist/extension.js plus running `activate()` – and writes the figure to OAUTH_TEST_RESULTS.
 */
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'oauth-flow-debugger.oauth-flow-debugger';

/** What the probe writes. */
export interface ActivationSample {
  activationMs?: number;
  alreadyActive: boolean;
  error?: string;
}

export async function run(): Promise<void> {
  const out = process.env.OAUTH_TEST_RESULTS;
  let sample: ActivationSample;
  try {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
    if (ext.isActive) {
      sample = { alreadyActive: true, error: 'the extension was already active before the probe ran (an eager activation event?)' };
    } else {
      const t0 = performance.now();
      await ext.activate();
      sample = { activationMs: performance.now() - t0, alreadyActive: false };
    }
  } catch (err) {
    sample = { alreadyActive: false, error: err instanceof Error ? err.message : String(err) };
  }
  if (out) fs.writeFileSync(out, JSON.stringify(sample));
}
