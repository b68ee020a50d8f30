/**
 * The fast first gate of `oauth-diagnose scan`: candidateScan.wat (WebAssembly SIMD, compiled to
 * dist/candidateScan.wasm by the build) finds the lines of a chunk that may hold a candidate stem
 * and counts all lines, several times faster than the JavaScript regex over the chunk. The stems
 * come from {@link CANDIDATE_STEMS}, so the two gates cannot drift apart; every line this one
 * reports is confirmed with the exact regex by the caller. Where the module is missing (running
 * from the TypeScript sources) or WebAssembly SIMD is not available, {@link loadCandidateScanner}
 * returns undefined and the reader keeps its regex path.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CANDIDATE_STEMS } from '../core/logs/candidateFilter';

/** Where a reader puts its bytes: `input` is a Buffer over the module's memory. */
export interface CandidateScanner {
  /** The input area: read file bytes into it, then call {@link scan} with offsets into it. */
  readonly input: Buffer;
  /**
   * Scans input[start, end) (start at a line start, end just past a '\n'); calls `onLine` for
   * every line that may hold a stem, in order, with the newlines before it (counted from start),
   * its start and end (the index of its '\n') and whether a skipped line before it (after the
   * previous reported line, or from start) opens a timestamped entry (`[` and a digit). Returns
   * the newlines in the region and whether a line after the last reported one opens an entry.
   */
  scan(start: number, end: number, onLine: (newlinesBefore: number, lineStart: number, lineEnd: number, opens: boolean) => void): { lines: number; opens: boolean };
}

const TABLES = 0;
const STEM_COUNT = 124;
const STEM_WORDS = 128;
const STEM_RESTS = 256;
const REST_BYTES = 512;
const OUT = 4096;
const INPUT = 65536;
const OUT_CAPACITY = (INPUT - OUT) / 16;
const PAGE = 65536;
/** Bytes after the input area that the module may read (unaligned 16-byte loads at +2). */
const PADDING = 64;

const fold = (c: number): number => c | 0x20;

/** The module's lookup data for the stems: Teddy nibble tables, and each stem's folded bytes. */
export function scannerTables(stems: readonly string[] = CANDIDATE_STEMS): { tables: Uint8Array; words: number[]; rests: Uint8Array[] } {
  if (stems.length > 32) throw new Error('at most 32 candidate stems');
  const tables = new Uint8Array(96);
  const bucketOf = new Map<string, number>();
  const words: number[] = [];
  const rests: Uint8Array[] = [];
  for (const stem of stems) {
    if (stem.length < 4 || stem.length > 64 || /[^\x21-\x7e]/.test(stem)) throw new Error(`candidate stem '${stem}' must be 4-64 printable ASCII characters`);
    const b = [...stem].map((c) => fold(c.charCodeAt(0)));
    // Stems sharing their first two bytes share a bucket: fewer stray nibble combinations.
    const key = String.fromCharCode(b[0]!, b[1]!);
    let bucket = bucketOf.get(key);
    if (bucket === undefined) {
      bucket = bucketOf.size % 8;
      bucketOf.set(key, bucket);
    }
    for (let k = 0; k < 3; k++) {
      tables[TABLES + 32 * k + (b[k]! & 15)]! |= 1 << bucket;
      tables[TABLES + 32 * k + 16 + (b[k]! >> 4)]! |= 1 << bucket;
    }
    words.push((b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0);
    rests.push(Uint8Array.from(b.slice(4)));
  }
  return { tables, words, rests };
}

let cachedModule: WebAssembly.Module | null | undefined;

function compiled(wasmPath: string): WebAssembly.Module | undefined {
  if (cachedModule !== undefined) return cachedModule ?? undefined;
  try {
    cachedModule = new WebAssembly.Module(readFileSync(wasmPath));
  } catch {
    cachedModule = null; // not built, or no SIMD in this runtime: the regex path is used
  }
  return cachedModule ?? undefined;
}

/**
 * A scanner with room for `capacity` input bytes, or undefined when the module is not there.
 *
 * @example const s = loadCandidateScanner(1 << 20); if (s) { readSync(fd, s.input, 0, n); s.scan(0, n, onLine); }
 */
export function loadCandidateScanner(capacity: number, wasm: string | WebAssembly.Module = join(__dirname, 'candidateScan.wasm')): CandidateScanner | undefined {
  const mod = typeof wasm === 'string' ? compiled(wasm) : wasm;
  if (mod === undefined) return undefined;
  let instance: WebAssembly.Instance;
  try {
    instance = new WebAssembly.Instance(mod, {});
  } catch {
    return undefined;
  }
  const ex = instance.exports as {
    memory: WebAssembly.Memory;
    scan: (start: number, end: number, cap: number) => number;
    next: WebAssembly.Global;
    lines: WebAssembly.Global;
    open: WebAssembly.Global;
  };
  const needPages = Math.ceil((INPUT + capacity + PADDING) / PAGE);
  const have = ex.memory.buffer.byteLength / PAGE;
  if (needPages > have) ex.memory.grow(needPages - have);
  const mem = new Uint8Array(ex.memory.buffer);
  const { tables, words, rests } = scannerTables();
  mem.set(tables, TABLES);
  const ints = new Int32Array(ex.memory.buffer, 0, OUT / 4);
  ints[STEM_COUNT / 4] = words.length;
  let at = REST_BYTES;
  words.forEach((w, k) => {
    ints[STEM_WORDS / 4 + k] = w | 0;
    ints[STEM_RESTS / 4 + k] = (at << 8) | rests[k]!.length;
    mem.set(rests[k]!, at);
    at += rests[k]!.length;
  });
  const records = new Int32Array(ex.memory.buffer, OUT, OUT_CAPACITY * 4);
  const input = Buffer.from(ex.memory.buffer, INPUT, capacity);
  return {
    input,
    scan(start, end, onLine) {
      let from = start;
      let base = 0; // newlines between start and from
      for (;;) {
        const n = ex.scan(INPUT + from, INPUT + end, OUT_CAPACITY);
        for (let r = 0; r < n; r++) {
          const o = r * 4;
          onLine(base + records[o]!, records[o + 1]! - INPUT, records[o + 2]! - INPUT, records[o + 3]! !== 0);
        }
        const next = (ex.next.value as number) - INPUT;
        base += ex.lines.value as number;
        if (next >= end) return { lines: base, opens: (ex.open.value as number) !== 0 };
        from = next;
      }
    },
  };
}
