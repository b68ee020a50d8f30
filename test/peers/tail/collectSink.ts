import type { SourceLine } from '../../../src/core/lines';
import type { TailSink } from '../../../src/sources/tailSource';

/** A LineSink for tests: keeps every line and lets a test wait for a condition. */
export class CollectSink implements TailSink {
  readonly lines: SourceLine[] = [];
  readonly ended: string[] = [];
  private waiters: (() => void)[] = [];

  push(line: SourceLine): void {
    this.lines.push(line);
    for (const w of this.waiters.splice(0)) w();
  }

  end(source: string): void {
    this.ended.push(source);
  }

  texts(): string[] {
    return this.lines.map((l) => l.text);
  }

  /** Resolves when `cond` holds; rejects after `ms` with what was collected so far. */
  async waitFor(cond: (lines: SourceLine[]) => boolean, ms = 5000, what = 'condition'): Promise<void> {
    const deadline = Date.now() + ms;
    while (!cond(this.lines)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; got ${this.lines.length} lines: ${JSON.stringify(this.texts().slice(-8)).slice(0, 600)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async waitForCount(n: number, ms = 5000): Promise<void> {
    await this.waitFor((l) => l.length >= n, ms, `${n} lines`);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
