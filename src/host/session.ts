import * as vscode from 'vscode';
import type { LineSink, SourceLine } from '../core/lines';
import type { ParsedLines } from '../core/engine/parsedLines';
import type { Finding, Flow } from '../core/model';

/**
 * What the engine produces (mirrors `Diagnosis` of src/core/engine/diagnosisEngine.ts, the
 * contract in COMMON.md). Kept structural so the hub compiles and is testable on its own.
 */
export interface SessionDiagnosis {
  flows: Flow[];
  findings: Finding[];
  notes: string[];
  stats: { lines: number; events: number; skipped: number };
}

/** The probe report as the hub stores it (structural mirror of core/probes/probeReport.ts). */
export interface SessionProbeReport {
  target: string;
  issuer?: string;
  startedAt: number;
  steps: { name: string; stage: string; status: string; durationMs: number; summary: string; exchanges: unknown[] }[];
  findings: Finding[];
  metadata?: Record<string, unknown>;
  jwks?: unknown;
  clientAuthMethods?: string[];
}

/** The part of DiagnosisEngine the hub uses. */
export interface SessionEngine extends LineSink {
  /** Lines of a source parsed on the parse thread (src/sources/parseThread.ts). */
  pushParsed(batch: ParsedLines): void;
  end(source?: string): void;
  snapshot(): SessionDiagnosis;
}

export interface SessionSnapshot<P extends SessionProbeReport = SessionProbeReport> {
  diagnosis: SessionDiagnosis;
  probe?: P;
}

export interface SessionOptions {
  /** Makes a fresh engine (on construction and on every `reset`). */
  createEngine: () => SessionEngine;
  /** Least time between two `onDidChange` events while lines stream in. Default 250 ms. */
  throttleMs?: number;
  /**
   * The last result saved before a window reload (see SessionMemory). Called once, when the
   * session is first read while still empty; never during activation.
   */
  restore?: () => { snapshot: SessionSnapshot; sources: string[] } | undefined;
}

const EMPTY: SessionDiagnosis = { flows: [], findings: [], notes: [], stats: { lines: 0, events: 0, skipped: 0 } };

/**
 * The one place where every producer of evidence (file reads, tails, SSH, probes, the live flow)
 * meets every consumer (panel, tree, Problems, export). Producers see only `LineSink`; consumers
 * listen to `onDidChange`, which is throttled so a tail pushing thousands of lines a second
 * causes a few UI refreshes, not thousands. Snapshots are cached until something changes.
 */
export class DiagnosisSession implements vscode.Disposable, LineSink {
  private engine: SessionEngine;
  private probe: SessionProbeReport | undefined;
  private cached: SessionSnapshot | undefined;
  private readonly emitter = new vscode.EventEmitter<void>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastFired = 0;
  private readonly throttleMs: number;
  private readonly sourceNames = new Set<string>();
  /** Sources that pushed lines and have not ended yet: a tail in progress makes the panel "live". */
  private readonly openSources = new Set<string>();
  private disposed = false;
  /** A result restored from storage, shown until new evidence or a reset replaces it. */
  private restored: { snapshot: SessionSnapshot; sources: string[] } | undefined;
  private restoreChecked = false;
  /** Fires (throttled) after lines, an end of source, a probe report or a reset. */
  readonly onDidChange: vscode.Event<void> = this.emitter.event;

  constructor(private readonly options: SessionOptions) {
    this.engine = options.createEngine();
    this.throttleMs = Math.max(0, options.throttleMs ?? 250);
  }

  /** Sources that fed lines since the last reset (file paths, `ssh://…`, `cmd:…`). */
  get sources(): string[] {
    this.ensureRestored();
    if (this.restored) return [...this.restored.sources];
    return [...this.sourceNames];
  }

  push(line: SourceLine): void {
    if (!this.evidenceFrom(line.source)) return;
    this.engine.push(line);
    this.changed();
  }

  /** Lines of a source parsed on the parse thread: the same as pushing them, one batch at a time. */
  pushParsed(batch: ParsedLines): void {
    if (!this.evidenceFrom(batch.source)) return;
    this.engine.pushParsed(batch);
    this.changed();
  }

  /** Notes new evidence from a source (it is open until it ends); false once disposed. */
  private evidenceFrom(source: string): boolean {
    if (this.disposed) return false;
    this.dropRestored();
    this.sourceNames.add(source);
    this.openSources.add(source);
    return true;
  }

  /** A source has no more lines (a file read to its end, a tail stopped). */
  end(source: string): void {
    if (this.disposed) return;
    this.openSources.delete(source);
    this.engine.end(source);
    this.changed(true);
  }

  setProbeReport(r: SessionProbeReport): void {
    if (this.disposed) return;
    this.dropRestored();
    this.probe = r;
    this.changed(true);
  }

  snapshot(): SessionSnapshot {
    this.ensureRestored();
    if (this.restored) return this.restored.snapshot;
    if (!this.cached) {
      const diagnosis = this.engine.snapshot() ?? EMPTY;
      this.cached = this.probe ? { diagnosis, probe: this.probe } : { diagnosis };
    }
    return this.cached;
  }

  /** Forgets every line and the probe report (a new Diagnose run starts from scratch). */
  reset(): void {
    if (this.disposed) return;
    this.dropRestored();
    this.engine = this.options.createEngine();
    this.probe = undefined;
    this.sourceNames.clear();
    this.openSources.clear();
    this.changed(true);
  }

  /** Sources still streaming (pushed lines, not ended). */
  get activeSources(): string[] {
    return [...this.openSources];
  }

  /** True when nothing has been pushed and no probe report is held. */
  get isEmpty(): boolean {
    this.ensureRestored();
    return !this.restored && this.sourceNames.size === 0 && !this.probe;
  }

  /** True while the session shows a result restored after a window reload. */
  get isRestored(): boolean {
    this.ensureRestored();
    return this.restored !== undefined;
  }

  /**
   * Loads the saved result on first need (a view, Problems, an export), only while nothing new
   * has arrived; listeners hear about it through one `onDidChange`.
   */
  ensureRestored(): void {
    if (this.restoreChecked || this.disposed) return;
    this.restoreChecked = true;
    if (this.sourceNames.size > 0 || this.probe || !this.options.restore) return;
    try {
      this.restored = this.options.restore();
    } catch {
      this.restored = undefined; // a damaged saved value is no reason to fail the views
    }
    if (this.restored) this.changed(true);
  }

  /** New evidence or a reset replaces a restored result (the engine cannot resume from it). */
  private dropRestored(): void {
    this.restoreChecked = true;
    this.restored = undefined;
  }

  private changed(urgent = false): void {
    this.cached = undefined;
    if (this.timer) {
      if (!urgent) return;
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const wait = urgent ? 0 : Math.max(0, this.lastFired + this.throttleMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.lastFired = Date.now();
      if (!this.disposed) this.emitter.fire();
    }, wait);
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.emitter.dispose();
  }
}
