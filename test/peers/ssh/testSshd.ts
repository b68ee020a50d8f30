import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/**
 * A real OpenSSH server for tests: Debian's /usr/sbin/sshd on 127.0.0.1, a random port, its own
 * generated host key, user key, authorized_keys, sshd_config, client config and known_hosts –
 * all in a temp dir. The machine's ~/.ssh and /etc/ssh are never read or written (the client
 * gets `-F <config>`, which replaces ~/.ssh/config, and its own UserKnownHostsFile).
 */
export interface TestSshd {
  dir: string;
  port: number;
  pid: number;
  /** The login user (root → root; otherwise the current user). */
  user: string;
  /** Client options that make `ssh testsshd` reach this server with the right key and known_hosts. */
  sshArgs: string[];
  /** ssh destination alias defined in the client config. */
  host: string;
  knownHosts: string;
  clientConfig: string;
  /** A public key that is NOT this server's (for "changed key" tests). */
  otherHostPub: string;
  hostPub: string;
  /** The PIDs of sshd's per-connection children (kill them to drop live sessions). */
  sessionPids(): number[];
  stop(): Promise<void>;
}

export const SSHD = '/usr/sbin/sshd';

export function sshdAvailable(): boolean {
  return existsSync(SSHD) && spawnSync('ssh', ['-V']).status === 0;
}

function keygen(path: string): string {
  const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'oauthdbg-test', '-f', path]);
  if (r.status !== 0) throw new Error(`ssh-keygen failed: ${r.stderr}`);
  return readFileSync(`${path}.pub`, 'utf8').trim();
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

export interface SshdOptions {
  /** Extra sshd_config lines (e.g. `SetEnv PATH=…`). */
  extraConfig?: string[];
  /** Reuse another server's dir and keys (a second server with the same host key). */
}

export async function startSshd(opts: SshdOptions = {}): Promise<TestSshd> {
  const dir = mkdtempSync(join(tmpdir(), 'oauthdbg-sshd-'));
  chmodSync(dir, 0o755); // a non-root login user must read authorized_keys and traverse to test files
  const hostKey = join(dir, 'host_ed25519');
  const hostPub = keygen(hostKey);
  const otherHostPub = keygen(join(dir, 'other_host_ed25519'));
  const userKey = join(dir, 'user_ed25519');
  const userPub = keygen(userKey);
  keygen(join(dir, 'stranger_ed25519'));
  const authorized = join(dir, 'authorized_keys');
  writeFileSync(authorized, userPub + '\n', { mode: 0o644 });
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // privilege separation dir sshd requires
  const user = process.getuid?.() === 0 ? 'root' : userInfo().username;

  for (let tries = 0; ; tries++) {
    const port = await freePort();
    const cfg = join(dir, 'sshd_config');
    writeFileSync(cfg, [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${authorized}`,
      'StrictModes no',
      'UsePAM no',
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'PrintMotd no',
      'LogLevel VERBOSE',
      ...(opts.extraConfig ?? []),
      '',
    ].join('\n'));
    const knownHosts = join(dir, 'known_hosts');
    writeFileSync(knownHosts, `[127.0.0.1]:${port} ${hostPub}\n`);
    const clientConfig = join(dir, 'ssh_config');
    writeFileSync(clientConfig, [
      'Host testsshd',
      '  HostName 127.0.0.1',
      `  Port ${port}`,
      `  User ${user}`,
      `  IdentityFile ${userKey}`,
      '  IdentitiesOnly yes',
      '  IdentityAgent none',
      '  GlobalKnownHostsFile /dev/null',
      '  PasswordAuthentication no',
      '  KbdInteractiveAuthentication no',
      '',
    ].join('\n'));
    const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', cfg], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    const ready = await new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), 5000);
      child.stderr!.on('data', (c: Buffer) => {
        log += c.toString();
        if (log.includes('Server listening on 127.0.0.1')) {
          clearTimeout(t);
          resolve(true);
        }
      });
      child.on('exit', () => {
        clearTimeout(t);
        resolve(false);
      });
    });
    if (!ready) {
      child.kill('SIGKILL');
      if (tries < 3 && /Address already in use/.test(log)) continue;
      throw new Error(`sshd did not start:\n${log}`);
    }
    child.stderr!.resume();
    const pid = child.pid!;
    return {
      dir, port, pid, user, host: 'testsshd', knownHosts, clientConfig, otherHostPub, hostPub,
      sshArgs: ['-F', clientConfig, '-o', `UserKnownHostsFile=${knownHosts}`],
      sessionPids: () => {
        const r = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' });
        return r.stdout.split('\n').map((s) => Number(s.trim())).filter((n) => n > 0);
      },
      stop: async () => {
        for (const p of spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).stdout.split('\n').map((s) => Number(s.trim())).filter((n) => n > 0)) {
          try { process.kill(p, 'SIGKILL'); } catch { /* gone */ }
        }
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}
