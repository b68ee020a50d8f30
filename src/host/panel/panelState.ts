/**
 * Turns the session's snapshot (engine diagnosis + probe report) into the panel's plain,
 * serialisable `PanelState`. Pure (no `vscode`): tested in plain Node. Everything that reaches
 * the webview passes through the redactor here, once more, whatever the producer did.
 */
import type { Finding, Flow, HttpExchange } from '../../core/model';
import { STAGES } from '../../core/model';
import { redact } from '../../core/redact/redact';
import type { PanelExchange, PanelFinding, PanelFlow, PanelStage, PanelState } from '../../shared/protocol';
import { splitByRange } from '../../shared/protocol';
import type { SessionSnapshot } from '../session';
import { renderCurl } from '../../core/probes/curl';

/** What the panel needs from the error catalog for one finding id. */
export interface CatalogText {
  title: string;
  meaning: string;
  fix: string[];
  spec?: string;
}

/** Redirect comparison as `compareRedirectUris` returns it (src/core/checks/redirectUri.ts). */
export interface RedirectComparisonLike {
  equal: boolean;
  kind?: string;
  detail: string;
  expectedRange?: [number, number];
  actualRange?: [number, number];
}

export interface PanelStateOptions {
  title: string;
  catalog: (id: string) => CatalogText | undefined;
  compareRedirect?: (expected: string, actual: string) => RedirectComparisonLike;
  /** Localised label for a flow without a client id. */
  unknownClient: string;
  live?: boolean;
  now?: number;
  /** Localised summary; receives the counts. */
  summarize: (c: { flows: number; failing: number; findings: number; errors: number; lines: number }) => string;
}

/** Upper bound of evidence lines per stage sent to the webview; the rest stay in the file. */
export const MAX_LINES_PER_STAGE = 10_000;
const MAX_TEXT = 2000;
const MAX_BODY = 16 * 1024;

export function buildPanelState(snap: SessionSnapshot, opts: PanelStateOptions): PanelState {
  const { diagnosis, probe } = snap;
  const flows: PanelFlow[] = diagnosis.flows.map((f) => flowView(f, opts.unknownClient));
  if (probe) flows.unshift(probeFlow(probe as ProbeLike));
  const findings = [...(probe?.findings ?? []), ...diagnosis.findings]
    .map((f) => findingView(f, opts, diagnosis.flows))
    .sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
  const failing = flows.filter((f) => f.status === 'failed').length;
  const state: PanelState = {
    title: opts.title,
    summary: opts.summarize({
      flows: diagnosis.flows.length,
      failing,
      findings: findings.length,
      errors: findings.filter((f) => f.severity === 'error').length,
      lines: diagnosis.stats.lines,
    }),
    flows,
    findings,
    notes: diagnosis.notes.map((n) => cap(redact(n), MAX_TEXT)),
    stats: diagnosis.stats,
    generatedAt: opts.now ?? Date.now(),
  };
  if (opts.live) state.live = true;
  if (probe) {
    const p = probe as ProbeLike;
    state.probe = {
      target: redact(p.target),
      ...(p.issuer ? { issuer: redact(p.issuer) } : {}),
      startedAt: p.startedAt,
      steps: p.steps.map((s) => ({
        name: s.name,
        stage: s.stage,
        status: s.status,
        durationMs: s.durationMs,
        summary: cap(redact(s.summary), MAX_TEXT),
        exchanges: s.exchanges.map(exchangeView),
      })),
    };
  }
  return state;
}

const SEVERITY_RANK = { error: 0, warning: 1, info: 2 } as const;

interface ProbeLike {
  target: string;
  issuer?: string;
  startedAt: number;
  steps: { name: string; stage: string; status: 'ok' | 'failed' | 'skipped' | 'warning'; durationMs: number; summary: string; exchanges: HttpExchange[] }[];
  findings: Finding[];
}

function flowView(f: Flow, unknownClient: string): PanelFlow {
  let lastTime: number | undefined;
  const stages: PanelStage[] = f.stages.map((s) => {
    const lines = s.events.slice(0, MAX_LINES_PER_STAGE).flatMap((i) => {
      const e = f.events[i];
      if (!e) return [];
      return [{
        file: e.ref.file,
        line: e.ref.line,
        text: cap(redact(e.message), MAX_TEXT),
        ...(e.time !== undefined ? { time: e.time } : {}),
        ...(e.tokens?.length ? { hasToken: true } : {}),
      }];
    });
    const view: PanelStage = { stage: s.stage, status: s.status, lines };
    if (s.time !== undefined) {
      view.time = s.time;
      if (lastTime !== undefined) view.gapMs = s.time - lastTime;
      lastTime = s.time;
    }
    return view;
  });
  const label = f.clientId ? redact(f.clientId) : unknownClient;
  return {
    id: f.id,
    label,
    ...(f.clientId ? { clientId: redact(f.clientId) } : {}),
    ...(f.startTime !== undefined ? { startTime: f.startTime } : {}),
    status: f.status,
    stages,
  };
}

