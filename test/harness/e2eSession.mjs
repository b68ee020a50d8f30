// The shared session of an e2e run: scripts/test-e2e.mjs packages the extension, installs the
// .vsix into one code-server and launches one Chromium, then every spec under test/e2e/ uses
// them through this module. Specs get a fresh browser context per workbench (no state leaks).
import { newPage, openWorkbench } from './codeServer.mjs';

/** @type {{ server: Awaited<ReturnType<typeof import('./codeServer.mjs').startCodeServer>>, browser: import('playwright-core').Browser, vsix: string } | undefined} */
let current;

/** Set by the launcher before the specs load. */
export function setE2eSession(session) {
  current = session;
}

/** The shared `{ server, browser, vsix }`; `server.workspace` is the open folder (specs may add files). */
export function e2eSession() {
  if (!current) throw new Error('no e2e session: run the specs through scripts/test-e2e.mjs (npm run test:e2e)');
  return current;
}

/** A new page with the workbench of the shared code-server open on `folder` (default: its workspace). */
export async function openSessionWorkbench(folder) {
  const { server, browser } = e2eSession();
  const page = await newPage(browser);
  await openWorkbench(page, server, folder);
  return page;
}
