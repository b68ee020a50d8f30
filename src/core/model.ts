/**
 * The data model every part of the product shares: the eight flow stages, events read from logs
 * or produced by probes, flows (a timeline of stages) and findings keyed to the error catalog.
 * Pure: no `vscode`, no DOM.
 */
import type { FindingId } from './catalog/findingIds';

/** The eight flow stages, in timeline order (error-catalog.md "Flow stages"). */
export const STAGES = [
  'discovery',
  'registration',
  'authorize',
  'consent',
  'callback',
  'token',
  'token_issued',
  'api',
] as const;
export type Stage = (typeof STAGES)[number];

export type Severity = 'error' | 'warning' | 'info';
export type StageStatus = 'ok' | 'failed' | 'missing' | 'not_applicable';

/** Where a piece of evidence came from. */
export interface LogRef {
  /** Source name: a file path, `ssh://host/path`, or a command label. */
  file: string;
  /** 1-based line number within that source. */
  line: number;
}

/** A masked token or code: never the raw value. */
export interface SecretRef {
  /** Short stable fingerprint (e.g. `fp:3f9a0c1e`), the same for the same raw value. */
  fingerprint: string;
  /** Safe preview (e.g. `eyJhbGciOi…`), or empty for codes. */
  preview: string;
}

/** A token seen on a log line: masked, plus the decoded JWT header and claims (never the signature) when it is a JWT. */
export interface SeenToken extends SecretRef {
  /** Where it was: an Authorization header, a named parameter or field, or loose in the text. */
  where: 'authorization' | 'access_token' | 'id_token' | 'refresh_token' | 'request_object' | 'id_token_hint' | 'text';
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
}

/** One OAuth-relevant thing that happened, read from a log line or observed by a probe. */
export interface OAuthEvent {
  ref: LogRef;
  /** Milliseconds since epoch, when the line carried a parsable timestamp. */
  time?: number;
  stage?: Stage;
  /** Parser that produced it: `laravel`, `nginx`, `keycloak`, `json`, `generic`, `probe`, `live`. */
  format: string;
  method?: string;
  path?: string;
  status?: number;
  clientId?: string;
  redirectUri?: string;
  state?: string;
  scope?: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  /** code_verifier is a secret until the exchange is over; kept as a fingerprint plus length info. */
  codeVerifier?: SecretRef & { length: number; charsetOk: boolean };
  grantType?: string;
  responseType?: string;
  error?: string;
  errorDescription?: string;
  ip?: string;
  user?: string;
  requestId?: string;
  code?: SecretRef;
  refreshToken?: SecretRef;
  /** Tokens seen on the line (masked; JWT header and claims decoded, never the signature). */
  tokens?: SeenToken[];
  /** BASE64URL(SHA256(code_verifier)), so detectors can compare with the authorize request's code_challenge without the secret. */
  codeVerifierS256?: string;
  /** Scheme of a logged Authorization header (`Bearer`, `Basic`, …; empty when the value had no scheme). */
  authScheme?: string;
  /** Request duration in milliseconds, when the log carries it (nginx `$request_time`, pino `responseTime`). */
  durationMs?: number;
  /** The finding this line alone points at, when its text names the cause precisely (e.g. "Authorization code has expired"). */
  reason?: FindingId;
  /** Log level or severity word as written, when present. */
  level?: string;
  /** The line's message, redacted, capped for display. */
  message: string;
  /** Free-form extra fields (redacted strings only). */
  extra?: Record<string, string>;
}

export interface StageEntry {
  stage: Stage;
  status: StageStatus;
  /** Indices into Flow.events. */
  events: number[];
  /** First event time at this stage. */
  time?: number;
}

export interface Flow {
  id: string;
  clientId?: string;
  startTime?: number;
  endTime?: number;
  events: OAuthEvent[];
  stages: StageEntry[];
  /** The worst stage status, for sorting and badges. */
  status: 'ok' | 'failed' | 'incomplete';
}

/** One HTTP request a probe or the live flow made, recorded redacted (for the UI and "copy as curl"). */
export interface HttpExchange {
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody?: string;
  status?: number;
  responseHeaders?: Record<string, string>;
  /** Capped and redacted. */
  responseBody?: string;
  durationMs: number;
  /** Network-level failure (timeout, TLS, refused), when there was no response. */
  error?: string;
}

export interface Finding {
  id: FindingId;
  severity: Severity;
  stage: Stage;
  flowId?: string;
  evidence: LogRef[];
  /** One line, specific: what was seen (redacted). */
  detail: string;
  /** Structured details (e.g. redirect diff kind, measured gap) for the UI. */
  data?: Record<string, unknown>;
  /** For probe and live findings: the requests behind it (redacted). */
  exchanges?: HttpExchange[];
}
