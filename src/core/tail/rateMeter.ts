/**
 * Lines per second over a sliding window, for the status bar. Counts go into one-second
 * buckets, so memory is constant however fast lines arrive.
 *
 * @example const m = new RateMeter(5); m.add(50, t); m.rate(t) === 10
 */
export class RateMeter {
  private readonly buckets: number[];
  private readonly stamps: number[];

  constructor(private readonly windowSec = 5) {
    this.buckets = new Array<number>(windowSec).fill(0);
    this.stamps = new Array<number>(windowSec).fill(-1);
  }

  add(count: number, nowMs: number): void {
    const sec = Math.floor(nowMs / 1000);
    const i = sec % this.windowSec;
    if (this.stamps[i] !== sec) {
      this.stamps[i] = sec;
      this.buckets[i] = 0;
    }
    this.buckets[i]! += count;
  }

  /** Average lines per second over the last `windowSec` whole seconds plus the current one. */
  rate(nowMs: number): number {
    const sec = Math.floor(nowMs / 1000);
    let sum = 0;
    for (let i = 0; i < this.windowSec; i++) {
      const s = this.stamps[i]!;
      if (s >= 0 && sec - s < this.windowSec) sum += this.buckets[i]!;
    }
    return sum / this.windowSec;
  }
}
