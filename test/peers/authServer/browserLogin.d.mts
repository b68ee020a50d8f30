// Types for browserLogin.mjs.
import type { Browser } from 'playwright-core';

export const CHROMIUM_ARGS: string[];
export function launchChromium(): Promise<Browser>;
export interface DevInteractionsDriver {
  pages: string[];
  error: unknown;
  done: Promise<void>;
  openBrowser(url: string): Promise<void>;
}
export function devInteractionsDriver(browser: Browser, opts?: { login?: string; action?: 'approve' | 'deny' | 'abandon'; timeoutMs?: number }): DevInteractionsDriver;
