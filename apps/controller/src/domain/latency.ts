// Quantiles from fixed-bucket latency histograms (LATENCY_BUCKETS_MS + a trailing +Inf bucket).
import { LATENCY_BUCKETS_MS } from "@weft/contracts";

export function emptyBuckets(): number[] {
  return new Array(LATENCY_BUCKETS_MS.length + 1).fill(0);
}

export function addBuckets(into: number[], from: ArrayLike<number>): void {
  for (let i = 0; i < into.length && i < from.length; i++) into[i]! += from[i]!;
}

/**
 * The q-quantile in ms, interpolated linearly inside the bucket that holds it (as Prometheus'
 * histogram_quantile does). Null when there are no observations. Beyond the last finite bound the
 * answer is that bound: the histogram cannot say more.
 */
export function quantileMs(buckets: ArrayLike<number>, q: number): number | null {
  let total = 0;
  for (let i = 0; i < buckets.length; i++) total += buckets[i]!;
  if (total === 0) return null;
  const rank = q * total;
  let cumulative = 0;
  for (let i = 0; i < buckets.length; i++) {
    const count = buckets[i]!;
    if (cumulative + count >= rank && count > 0) {
      if (i >= LATENCY_BUCKETS_MS.length) return LATENCY_BUCKETS_MS[LATENCY_BUCKETS_MS.length - 1]!;
      const lower = i === 0 ? 0 : LATENCY_BUCKETS_MS[i - 1]!;
      const upper = LATENCY_BUCKETS_MS[i]!;
      return lower + ((upper - lower) * (rank - cumulative)) / count;
    }
    cumulative += count;
  }
  return LATENCY_BUCKETS_MS[LATENCY_BUCKETS_MS.length - 1]!;
}
