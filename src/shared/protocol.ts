/**
 * Every message between the extension host and the webview panel, each its own interface with a
 * `type` discriminant. The webview says `ready` first; the host answers with `init`.
 * Messages from the webview are untrusted input: the host validates them with
 * `isFromWebviewMessage` before acting.
 */

/** What the panel shows: a plain, serialisable snapshot (no secrets, all values redacted). */
export interface PanelState {
  /** Where the current result came from, e.g. "demo log" or an issuer URL. */
  title: string;
  /** Human summary line shown under the title. */
  summary: string;
  flows: PanelFlow[];
  findings: PanelFinding[];
  /** Milliseconds since epoch when the state was produced. */
  generatedAt: number;
}

export interface PanelFlow {
  id: string;
  label: string;
  status: 'ok' | 'failed' | 'incomplete';
  stages: { stage: string; status: 'ok' | 'failed' | 'missing' | 'not_applicable'; time?: number; lines: PanelLine[] }[];
}

export interface PanelLine {
  file: string;
  line: number;
  text: string;
}

export interface PanelFinding {
  id: string;
  title: string;
  severity: 'error' | 'warning' | 'info';
  stage: string;
  flowId?: string;
  detail: string;
  evidence: { file: string; line: number }[];
  explanation: string;
  fix: string[];
  spec?: string;
}

// ---- host → webview -------------------------------------------------------------------------

/** Reply to `ready`: the state to render first. */
export interface InitMessage {
  type: 'init';
  state: PanelState | undefined;
  /** Localised UI strings, so the webview bundle carries no hard-coded English. */
  strings: Record<string, string>;
}

/** A new result replaces the current one. */
export interface StateMessage {
  type: 'state';
  state: PanelState;
}

export type ToWebviewMessage = InitMessage | StateMessage;

// ---- webview → host -------------------------------------------------------------------------

/** The webview has loaded and wants its initial state. */
export interface ReadyMessage {
  type: 'ready';
}

/** Open a log file at a line in an editor. */
export interface OpenLocationMessage {
  type: 'openLocation';
  file: string;
  line: number;
}

/** Run one of the extension's commands from a panel button. */
export interface RunCommandMessage {
  type: 'runCommand';
  command: 'diagnose' | 'tailLogFile' | 'exportReport' | 'decodeJwt';
}

export type FromWebviewMessage = ReadyMessage | OpenLocationMessage | RunCommandMessage;

const RUNNABLE = new Set(['diagnose', 'tailLogFile', 'exportReport', 'decodeJwt']);

/** Validates a message posted by the webview (it is untrusted input). */
export function isFromWebviewMessage(value: unknown): value is FromWebviewMessage {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return true;
    case 'openLocation':
      return typeof m.file === 'string' && m.file.length > 0 && m.file.length < 4096 &&
        typeof m.line === 'number' && Number.isInteger(m.line) && m.line >= 1;
    case 'runCommand':
      return typeof m.command === 'string' && RUNNABLE.has(m.command);
    default:
      return false;
  }
}
