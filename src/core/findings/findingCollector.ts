/**
 * Collects the findings of one flow, one per root cause: a second sighting of the same cause
 * adds its evidence lines instead of a second finding (no spam for retries and two logs).
 */
import type { FindingId } from '../catalog/findingIds';
import type { Finding, LogRef, Severity, Stage } from '../model';
import type { TrackedEvent } from '../flows/eventFacts';

const MAX_EVIDENCE = 12;
const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export class FindingCollector {
  private readonly byId = new Map<FindingId, Finding>();

  constructor(private readonly flowId: string | undefined) {}

  /** Adds a finding, or merges its evidence into the existing one with the same id. */
  add(id: FindingId, severity: Severity, stage: Stage, evidence: TrackedEvent[], detail: string, data?: Record<string, unknown>): Finding {
    const refs = evidence.map((te) => te.ev.ref);
    const existing = this.byId.get(id);
    if (existing) {
      mergeRefs(existing.evidence, refs);
      if (SEVERITY_RANK[severity] < SEVERITY_RANK[existing.severity]) existing.severity = severity;
      return existing;
    }
    const f: Finding = { id, severity, stage, evidence: [], detail };
    if (this.flowId) f.flowId = this.flowId;
    mergeRefs(f.evidence, refs);
    if (data && Object.keys(data).length) f.data = data;
    this.byId.set(id, f);
    return f;
  }

  has(id: FindingId): boolean {
    return this.byId.has(id);
  }

  get(id: FindingId): Finding | undefined {
    return this.byId.get(id);
  }

  get size(): number {
    return this.byId.size;
  }

  list(): Finding[] {
    return [...this.byId.values()];
  }
}

function mergeRefs(into: LogRef[], refs: LogRef[]): void {
  for (const r of refs) {
    if (into.length >= MAX_EVIDENCE) return;
    if (!into.some((x) => x.file === r.file && x.line === r.line)) into.push({ file: r.file, line: r.line });
  }
  // Usually still in order (refs arrive in line order): sort only when not.
  for (let i = 1; i < into.length; i++) {
    if (compareRefs(into[i - 1]!, into[i]!) > 0) {
      into.sort(compareRefs);
      return;
    }
  }
}

function compareRefs(a: LogRef, b: LogRef): number {
  return a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1;
}
