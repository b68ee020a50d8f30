/**
 * `scan --json`: `{"flows":[…],"findings":[{"id","severity","stage","flowId","evidence":[{"file","line"}],"detail","fix"}]}`
 * plus `notes` and `stats`. Flows are compact (stages with their evidence lines, no raw messages),
 * so the output stays small and carries no log text beyond the redacted details.
 */
import type { Diagnosis } from '../engine/diagnosisEngine';
import { redact } from '../redact/redact';
import type { ReportFinding, ReportFlow } from './reportData';
import { reportFinding, reportFindingJson, reportFlow } from './reportData';

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
  const parts: string[] = [];
  writeJsonReport(d, (s) => parts.push(s));
  return parts.join('');
}

/**
 * Writes the same JSON piece by piece, converting one flow or finding at a time, so a report of
 * thousands of flows never exists twice in memory (the CLI's peak RSS is set at this moment).
 */
export function writeJsonReport(d: Diagnosis, write: (s: string) => void): void {
  const list = (items: readonly unknown[], toJson: (x: never) => string): void => {
    if (!items.length) return write('[]');
    let chunk = '[\n    ';
    items.forEach((x, i) => {
      chunk += (i ? ',\n    ' : '') + toJson(x as never);
      if (chunk.length > 64 * 1024) {
        write(chunk);
        chunk = '';
      }
    });
    write(chunk + '\n  ]');
  };
  write('{\n  "flows": ');
  list(d.flows, (f: Diagnosis['flows'][number]) => JSON.stringify(reportFlow(f)));
  write(',\n  "findings": ');
  list(d.findings, reportFindingJson);
  write(`,\n  "notes": ${JSON.stringify(d.notes.map(redact))},\n  "stats": ${JSON.stringify(d.stats)}\n}\n`);
}
