import { MAX_LINE_CHARS } from '../lines';

/** One complete line cut from a byte stream. */
export interface SplitLine {
  /** The line without its `\n` (and without a trailing `\r`), cut to the character cap. */
  text: string;
  /** True when the line was longer than the cap and its rest was dropped. */
  truncated: boolean;
  /** Raw bytes the line occupied in the stream, newline included: what resume offsets count. */
  bytes: number;
}

const NEWLINE = 0x0a;

/**
 * Cuts a byte stream into lines, holding a partial last line until its newline arrives.
 *
 * Why bytes and not strings: offsets for resuming a tail (local or over SSH) are byte offsets,
 * and a UTF-8 character can straddle two chunks. Memory is bounded: at most `maxBytes` of a
 * pending line are kept; the rest of an over-long line is counted (for offsets) but dropped.
 *
 * @example
 * const s = new LineSplitter((l) => out.push(l.text));
 * s.write(Buffer.from('a\nb')); // emits 'a', holds 'b'
 * s.write(Buffer.from('c\n'));  // emits 'bc'
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private keptBytes = 0;
  private pendingBytes = 0;
  private dropping = false;
  private readonly maxBytes: number;
  private readonly maxChars: number;

  constructor(private readonly onLine: (line: SplitLine) => void, opts: { maxChars?: number } = {}) {
    this.maxChars = opts.maxChars ?? MAX_LINE_CHARS;
    // A UTF-8 character is at most 4 bytes: keeping 4× the character cap is always enough.
    this.maxBytes = this.maxChars * 4;
  }

  /** Bytes of the partial line currently held (not yet delivered). */
  get pending(): number {
    return this.pendingBytes;
  }

  /** Feeds a chunk; emits every line it completes. */
  write(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      const nl = chunk.indexOf(NEWLINE, pos);
      if (nl !== -1 && this.pendingBytes === 0 && nl - pos <= this.maxBytes) {
        // Fast path: a whole line inside this chunk is decoded in place, without copying.
        this.emitText(chunk.toString('utf8', pos, nl), false, nl - pos + 1);
        pos = nl + 1;
        continue;
      }
      const end = nl === -1 ? chunk.length : nl;
      this.keep(chunk, pos, end);
      if (nl === -1) return;
      this.pendingBytes += 1;
      this.emit();
      pos = nl + 1;
    }
  }

  /** Emits the held partial line, if any, as a line (used when a rotated file will never grow again). */
  flush(): void {
    if (this.pendingBytes > 0) this.emit();
  }

  /** Drops the held partial line without emitting it. */
  reset(): void {
    this.parts = [];
    this.keptBytes = 0;
    this.pendingBytes = 0;
    this.dropping = false;
  }

  private keep(chunk: Buffer, start: number, end: number): void {
    const len = end - start;
    if (len === 0) return;
    this.pendingBytes += len;
    if (this.dropping) return;
    const room = this.maxBytes - this.keptBytes;
    const take = Math.min(room, len);
    if (take > 0) {
      // Copy: the caller may reuse its read buffer.
      this.parts.push(Buffer.from(chunk.subarray(start, start + take)));
      this.keptBytes += take;
    }
    if (take < len) this.dropping = true;
  }

  private emit(): void {
    const buf = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.keptBytes);
    const bytes = this.pendingBytes;
    const dropped = this.dropping;
    this.reset();
    this.emitText(buf.toString('utf8'), dropped, bytes);
  }

  private emitText(raw: string, dropped: boolean, bytes: number): void {
    let text = raw;
    let truncated = dropped;
    if (!truncated && text.endsWith('\r')) text = text.slice(0, -1);
    if (text.length > this.maxChars) {
      text = text.slice(0, this.maxChars);
      truncated = true;
    }
    this.onLine({ text, truncated, bytes });
  }
}
