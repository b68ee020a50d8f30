/**
 * Every message between the extension host and the webview panel, each its own interface with a
 * `type` discriminant. The webview says `ready` first; the host answers with `init`.
 * Messages from the webview are untrusted input: the host validates them with
 * `isFromWebviewMessage` before acting. Everything in here is already redacted by the host:
 * the webview never sees a raw secret and never does network.
 */

export type PanelStageStatus = 'ok' | 'failed' | 'missing' | 'not_applicable';
export type PanelFlowStatus = 'ok' | 'failed' | 'incomplete';
export type PanelSeverity = 'error' | 'warning' | 'info';

/** What the panel shows: a plain, serialisable snapshot (no secrets, all values redacted). */
export interface PanelState {
  /** Where the current result came from, e.g. a log file name or an issuer URL. */
  title: string;
  /** Human summary line shown under the title. */
  summary: string;
  flows: PanelFlow[];
  findings: PanelFinding[];
  /** The probe run, when Diagnose probed a server. */
  probe?: PanelProbe;
  /** Engine notes (e.g. "timestamps missing: gaps unknown"). */
  notes?: string[];
  stats?: { lines: number; events: number; skipped: number };
  /** True while a tail feeds the session (the panel shows a live marker). */
  live?: boolean;
  /** Milliseconds since epoch when the state was produced. */
  generatedAt: number;
}

export interface PanelFlow {
  id: string;
  label: string;
  clientId?: string;
  startTime?: number;
  status: PanelFlowStatus;
  stages: PanelStage[];
}

export interface PanelStage {
  stage: string;
  status: PanelStageStatus;
  time?: number;
  /** Milliseconds since the previous stage that has a time (the visible gap before `token`). */
  gapMs?: number;
  lines: PanelLine[];
  /** Probe or live-flow requests behind this stage. */
  exchanges?: PanelExchange[];
}

/** One log line as evidence: text is the engine's redacted message, shown as text only. */
export interface PanelLine {
  file: string;
  line: number;
  text: string;
  time?: number;
  /** The line carries at least one JWT: the panel offers "Decode JWT" (the host re-reads the line). */
  hasToken?: boolean;
}

/** One recorded HTTP request/response, redacted, with a masked "copy as curl". */
export interface PanelExchange {
  method: string;
  url: string;
  status?: number;
  durationMs: number;
  requestHeaders: Record<string, string>;
  requestBody?: string;
  responseHeaders?: Record<string, string>;
  responseBody?: string;
  error?: string;
  curl: string;
}

export interface PanelProbe {
  target: string;
  issuer?: string;
  startedAt: number;
  steps: { name: string; stage: string; status: 'ok' | 'failed' | 'skipped' | 'warning'; durationMs: number; summary: string; exchanges: PanelExchange[] }[];
}

/** Text split around the differing part, for the redirect-URI diff. */
export interface DiffText {
  before: string;
  diff: string;
  after: string;
}

export interface PanelFinding {
  id: string;
  title: string;
  severity: PanelSeverity;
  stage: string;
  flowId?: string;
  detail: string;
  evidence: { file: string; line: number }[];
  explanation: string;
  fix: string[];
  spec?: string;
  /** Redirect URI mismatch: expected vs actual with the differing part marked. */
  redirectDiff?: { kind?: string; detail: string; expected: DiffText; actual: DiffText };
  /** PKCE: the challenge the verifier gives vs the one sent at authorize. */
  pkce?: { expected?: string; actual?: string; method?: string; detail?: string };
  exchanges?: PanelExchange[];
}

/** The JWT decoder's view of one token (built in the host: decoding, checks, JWKS verification). */
export interface DecoderView {
  ok: boolean;
  /** Why decoding failed (malformed token), when `ok` is false. */
  error?: string;
  kind?: string;
  fingerprint?: string;
  /** Where the token came from, e.g. `storage/logs/laravel.log:42` or "pasted". */
  origin?: string;
  header?: Record<string, unknown>;
  payload?: Record<string, unknown>;
  claims?: DecoderClaim[];
  warnings?: { id: string; severity: PanelSeverity; detail: string }[];
  verification?: {
    status: 'verified' | 'failed' | 'unavailable' | 'skipped';
    kid?: string;
    alg?: string;
    /** Which JWKS was used (URL) or why none was. */
    detail: string;
  };
}

export interface DecoderClaim {
  name: string;
  /** The value as JSON text. */
  value: string;
  explanation?: string;
  /** For time claims: ISO time, relative to now, and relative to the log event that used the token. */
  time?: { iso: string; relative: string; relativeToEvent?: string };
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

/** Show the JWT decoder with this result (from a command, a hover link or a decode request). */
export interface DecodedMessage {
  type: 'decoded';
  view: DecoderView;
  /** Set when answering a `decode` request. */
  inReplyTo?: number;
}

/** Reveal a flow (and optionally a line) in the timeline: "Show in timeline" from hovers and the tree. */
export interface RevealMessage {
  type: 'reveal';
  flowId?: string;
  file?: string;
  line?: number;
}

export type ToWebviewMessage = InitMessage | StateMessage | DecodedMessage | RevealMessage;

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

/** Decode a token pasted into the decoder. */
export interface DecodeMessage {
  type: 'decode';
  requestId: number;
  token: string;
}

/** Decode the JWT carried by a log line (the host re-reads the raw line; the webview only has it masked). */
export interface DecodeFromLineMessage {
  type: 'decodeFromLine';
  file: string;
  line: number;
}

/** Copy text (e.g. a masked curl command) to the clipboard through the host. */
export interface CopyMessage {
  type: 'copy';
  text: string;
}

export type FromWebviewMessage = ReadyMessage | OpenLocationMessage | RunCommandMessage | DecodeMessage | DecodeFromLineMessage | CopyMessage;

const RUNNABLE = new Set(['diagnose', 'tailLogFile', 'exportReport', 'decodeJwt']);
/** Longest token the decoder accepts from the webview (bigger is not a JWT anyone sends). */
export const MAX_DECODE_CHARS = 64 * 1024;

function isLocation(m: Record<string, unknown>): boolean {
  return typeof m.file === 'string' && m.file.length > 0 && m.file.length < 4096 &&
    typeof m.line === 'number' && Number.isInteger(m.line) && m.line >= 1;
}

/** Validates a message posted by the webview (it is untrusted input). */
export function isFromWebviewMessage(value: unknown): value is FromWebviewMessage {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return true;
    case 'openLocation':
    case 'decodeFromLine':
      return isLocation(m);
    case 'runCommand':
      return typeof m.command === 'string' && RUNNABLE.has(m.command);
    case 'decode':
      return typeof m.requestId === 'number' && Number.isInteger(m.requestId) &&
        typeof m.token === 'string' && m.token.length <= MAX_DECODE_CHARS;
    case 'copy':
      return typeof m.text === 'string' && m.text.length <= 1024 * 1024;
    default:
      return false;
  }
}

/** Splits `text` into before / differing part / after, clamping a range that does not fit. */
export function splitByRange(text: string, range: [number, number] | undefined): DiffText {
  if (!range) return { before: text, diff: '', after: '' };
  const start = Math.max(0, Math.min(text.length, Math.floor(range[0])));
  const end = Math.max(start, Math.min(text.length, Math.floor(range[1])));
  return { before: text.slice(0, start), diff: text.slice(start, end), after: text.slice(end) };
}
