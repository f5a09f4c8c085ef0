export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

// Nearest-rank percentiles over every sample: steps hold at most a few hundred thousand, so sorting is cheap.
export function summarise(samples: Float64Array | number[]): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  const count = sorted.length;
  if (count === 0) {
    return { count: 0, p50: NaN, p95: NaN, p99: NaN, max: NaN, mean: NaN };
  }
  const at = (fraction: number) => sorted[Math.min(count - 1, Math.max(0, Math.ceil(fraction * count) - 1))] as number;
  let sum = 0;
  for (const value of sorted) {
    sum += value;
  }
  return { count, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted[count - 1] as number, mean: sum / count };
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
