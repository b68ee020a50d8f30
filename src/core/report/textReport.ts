/**
 * The human report of `oauth-diagnose scan`: each flow as a one-line timeline, then the findings
 * with their evidence (`file:line`) and the catalog's numbered fix steps. Fix steps are printed
 * once per finding id; later findings of the same kind refer back to them, so a log with fifty
 * expired codes stays readable.
 */
import type { Diagnosis } from '../engine/diagnosisEngine';
import type { Flow } from '../model';
import { STAGES } from '../model';
import { redact } from '../redact/redact';
import { STAGE_MARK, reportFinding } from './reportData';
import { shownValue } from './shownValue';

export interface TextReportOptions {
  /** Most flows listed (failed and incomplete ones first). Default 200. */
  maxFlows?: number;
}

/** Renders a Diagnosis as plain text (no colours; safe to pipe). */
export function renderTextReport(d: Diagnosis, opts: TextReportOptions = {}): string {
  const out: string[] = [];
  const errors = d.findings.filter((f) => f.severity === 'error').length;
  const warnings = d.findings.filter((f) => f.severity === 'warning').length;
  out.push(`Read ${d.stats.lines} line${d.stats.lines === 1 ? '' : 's'}: ${d.stats.events} OAuth event${d.stats.events === 1 ? '' : 's'} in ${d.flows.length} flow${d.flows.length === 1 ? '' : 's'}.`);
  for (const n of d.notes) out.push(`note: ${redact(n)}`);

  if (d.flows.length) {
    out.push('', 'Flows (✓ ok  ✗ failed  ? not seen  · not applicable):');
    const max = opts.maxFlows ?? 200;
    const rank = { failed: 0, incomplete: 1, ok: 2 } as const;
    const shown = d.flows.length > max ? [...d.flows].sort((a, b) => rank[a.status] - rank[b.status]).slice(0, max).sort((a, b) => (a.startTime ?? 0) - (b.startTime ?? 0)) : d.flows;
    for (const f of shown) out.push(flowLine(f));
    if (shown.length < d.flows.length) out.push(`  … ${d.flows.length - shown.length} more flows (all of them with --json)`);
  }

  if (d.findings.length) {
    out.push('', `Findings: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`);
    const explained = new Set<string>();
    for (const f of d.findings) {
      const r = reportFinding(f);
      out.push('', `${r.severity.toUpperCase()} ${r.id} – ${r.title} [${r.stage}${r.flowId ? `, ${r.flowId}` : ''}]`);
      out.push(`  ${r.detail}`);
      if (r.evidence.length) out.push(`  evidence: ${r.evidence.map((e) => `${e.file}:${e.line}`).join(', ')}`);
      if (explained.has(r.id)) {
        out.push(`  fix: see ${r.id} above`);
      } else if (r.fix.length) {
        explained.add(r.id);
        out.push('  fix:');
        r.fix.forEach((step, i) => out.push(`    ${i + 1}. ${step}`));
      }
    }
  } else {
    out.push('', d.flows.length ? 'No problems found.' : 'No OAuth flows found.');
  }
  return out.join('\n') + '\n';
}

/** `flow-3  mobile-app  10:00:12–10:00:17  FAILED  authorize ✓  consent ✓  callback ✓  token ✗ …` */
export function flowLine(f: Flow): string {
  const when = f.startTime !== undefined ? `${hms(f.startTime)}${f.endTime !== undefined && f.endTime !== f.startTime ? `–${hms(f.endTime)}` : ''}` : 'no time';
  const byStage = new Map(f.stages.map((s) => [s.stage, s.status]));
  const stages = STAGES.filter((s) => s !== 'discovery' && s !== 'registration' || byStage.get(s) !== 'not_applicable')
    .map((s) => `${s} ${STAGE_MARK[byStage.get(s) ?? 'missing']}`)
    .join('  ');
  return `  ${f.id.padEnd(9)} ${(f.clientId !== undefined ? shownValue(redact(f.clientId)) : '(no client id)').padEnd(20)} ${when.padEnd(19)} ${f.status.toUpperCase().padEnd(10)} ${stages}`;
}

function hms(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? '?' : d.toISOString().slice(11, 19);
}
