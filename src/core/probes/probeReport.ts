/**
 * What a probe run or a live flow hands to the UI and the CLI: a list of steps (each a timeline
 * entry with its redacted HTTP exchanges) and the findings those steps raised. Pure types plus
 * small constructors, so the evaluation code stays declarative.
 */
import type { FindingId } from '../catalog/findingIds';
import type { Finding, HttpExchange, Severity, Stage } from '../model';

export interface ProbeStep {
  name: string;
  stage: Stage;
  status: 'ok' | 'failed' | 'skipped' | 'warning';
  durationMs: number;
  summary: string;
  exchanges: HttpExchange[];
}

export interface ProbeReport {
  target: string;
  issuer?: string;
  startedAt: number;
  steps: ProbeStep[];
  findings: Finding[];
  metadata?: Record<string, unknown>;
  jwks?: unknown;
  clientAuthMethods?: string[];
}

/** A finding as the evaluation functions produce it, before exchanges are attached. */
export interface ProbeProblem {
  id: FindingId;
  severity: Severity;
  detail: string;
  data?: Record<string, unknown>;
}

/** Builds a probe finding: probes have no log lines, their evidence is the exchanges. */
export function probeFinding(p: ProbeProblem, stage: Stage, exchanges: HttpExchange[] = [], flowId?: string): Finding {
  return {
    id: p.id,
    severity: p.severity,
    stage,
    ...(flowId ? { flowId } : {}),
    evidence: [],
    detail: p.detail,
    ...(p.data ? { data: p.data } : {}),
    ...(exchanges.length ? { exchanges } : {}),
  };
}

/** Removes duplicate findings (same id, stage and detail), keeping the first. */
export function dedupeFindings(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.id}|${f.stage}|${f.detail}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Errors first, then warnings, then notes; stable within a severity. */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings.map((f, i) => ({ f, i })).sort((a, b) => SEVERITY_ORDER[a.f.severity] - SEVERITY_ORDER[b.f.severity] || a.i - b.i).map((x) => x.f);
}
