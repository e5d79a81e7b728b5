/** Nearest-rank percentile of ascending values (as tests.performance computes its p95). */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

export const round2 = (n: number): number => Math.round(n * 100) / 100;
