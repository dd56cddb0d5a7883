import type { LatencyBucketColumn, TtftBucketColumn } from "../schema";

/*
 * The latency histogram kept in usage_hourly. Each request counts in exactly one bucket
 * (non-cumulative), so summing a bucket over any rows and hours stays meaningful, and a
 * percentile is read by walking the buckets in order.
 */

/** Upper bounds in ms; a value above the last one lands in the `gt` bucket. */
export const LATENCY_BUCKET_BOUNDS = [100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000] as const;

export const LATENCY_BUCKET_COLUMNS = [
  "lat_le_100",
  "lat_le_250",
  "lat_le_500",
  "lat_le_1000",
  "lat_le_2500",
  "lat_le_5000",
  "lat_le_10000",
  "lat_le_30000",
  "lat_gt_30000",
] as const satisfies readonly LatencyBucketColumn[];

export const TTFT_BUCKET_COLUMNS = [
  "ttft_le_100",
  "ttft_le_250",
  "ttft_le_500",
  "ttft_le_1000",
  "ttft_le_2500",
  "ttft_le_5000",
  "ttft_le_10000",
  "ttft_le_30000",
  "ttft_gt_30000",
] as const satisfies readonly TtftBucketColumn[];

/** Index into the column lists above for a duration in ms. */
export function bucketIndex(ms: number): number {
  const index = LATENCY_BUCKET_BOUNDS.findIndex((bound) => ms <= bound);
  return index === -1 ? LATENCY_BUCKET_BOUNDS.length : index;
}

/**
 * Estimates a percentile (0 < p ≤ 1, e.g. 0.95) from bucket counts in column order: the
 * upper bound of the bucket holding it, interpolated linearly inside that bucket. The open
 * last bucket reports its lower bound, the only honest number. Null when there is no data.
 */
export function estimatePercentile(counts: readonly number[], p: number): number | null {
  const total = counts.reduce((sum, count) => sum + count, 0);
  if (total === 0) return null;
  const rank = p * total;
  let seen = 0;
  for (let index = 0; index < counts.length; index += 1) {
    const count = counts[index] ?? 0;
    if (count > 0 && seen + count >= rank) {
      const upper = LATENCY_BUCKET_BOUNDS[index];
      const lower = index === 0 ? 0 : (LATENCY_BUCKET_BOUNDS[index - 1] ?? 0);
      if (upper === undefined) return lower;
      return lower + ((upper - lower) * (rank - seen)) / count;
    }
    seen += count;
  }
  return LATENCY_BUCKET_BOUNDS[LATENCY_BUCKET_BOUNDS.length - 1] ?? null;
}
