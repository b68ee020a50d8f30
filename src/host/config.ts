import * as vscode from 'vscode';
import { SETTINGS_PREFIX } from '../shared/commandIds';

/** A typed view of every `oauthDebugger.*` setting (mirrored in package.json). */
export interface Settings {
  httpTimeoutMs: number;
  httpCaFile: string;
  codeTtlSeconds: number;
  hoverGlobs: string[];
  tailInitialLines: number;
  maxEvents: number;
  sshPath: string;
  liveFlowPort: number;
  liveFlowCallbackPath: string;
}

/** Settings that can make the extension run programs or open connections: ignored when untrusted. */
export const TRUST_RESTRICTED = ['sources', 'ssh.path', 'http.caFile'] as const;

/**
 * Reads the settings. In an untrusted workspace the restricted ones fall back to the user's
 * (global) value: a workspace folder must not choose which binary runs or where SSH connects.
 */
export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration(SETTINGS_PREFIX);
  const trusted = vscode.workspace.isTrusted;
  const restricted = <T>(key: string, fallback: T): T => {
    if (trusted) return c.get<T>(key, fallback);
    const i = c.inspect<T>(key);
    return (i?.globalValue ?? i?.defaultValue ?? fallback) as T;
  };
  return {
    httpTimeoutMs: clampInt(c.get<number>('http.timeoutMs', 10_000), 100, 120_000),
    httpCaFile: restricted<string>('http.caFile', ''),
    codeTtlSeconds: clampInt(c.get<number>('logs.codeTtlSeconds', 60), 1, 86_400),
    hoverGlobs: c.get<string[]>('logs.hoverGlobs', ['**/*.log']),
    tailInitialLines: clampInt(c.get<number>('tail.initialLines', 200), 0, 100_000),
    maxEvents: clampInt(c.get<number>('tail.maxEvents', 50_000), 1_000, 1_000_000),
    sshPath: restricted<string>('ssh.path', 'ssh'),
    liveFlowPort: clampInt(c.get<number>('liveFlow.port', 0), 0, 65_535),
    liveFlowCallbackPath: c.get<string>('liveFlow.callbackPath', '/callback'),
  };
}

function clampInt(value: number, min: number, max: number): number {
  if (!Number.isFinite(value)) return min;
  return Math.min(max, Math.max(min, Math.round(value)));
}
