/**
 * The Markdown report behind the UI's "Export report": something a developer can paste into an
 * issue or a chat with their identity provider. Findings first (with the catalog's meaning, fix
 * steps and spec reference), then the flows as timelines, the probe run when there was one, and
 * the notes. Every interpolated value is redacted and Markdown-escaped: log text is data.
 */
import type { Diagnosis } from '../engine/diagnosisEngine';
import type { ProbeReport } from '../probes/probeReport';
import type { Finding } from '../model';
import { STAGES } from '../model';
import { catalogEntry } from '../catalog/catalog';
import { redact } from '../redact/redact';
import { STAGE_MARK, iso, reportFinding } from './reportData';
import { shownValue } from './shownValue';

export interface MarkdownReportOptions {
  /** Title line. Default "OAuth diagnosis". */
  title?: string;
  /** Generation time (ms); default now. */
  generatedAt?: number;
  /** Most flows listed. Default 100. */
  maxFlows?: number;
}

/** Renders the diagnosis (and an optional probe report) as Markdown, secrets masked. */
export function renderMarkdownReport(diagnosis: Diagnosis, probe?: ProbeReport, opts: MarkdownReportOptions = {}): string {
  const out: string[] = [];
  const all: Finding[] = [...diagnosis.findings, ...(probe?.findings ?? [])];
  const errors = all.filter((f) => f.severity === 'error').length;
  const warnings = all.filter((f) => f.severity === 'warning').length;
  out.push(`# ${md(opts.title ?? 'OAuth diagnosis')}`, '');
  out.push(`Generated ${iso(opts.generatedAt ?? Date.now())} by OAuth Flow Debugger. ${diagnosis.stats.lines} log lines, ${diagnosis.stats.events} OAuth events, ${diagnosis.flows.length} flows${probe ? `, probe of ${code(probe.target)}` : ''}.`, '');
  out.push(`**${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}.**`, '');

  if (all.length) {
    out.push('## Findings', '');
    out.push('| Severity | Finding | Stage | Flow | Evidence |', '|---|---|---|---|---|');
    for (const f of all) {
      const r = reportFinding(f);
      out.push(`| ${r.severity} | \`${r.id}\` ${cell(r.title)} | ${r.stage} | ${r.flowId ?? '–'} | ${cell(evidenceText(f))} |`);
    }
    out.push('');
    const explained = new Set<string>();
    for (const f of all) {
      const r = reportFinding(f);
      out.push(`### ${r.severity === 'error' ? '❌' : r.severity === 'warning' ? '⚠️' : 'ℹ️'} \`${r.id}\` – ${md(r.title)}`, '');
      out.push(md(r.detail), '');
      const ev = evidenceText(f);
      if (ev) out.push(`Evidence: ${md(ev)}`, '');
      for (const x of f.exchanges ?? []) {
        out.push(`- ${code(`${x.method} ${redact(x.url)}`)} → ${x.status ?? md(redact(x.error ?? 'no response'))} (${Math.round(x.durationMs)} ms)`);
      }
      if (f.exchanges?.length) out.push('');
      if (explained.has(r.id)) {
        out.push(`How to fix: see \`${r.id}\` above.`, '');
        continue;
      }
      explained.add(r.id);
      const entry = catalogEntry(f.id);
      if (entry?.meaning) out.push(md(entry.meaning), '');
      if (r.fix.length) {
        out.push('How to fix:', '');
        r.fix.forEach((s, i) => out.push(`${i + 1}. ${md(s)}`));
        out.push('');
      }
      if (entry?.spec) out.push(`Specification: ${md(entry.spec)}`, '');
    }
  } else {
    out.push('No problems found.', '');
  }

  if (diagnosis.flows.length) {
    const max = opts.maxFlows ?? 100;
    out.push('## Flows', '');
    out.push(`| Flow | Client | Start | Status | ${STAGES.join(' | ')} |`, `|---|---|---|---|${STAGES.map(() => '---').join('|')}|`);
    for (const f of diagnosis.flows.slice(0, max)) {
      const by = new Map(f.stages.map((s) => [s.stage, s.status]));
      out.push(`| ${f.id} | ${cell(f.clientId !== undefined ? shownValue(redact(f.clientId)) : '–')} | ${f.startTime !== undefined ? iso(f.startTime) : '–'} | ${f.status} | ${STAGES.map((s) => STAGE_MARK[by.get(s) ?? 'missing']).join(' | ')} |`);
    }
    if (diagnosis.flows.length > max) out.push('', `… and ${diagnosis.flows.length - max} more flows.`);
    out.push('', '✓ ok · ✗ failed · ? not seen in the logs · `·` not applicable', '');
  }

  if (probe) {
    out.push('## Probe', '');
    out.push(`Target ${code(redact(probe.target))}${probe.issuer ? `, issuer ${code(redact(probe.issuer))}` : ''}, started ${iso(probe.startedAt)}.`, '');
    out.push('| Step | Stage | Status | Time | Summary |', '|---|---|---|---|---|');
    for (const s of probe.steps) out.push(`| ${cell(s.name)} | ${s.stage} | ${s.status} | ${Math.round(s.durationMs)} ms | ${cell(redact(s.summary))} |`);
    out.push('');
  }

  if (diagnosis.notes.length) {
    out.push('## Notes', '');
    for (const n of diagnosis.notes) out.push(`- ${md(redact(n))}`);
    out.push('');
  }
  return out.join('\n');
}

function evidenceText(f: Finding): string {
  const shown = f.evidence.slice(0, 6).map((e) => `${e.file}:${e.line}`);
  return shown.join(', ') + (f.evidence.length > 6 ? ` (+${f.evidence.length - 6})` : '');
}

/** Escapes text so log content cannot become Markdown structure or HTML. */
function md(s: string): string {
  return redact(s).replace(/[\\`*_{}[\]<>#|]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

function cell(s: string): string {
  return md(s);
}

function code(s: string): string {
  const v = redact(s).replace(/`/g, "'").replace(/\r?\n/g, ' ');
  return `\`${v}\``;
}