/** The probe run drawn like a flow: one stage per timeline stage, its requests as evidence. */
function probeFlow(p: ProbeLike): PanelFlow {
  const stages: PanelStage[] = STAGES.map((stage) => {
    const steps = p.steps.filter((s) => s.stage === stage && s.status !== 'skipped');
    if (!steps.length) return { stage, status: 'not_applicable', lines: [] };
    const failed = steps.some((s) => s.status === 'failed');
    return {
      stage,
      status: failed ? 'failed' : 'ok',
      time: p.startedAt,
      lines: [],
      exchanges: steps.flatMap((s) => s.exchanges.map(exchangeView)),
    };
  });
  const failed = stages.some((s) => s.status === 'failed');
  return { id: 'probe', label: redact(p.issuer ?? p.target), startTime: p.startedAt, status: failed ? 'failed' : 'ok', stages };
}

export function exchangeView(x: HttpExchange): PanelExchange {
  const headers = (h: Record<string, string> | undefined): Record<string, string> =>
    Object.fromEntries(Object.entries(h ?? {}).map(([k, v]) => [k, redact(`${k}: ${v}`).slice(k.length + 2)]));
  const requestHeaders = headers(x.requestHeaders);
  const url = redact(x.url);
  const requestBody = x.requestBody ? redact(x.requestBody) : undefined;
  const view: PanelExchange = {
    method: x.method,
    url,
    durationMs: x.durationMs,
    requestHeaders,
    // Built from the re-redacted parts: a value the recorder missed is still masked in the copy.
    curl: renderCurl({ method: x.method, url, requestHeaders, ...(requestBody !== undefined ? { requestBody } : {}), durationMs: x.durationMs }),
  };
  if (x.status !== undefined) view.status = x.status;
  if (requestBody) view.requestBody = cap(requestBody, MAX_BODY);
  if (x.responseHeaders) view.responseHeaders = headers(x.responseHeaders);
  if (x.responseBody) view.responseBody = cap(redact(x.responseBody), MAX_BODY);
  if (x.error) view.error = redact(x.error);
  return view;
}

function findingView(f: Finding, opts: PanelStateOptions, flows: Flow[] = []): PanelFinding {
  const entry = opts.catalog(f.id);
  const view: PanelFinding = {
    id: f.id,
    title: entry?.title ?? f.id,
    severity: f.severity,
    stage: f.stage,
    detail: cap(redact(f.detail), MAX_TEXT),
    evidence: f.evidence.map((e) => ({ file: e.file, line: e.line })),
    explanation: entry?.meaning ?? '',
    fix: entry?.fix ?? [],
  };
  if (f.flowId) view.flowId = f.flowId;
  if (entry?.spec) view.spec = entry.spec;
  const data: Record<string, unknown> = { ...(f.data ?? {}) };
  if (f.id === 'redirect_uri_mismatch') {
    const expected = str(data.expected) ?? str(data.authorize) ?? str(data.registered);
    const actual = str(data.actual) ?? str(data.token);
    if (expected !== undefined && actual !== undefined) view.redirectDiff = redirectDiff(expected, actual, data, opts);
  }
  if (f.id.startsWith('pkce_')) {
    // The engine's PKCE findings name the flow; its events hold both sides: the challenge sent at
    // authorize and BASE64URL(SHA256(verifier)) of the token request (never the verifier itself).
    const flow = f.flowId ? flows.find((x) => x.id === f.flowId) : undefined;
    const sent = flow?.events.find((e) => e.codeChallenge);
    const computed = flow?.events.find((e) => e.codeVerifierS256);
    const expected = str(data.expectedChallenge) ?? str(data.expected) ?? computed?.codeVerifierS256;
    const actual = str(data.challenge) ?? str(data.actualChallenge) ?? str(data.actual) ?? sent?.codeChallenge;
    if (!data.method && sent?.codeChallengeMethod) data.method = sent.codeChallengeMethod;
    if (expected !== undefined || actual !== undefined) {
      view.pkce = {
        ...(expected !== undefined ? { expected } : {}),
        ...(actual !== undefined ? { actual } : {}),
        ...(str(data.method) ? { method: str(data.method) } : {}),
      };
    }
  }
  if (f.exchanges?.length) view.exchanges = f.exchanges.map(exchangeView);
  return view;
}

function redirectDiff(expected: string, actual: string, data: Record<string, unknown>, opts: PanelStateOptions): PanelFinding['redirectDiff'] {
  const e = redact(expected);
  const a = redact(actual);
  const cmp = opts.compareRedirect?.(e, a);
  const range = (v: unknown): [number, number] | undefined =>
    Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && typeof v[1] === 'number' ? [v[0], v[1]] : undefined;
  const expectedRange = cmp?.expectedRange ?? range(data.expectedRange) ?? commonRange(e, a)[0];
  const actualRange = cmp?.actualRange ?? range(data.actualRange) ?? commonRange(e, a)[1];
  const kind = cmp?.kind ?? str(data.kind);
  return {
    ...(kind ? { kind } : {}),
    detail: cmp?.detail ?? '',
    expected: splitByRange(e, expectedRange),
    actual: splitByRange(a, actualRange),
  };
}

/**
 * Fallback when no comparison gives ranges: the span between the common prefix and the common
 * suffix of the two strings (good enough to point at `/callback` vs `/callback/`).
 */
export function commonRange(a: string, b: string): [[number, number], [number, number]] {
  let p = 0;
  while (p < a.length && p < b.length && a[p] === b[p]) p++;
  let s = 0;
  while (s < a.length - p && s < b.length - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
  return [[p, a.length - s], [p, b.length - s]];
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function cap(s: string, n: number): string {
  return s.length > n ? s.slice(0, n) + '…' : s;
}
