import type { Bucket } from './counter-deltas.ts';

/**
 * The `q` quantile (0..1) of cumulative `buckets` (ascending, the last `+Inf`), as Prometheus's
 * histogram_quantile computes it: the bucket holding the rank, linearly interpolated between its
 * lower and upper bound (the first bucket's lower bound is 0); a rank in the `+Inf` bucket is the
 * highest finite bound. Undefined with no observations or no `+Inf` bucket.
 */
export function histogramQuantile(q: number, buckets: readonly Bucket[]): number | undefined {
  const last = buckets.at(-1);
  if (last === undefined || last.le !== Infinity || last.count <= 0) return undefined;
  const rank = q * last.count;
  let previous: Bucket = { le: 0, count: 0 };
  for (const bucket of buckets) {
    if (bucket.count >= rank && bucket.count > previous.count) {
      if (bucket.le === Infinity) return previous.le;
      const lower = previous.le < bucket.le ? previous.le : 0;
      return lower + ((bucket.le - lower) * (rank - previous.count)) / (bucket.count - previous.count);
    }
    previous = bucket;
  }
  return previous.le === Infinity ? undefined : previous.le;
}
