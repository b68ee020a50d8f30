/**
 * The shapes every report shares: a finding with its catalog fix steps, and a flow as a compact
 * timeline. Everything that leaves the engine as text passes `redact` here once more, so a value
 * a parser missed still cannot reach a terminal, a JSON file or an exported report.
 */
import type { Finding, Flow, Stage, StageStatus } from '../model';
import { catalogEntry } from '../catalog/catalog';
import { redactMemo as redact } from '../redact/redactMemo';

/** A finding as printed: the contract of `scan --json` (`fix` = the numbered steps). */
export interface ReportFinding {
  id: string;
  severity: Finding['severity'];
  stage: Stage;
  flowId?: string;
  evidence: { file: string; line: number }[];
  detail: string;
  fix: string[];
  title: string;
  data?: Record<string, unknown>;
}

/** A flow as printed: stages with their status and evidence lines. */
export interface ReportFlow {
  id: string;
  clientId?: string;
  status: Flow['status'];
  startTime?: string;
  endTime?: string;
  stages: { stage: Stage; status: StageStatus; time?: string; lines: { file: string; line: number }[] }[];
}

export function reportFinding(f: Finding): ReportFinding {
  const entry = catalogEntry(f.id);
  const out: ReportFinding = {
    id: f.id,
    severity: f.severity,
    stage: f.stage,
    evidence: f.evidence.map((e) => ({ file: e.file, line: e.line })),
    detail: redact(f.detail),
    fix: entry ? [...entry.fix] : [],
    title: entry?.title ?? f.id,
  };
  if (f.flowId) out.flowId = f.flowId;
  if (f.data) out.data = redactData(f.data);
  return out;
}

/**
 * `JSON.stringify(reportFinding(f))`, byte for byte, without re-serialising the catalog's fix
 * steps and title for every finding (they are most of a finding's text): each id's part is
 * serialised once. Key order is reportFinding's.
 */
export function reportFindingJson(f: Finding): string {
  const head = JSON.stringify({ id: f.id, severity: f.severity, stage: f.stage, evidence: f.evidence.map((e) => ({ file: e.file, line: e.line })), detail: redact(f.detail) });
  let catalogPart = catalogJson.get(f.id);
  if (catalogPart === undefined) {
    const entry = catalogEntry(f.id);
    catalogPart = `,"fix":${JSON.stringify(entry ? [...entry.fix] : [])},"title":${JSON.stringify(entry?.title ?? f.id)}`;
    catalogJson.set(f.id, catalogPart);
  }
  let out = head.slice(0, -1) + catalogPart;
  if (f.flowId) out += `,"flowId":${JSON.stringify(f.flowId)}`;
  if (f.data) out += `,"data":${JSON.stringify(redactData(f.data))}`;
  return out + '}';
}

const catalogJson = new Map<string, string>();

export function reportFlow(flow: Flow): ReportFlow {
  const out: ReportFlow = {
    id: flow.id,
    status: flow.status,
    stages: flow.stages.map((s) => {
      const lines: { file: string; line: number }[] = [];
      for (const i of s.events) {
        const e = flow.events[i];
        if (e !== undefined) lines.push({ file: e.ref.file, line: e.ref.line });
      }
      return s.time !== undefined ? { stage: s.stage, status: s.status, time: iso(s.time), lines } : { stage: s.stage, status: s.status, lines };
    }),
  };
  if (flow.clientId) out.clientId = redact(flow.clientId);
  if (flow.startTime !== undefined) out.startTime = iso(flow.startTime);
  if (flow.endTime !== undefined) out.endTime = iso(flow.endTime);
  return out;
}

/** ISO time without milliseconds when they are zero. */
export function iso(ms: number): string {
  // Flows of one log share their seconds: remember the last few answers.
  let out = isoMemo.get(ms);
  if (out !== undefined) return out;
  const d = new Date(ms);
  out = Number.isNaN(d.getTime()) ? String(ms) : d.toISOString().replace('.000Z', 'Z');
  if (isoMemo.size >= 256) isoMemo.clear();
  isoMemo.set(ms, out);
  return out;
}

const isoMemo = new Map<number, string>();

function redactData(data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) {
    if (v === undefined) continue;
    if (typeof v === 'string') out[k] = redact(v);
    else if (Array.isArray(v)) out[k] = v.map((x) => (typeof x === 'string' ? redact(x) : x));
    else out[k] = v;
  }
  return out;
}

export const STAGE_MARK: Record<StageStatus, string> = { ok: '✓', failed: '✗', missing: '?', not_applicable: '·' };
