/**
 * `scan --json`: `{"flows":[…],"findings":[{"id","severity","stage","flowId","evidence":[{"file","line"}],"detail","fix"}]}`
 * plus `notes` and `stats`. Flows are compact (stages with their evidence lines, no raw messages),
 * so the output stays small and carries no log text beyond the redacted details.
 */
import type { Diagnosis } from '../engine/diagnosisEngine';
import { redact } from '../redact/redact';
import type { ReportFinding, ReportFlow } from './reportData';
import { reportFinding, reportFlow } from './reportData';

export interface JsonReport {
  flows: ReportFlow[];
  findings: ReportFinding[];
  notes: string[];
  stats: Diagnosis['stats'];
}

export function jsonReport(d: Diagnosis): JsonReport {
  return {
    flows: d.flows.map(reportFlow),
    findings: d.findings.map(reportFinding),
    notes: d.notes.map(redact),
    stats: { ...d.stats },
  };
}

/** The JSON text, one finding or flow per line for large reports (still one JSON document). */
export function renderJsonReport(d: Diagnosis): string {
  const r = jsonReport(d);
  const list = (items: unknown[]): string => (items.length ? `[\n    ${items.map((x) => JSON.stringify(x)).join(',\n    ')}\n  ]` : '[]');
  return `{\n  "flows": ${list(r.flows)},\n  "findings": ${list(r.findings)},\n  "notes": ${JSON.stringify(r.notes)},\n  "stats": ${JSON.stringify(r.stats)}\n}\n`;
}
