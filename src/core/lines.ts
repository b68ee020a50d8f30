/**
 * A line as every source delivers it (a file read once, a local tail, SSH, a command), and the
 * port the engine exposes to sources. Lines are capped by the source: `truncated` says so.
 */
export interface SourceLine {
  /** Source name shown in evidence: a path, `ssh://host/path`, or `cmd:name`. */
  source: string;
  /** 1-based line number within the source (continues across rotation for tails). */
  line: number;
  text: string;
  /** True when the source cut an over-long line to its cap. */
  truncated?: boolean;
  /**
   * True when the source already found this exact text to be a candidate line
   * (isCandidateLine, src/core/logs/candidateFilter.ts), so the parser need not test it again.
   */
  candidate?: boolean;
}

/** Whatever consumes lines: the engine, a test collector. */
export interface LineSink {
  push(line: SourceLine): void;
}

/** Longest line any source passes on, in characters; the rest is dropped with `truncated`. */
export const MAX_LINE_CHARS = 64 * 1024;
