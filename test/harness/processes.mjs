// Child processes for the real-VS-Code harness: every process started here is tracked and killed
// (its whole process group) when the launcher exits – normally, on failure, on a timeout or on
// Ctrl-C – so no code-server or Chromium outlives a test run.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** @type {Set<import('node:child_process').ChildProcess>} */
const children = new Set();
/** @type {Array<() => Promise<void> | void>} */
const cleanups = [];
let hooked = false;
let stopping = false;

/** True once Ctrl-C / SIGTERM started the shutdown (children exiting then is expected). */
export function shuttingDown() {
  return stopping;
}

function killGroup(child, signal) {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try { child.kill(signal); } catch { /* already gone */ }
  }
}

/** Kills every tracked process group at once (synchronous: safe inside an 'exit' handler). */
export function killAllSync() {
  for (const c of children) killGroup(c, 'SIGKILL');
  children.clear();
}

/** Registers something to undo on shutdown (browser close, temp dir removal…), run in reverse. */
export function onCleanup(fn) {
  hookExit();
  cleanups.push(fn);
}

/** Runs the registered clean-ups, then terminates every tracked process (TERM, then KILL). */
export async function cleanupAll() {
  while (cleanups.length) {
    const fn = cleanups.pop();
    try {
      await withTimeout(Promise.resolve(fn?.()), 5000, 'clean-up');
    } catch { /* best effort: the processes below are killed regardless */ }
  }
  const alive = [...children];
  for (const c of alive) killGroup(c, 'SIGTERM');
  await Promise.race([
    Promise.all(alive.map((c) => (c.exitCode !== null || c.signalCode !== null ? null : new Promise((r) => c.once('exit', r))))),
    sleep(3000),
  ]);
  killAllSync();
}

function hookExit() {
  if (hooked) return;
  hooked = true;
  process.on('exit', killAllSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      stopping = true;
      void cleanupAll().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
    });
  }
}

/**
 * Spawns a tracked child in its own process group (so its grandchildren – the extension host,
 * file watchers, pty host – die with it). Output is collected in `proc.output` and optionally
 * echoed with a prefix when HARNESS_VERBOSE is set.
 */
export function spawnTracked(cmd, args, opts = {}) {
  hookExit();
  const { label = cmd, ...spawnOpts } = opts;
  const child = spawn(cmd, args, { ...spawnOpts, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.output = '';
  const verbose = !!process.env.HARNESS_VERBOSE;
  const onData = (d) => {
    const s = d.toString();
    child.output += s;
    if (child.output.length > 2_000_000) child.output = child.output.slice(-1_000_000);
    if (verbose) process.stderr.write(s.replace(/^/gm, `[${label}] `));
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  child.on('exit', () => children.delete(child));
  child.on('error', (e) => {
    child.output += `\n[spawn error] ${e.message}\n`;
  });
  return child;
}

/** Waits until `pattern` appears in the child's output; fails early if the child exits. */
export function waitForOutput(child, pattern, timeoutMs, what) {
  return new Promise((resolve, reject) => {
    const check = () => {
      const m = child.output.match(pattern);
      if (m) { done(); resolve(m); return true; }
      return false;
    };
    const onExit = (code, signal) => {
      done();
      reject(new Error(`${what} exited (code ${code}, signal ${signal}) before it was ready. Its output:\n${tail(child.output)}`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`${what} was not ready after ${timeoutMs} ms. Its output:\n${tail(child.output)}`));
    }, timeoutMs);
    const iv = setInterval(check, 100);
    function done() {
      clearTimeout(timer);
      clearInterval(iv);
      child.off('exit', onExit);
    }
    if (check()) return;
    if (child.exitCode !== null || child.signalCode !== null) { onExit(child.exitCode, child.signalCode); return; }
    child.on('exit', onExit);
  });
}

/** A TCP port on 127.0.0.1 that is free right now (chosen by the kernel at run time). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

/** Runs a command to completion (inherits stdio unless `quiet`), rejecting with its output on failure. */
export function run(cmd, args, opts = {}) {
  const { quiet = false, timeoutMs = 15 * 60_000, ...spawnOpts } = opts;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...spawnOpts, stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit', detached: true });
    children.add(child);
    hookExit();
    let out = '';
    child.stdout?.on('data', (d) => (out += d));
    child.stderr?.on('data', (d) => (out += d));
    const timer = setTimeout(() => {
      killGroup(child, 'SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')} timed out after ${timeoutMs} ms\n${tail(out)}`));
    }, timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); reject(new Error(`cannot start ${cmd}: ${e.message}`)); });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} ${args.join(' ')} failed (code ${code}, signal ${signal})\n${tail(out)}`));
    });
  });
}

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

export function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms); }),
  ]);
}

export function tail(s, lines = 40) {
  return s.split('\n').slice(-lines).join('\n');
}
