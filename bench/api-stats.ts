/** Bench helper: latency samples and percentiles. */
export class LatencyRecorder {
  private samples: number[] = [];
  count = 0;

  record(milliseconds: number): void {
    this.samples.push(milliseconds);
    this.count++;
  }

  percentile(p: number): number {
    if (this.samples.length === 0) return NaN;
    const sorted = Float64Array.from(this.samples).sort();
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  }
}

export function format(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}
