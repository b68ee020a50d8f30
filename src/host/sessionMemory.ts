import type * as vscode from 'vscode';
import type { Flow } from '../core/model';
import type { DiagnosisSession, SessionProbeReport, SessionSnapshot } from './session';

/** workspaceState key of the last result (one per workspace). */
export const SESSION_MEMORY_KEY = 'oauthDebugger.session.last';
/** Upper bound of the stored JSON, in characters: workspaceState lives in a SQLite row read on startup. */
export const MAX_PERSISTED_CHARS = 512 * 1024;
const MAX_FINDINGS = 500;
const MAX_NOTES = 50;

/** What survives a window reload: the session's last result, as the engine produced it (already redacted). */
export interface PersistedSession {
  version: 1;
  savedAt: number;
  sources: string[];
  snapshot: SessionSnapshot;
  /** Flows left out to stay under the size cap. */
  droppedFlows: number;
  /** Findings left out to stay under the size cap. */
  droppedFindings: number;
}

/**
 * Cuts a snapshot down to `maxChars` of JSON. Flows are kept whole (stage entries index into
 * their events): failing flows first, then the most recent; findings (errors first) take at most
 * half of the room, notes are capped; a
 * probe report that alone would take over half the budget loses its recorded exchanges. The
 * engine's output is redacted at parse time (messages, masked tokens, fingerprints), so this
 * stores no raw secret; nothing here reads log text.
 */
export function boundSnapshot(snap: SessionSnapshot, sources: string[], maxChars = MAX_PERSISTED_CHARS, now = Date.now()): PersistedSession | undefined {
  const d = snap.diagnosis;
  let probe: SessionProbeReport | undefined = snap.probe;
  if (probe && JSON.stringify(probe).length > maxChars / 2) {
    probe = { ...probe, steps: probe.steps.map((s) => ({ ...s, exchanges: [] })), findings: probe.findings.map((f) => ({ ...f, exchanges: [] })) };
    if (JSON.stringify(probe).length > maxChars / 2) probe = undefined;
  }
  const base: PersistedSession = {
    version: 1,
    savedAt: now,
    sources: sources.slice(0, 50),
    snapshot: {
      diagnosis: { flows: [], findings: [], notes: d.notes.slice(0, MAX_NOTES), stats: { ...d.stats } },
      ...(probe ? { probe } : {}),
    },
    droppedFlows: 0,
    droppedFindings: 0,
  };
  let used = JSON.stringify(base).length;
  if (used > maxChars) return undefined;
  // Findings: errors first, within half of what is left, back in the engine's order.
  const sev = (s: string): number => (s === 'error' ? 2 : s === 'warning' ? 1 : 0);
  const findingBudget = used + (maxChars - used) / 2;
  const keptFindings = new Set<number>();
  for (const { f, i } of d.findings.map((f, i) => ({ f, i })).sort((a, b) => sev(b.f.severity) - sev(a.f.severity))) {
    if (keptFindings.size >= MAX_FINDINGS) break;
    const size = JSON.stringify(f).length + 1;
    if (used + size > findingBudget) continue;
    used += size;
    keptFindings.add(i);
  }
  base.snapshot.diagnosis.findings = d.findings.filter((_, i) => keptFindings.has(i));
  const rank = (f: Flow): number => (f.status === 'failed' ? 2 : f.status === 'incomplete' ? 1 : 0);
  const order = d.flows.map((f, i) => ({ f, i })).sort((a, b) => rank(b.f) - rank(a.f) || (b.f.endTime ?? b.f.startTime ?? 0) - (a.f.endTime ?? a.f.startTime ?? 0));
  const keep = new Set<number>();
  for (const { f, i } of order) {
    const size = JSON.stringify(f).length + 1;
    if (used + size > maxChars) continue;
    used += size;
    keep.add(i);
  }
  // Back in the engine's order, so the timeline reads the same as before the reload.
  base.snapshot.diagnosis.flows = d.flows.filter((_, i) => keep.has(i));
  base.droppedFlows = d.flows.length - keep.size;
  base.droppedFindings = d.findings.length - keptFindings.size;
  return base;
}

/** Reads a stored value back; anything malformed (older builds, hand edits) is ignored. */
export function parsePersisted(v: unknown): PersistedSession | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Partial<PersistedSession>;
  const d = o.snapshot?.diagnosis;
  if (o.version !== 1 || !Array.isArray(o.sources) || !d || !Array.isArray(d.flows) || !Array.isArray(d.findings) || !Array.isArray(d.notes) || typeof d.stats !== 'object') return undefined;
  return o as PersistedSession;
}

/**
 * Keeps the session's last result in `workspaceState` so the tree, Problems and Export Report
 * have it after a window reload. Saves shortly after a change settles (every 10 s at most while a
 * tail streams), clears the key when the session is reset to empty, and never reads the stored
 * value until the session first needs it (see DiagnosisSession's `restore` option).
 */
export class SessionMemory implements vscode.Disposable {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly sub: vscode.Disposable;
  private pending: Promise<void> = Promise.resolve();

  constructor(private readonly session: DiagnosisSession, private readonly memento: vscode.Memento, private readonly maxChars = MAX_PERSISTED_CHARS) {
    this.sub = session.onDidChange(() => this.schedule());
  }

  /** The stored result, if any. */
  load(): PersistedSession | undefined {
    return parsePersisted(this.memento.get<unknown>(SESSION_MEMORY_KEY));
  }

  /** Writes now (tests, deactivation) and waits for the write. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = this.pending.then(() => this.save(), () => this.save());
    return this.pending;
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => void this.flush(), this.session.activeSources.length > 0 ? 10_000 : 500);
  }

  private async save(): Promise<void> {
    // A result restored from storage is what is stored already.
    if (this.session.isRestored) return;
    if (this.session.isEmpty) {
      await this.memento.update(SESSION_MEMORY_KEY, undefined);
      return;
    }
    const bounded = boundSnapshot(this.session.snapshot(), this.session.sources, this.maxChars);
    await this.memento.update(SESSION_MEMORY_KEY, bounded);
  }

  dispose(): void {
    this.sub.dispose();
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      void this.save();
    }
  }
}
