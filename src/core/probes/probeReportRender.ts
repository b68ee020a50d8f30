/**
 * Rendering of probe and live-flow reports for the CLI: the same JSON contract as `scan`
 * (`{"flows":[…],"findings":[…]}` with catalog fix steps) plus the `steps` timeline with its
 * redacted exchanges, and a plain-text form. Everything passes the redactor once more here.
 */
import type { Stage, StageStatus } from '../model';
import { STAGES } from '../model';
import { redact } from '../redact/redact';
import type { ReportFinding, ReportFlow } from '../report/reportData';
import { iso, reportFinding } from '../report/reportData';
import { renderCurl } from './curl';
import type { ProbeReport, ProbeStep } from './probeReport';

export interface ProbeJsonReport {
  target: string;
  issuer?: string;
  clientAuthMethods?: string[];
  flows: ReportFlow[];
  findings: (ReportFinding & { curl?: string })[];
  steps: ProbeStep[];
}

/** A live run as one flow of the scan contract; probe runs have no flow. */
export function liveFlowOf(r: ProbeReport, id = 'live'): ReportFlow {
  const statusOf = (stage: Stage): StageStatus => {
    if (r.findings.some((f) => f.stage === stage && f.severity === 'error')) return 'failed';
    const steps = r.steps.filter((s) => s.stage === stage && s.status !== 'skipped');
    if (stage === 'consent') {
      // consent happens in the browser: it is known to have passed when the callback carried a code
      const cb = r.steps.find((s) => s.stage === 'callback');
      return cb?.status === 'ok' || cb?.status === 'warning' ? 'ok' : cb ? 'missing' : 'not_applicable';
    }
    if (!steps.length) {
      const optional = stage === 'discovery' || stage === 'registration' || stage === 'api';
      return !optional && r.steps.some((s) => s.stage === stage) ? 'missing' : 'not_applicable';
    }
    return steps.some((s) => s.status === 'failed') ? 'failed' : 'ok';
  };
  const stages = STAGES.map((stage) => ({ stage, status: statusOf(stage), lines: [] as { file: string; line: number }[] }));
  const failed = stages.some((s) => s.status === 'failed') || r.findings.some((f) => f.severity === 'error');
  const reached = r.steps.some((s) => s.stage === 'token_issued' && s.status !== 'skipped');
  return { id, status: failed ? 'failed' : reached ? 'ok' : 'incomplete', startTime: iso(r.startedAt), stages };
}

export function probeJsonReport(r: ProbeReport, opts: { live?: boolean } = {}): ProbeJsonReport {
  return {
    target: redact(r.target),
    ...(r.issuer ? { issuer: r.issuer } : {}),
    ...(r.clientAuthMethods ? { clientAuthMethods: r.clientAuthMethods } : {}),
    flows: opts.live ? [liveFlowOf(r)] : [],
    findings: r.findings.map((f) => {
      const ex = f.exchanges?.[0];
      return { ...reportFinding(f), ...(ex ? { curl: renderCurl(ex) } : {}) };
    }),
    steps: r.steps.map((s) => ({ ...s, summary: redact(s.summary) })),
  };
}

export function renderProbeJson(r: ProbeReport, opts: { live?: boolean } = {}): string {
  return `${JSON.stringify(probeJsonReport(r, opts), null, 2)}\n`;
}

const MARK: Record<ProbeStep['status'], string> = { ok: '✓', failed: '✗', warning: '!', skipped: '·' };

/** The human form: the timeline of steps, then the findings with their fix and evidence request. */
export function renderProbeText(r: ProbeReport): string {
  const out: string[] = [];
  out.push(`Target: ${redact(r.target)}${r.issuer ? `  (issuer ${r.issuer})` : ''}`);
  if (r.clientAuthMethods?.length) out.push(`Client authentication that works: ${r.clientAuthMethods.join(', ')}`);
  out.push('', 'Steps (✓ ok  ! warning  ✗ failed  · skipped):');
  for (const s of r.steps) {
    out.push(`  ${MARK[s.status]} ${s.stage.padEnd(12)} ${s.name.padEnd(36)} ${String(s.durationMs).padStart(5)} ms  ${redact(s.summary)}`);
  }
  const errors = r.findings.filter((f) => f.severity === 'error').length;
  const warnings = r.findings.filter((f) => f.severity === 'warning').length;
  if (!r.findings.length) {
    out.push('', 'No problems found.');
    return out.join('\n') + '\n';
  }
  out.push('', `Findings: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`);
  const explained = new Set<string>();
  for (const f of r.findings) {
    const rf = reportFinding(f);
    out.push('', `${rf.severity.toUpperCase()} ${rf.id} – ${rf.title} [${rf.stage}]`, `  ${rf.detail}`);
    const ex = f.exchanges?.[0];
    if (ex) out.push(`  request: ${ex.method} ${ex.url} → ${ex.status ?? ex.error ?? '?'}`);
    if (explained.has(rf.id)) {
      out.push(`  fix: see ${rf.id} above`);
    } else if (rf.fix.length && rf.severity !== 'info') {
      explained.add(rf.id);
      out.push('  fix:');
      rf.fix.forEach((step, i) => out.push(`    ${i + 1}. ${step}`));
    }
  }
  return out.join('\n') + '\n';
}
