/**
 * Bench probe (scripts/bench/activation.mjs), loaded as `extensionTestsPath` in a fresh
 * extension host: measures how long activating the extension takes there – loading
 * dist/extension.js plus running `activate()` – and writes the figure to OAUTH_TEST_RESULTS.
 */
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'oauth-flow-debugger.oauth-flow-debugger';
/** An empty extension the bench generates as its same-run baseline (activate() does nothing). */
export const BASELINE_ID = 'oauth-flow-debugger.activation-baseline';

const SETTLE_MS = 3000;

/** What the probe writes. */
export interface ActivationSample {
  extensionId?: string;
  activationMs?: number;
  alreadyActive: boolean;
  error?: string;
}

export async function run(): Promise<void> {
  const out = process.env.OAUTH_TEST_RESULTS;
  let sample: ActivationSample;
  try {
    // Let the window's start-up work (built-in extensions, file scanning) finish first, so the
    // figure is the extension's own cost and not a queue behind the host's start-up.
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    // Whichever of the two is the extension under development in this window.
    const ext = vscode.extensions.getExtension(EXTENSION_ID) ?? vscode.extensions.getExtension(BASELINE_ID);
    if (!ext) throw new Error(`neither ${EXTENSION_ID} nor ${BASELINE_ID} is loaded`);
    if (ext.isActive) {
      sample = { extensionId: ext.id, alreadyActive: true, error: 'the extension was already active before the probe ran (an eager activation event?)' };
    } else {
      const t0 = performance.now();
      await ext.activate();
      sample = { extensionId: ext.id, activationMs: performance.now() - t0, alreadyActive: false };
    }
  } catch (err) {
    sample = { alreadyActive: false, error: err instanceof Error ? err.message : String(err) };
  }
  if (out) fs.writeFileSync(out, JSON.stringify(sample));
}
