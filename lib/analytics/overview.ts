import {
  getOverviewAnalytics,
  type HourlyUsage,
  type OverviewAnalytics,
  type UsageTotals,
} from "../../db/queries/analytics";
import type { Executor } from "../../db/schema";
import { estimatePercentile } from "../../db/queries/usage-buckets";
import { addDays, startOfZonedDay } from "../time-zone";
import { dayKeyOf, resolveOverviewRange, type OverviewRange, type OverviewSearch } from "./overview-range";

/*
 * Turns the rollup sums of db/queries/analytics.ts into what the overview shows: buckets
 * of the chosen size (hours, or local days in the configured zone), KPIs over the range and
 * the per-group/provider/key breakdowns. Pure, so it is tested and benchmarked as is.
 * Hours are assigned to the local day they start in; for zones with a half-hour offset an
 * hour straddling midnight counts towards the earlier day (rollups have hourly resolution).
 */

const HOUR_MS = 3_600_000;
const BUCKET_COUNT = 9;

export interface SeriesPoint {
  /** Epoch ms of the bucket's start. */
  start: number;
  requests: number;
  successes: number;
  failures: number;
  successRate: number | null;
  avgLatencyMs: number | null;
  p95LatencyMs: number | null;
  avgTtftMs: number | null;
  p95TtftMs: number | null;
}

export interface OverviewKpis extends UsageTotals {
  successRate: number | null;
  avgLatencyMs: number | null;
  p95LatencyMs: number | null;
  avgTtftMs: number | null;
  p95TtftMs: number | null;
}

export interface BreakdownRow extends UsageTotals {
  /** Stable id for React keys and tests: the group/provider name or the key id. */
  id: string;
  /** The display name, or null for "none" / a deleted key (the page translates those). */
  name: string | null;
  successRate: number | null;
}

export interface OverviewModel {
  series: SeriesPoint[];
  kpis: OverviewKpis;
  byGroup: BreakdownRow[];
  byProvider: BreakdownRow[];
  byKey: BreakdownRow[];
}

interface Accumulator extends UsageTotals {
  totalLatencyMs: number;
  latencyCount: number;
  totalTtftMs: number;
  ttftCount: number;
  latencyBuckets: number[];
  ttftBuckets: number[];
}

function emptyAccumulator(): Accumulator {
  return {
    requests: 0,
    successes: 0,
    failures: 0,
    promptTokens: 0,
    completionTokens: 0,
    cachedTokens: 0,
    cost: 0,
    totalLatencyMs: 0,
    latencyCount: 0,
    totalTtftMs: 0,
    ttftCount: 0,
    latencyBuckets: new Array<number>(BUCKET_COUNT).fill(0),
    ttftBuckets: new Array<number>(BUCKET_COUNT).fill(0),
  };
}

function add(target: Accumulator, hour: HourlyUsage): void {
  target.requests += hour.requests;
  target.successes += hour.successes;
  target.failures += hour.failures;
  target.promptTokens += hour.promptTokens;
  target.completionTokens += hour.completionTokens;
  target.cachedTokens += hour.cachedTokens;
  target.cost += hour.cost;
  target.totalLatencyMs += hour.totalLatencyMs;
  target.latencyCount += hour.latencyCount;
  target.totalTtftMs += hour.totalTtftMs;
  target.ttftCount += hour.ttftCount;
  hour.latencyBuckets.forEach(
    (count, index) => (target.latencyBuckets[index] = (target.latencyBuckets[index] ?? 0) + count),
  );
  hour.ttftBuckets.forEach((count, index) => (target.ttftBuckets[index] = (target.ttftBuckets[index] ?? 0) + count));
}

const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

function summarize(acc: Accumulator): Omit<OverviewKpis, keyof UsageTotals> {
  return {
    successRate: ratio(acc.successes, acc.requests),
    avgLatencyMs: ratio(acc.totalLatencyMs, acc.latencyCount),
    p95LatencyMs: estimatePercentile(acc.latencyBuckets, 0.95),
    avgTtftMs: ratio(acc.totalTtftMs, acc.ttftCount),
    p95TtftMs: estimatePercentile(acc.ttftBuckets, 0.95),
  };
}

/** Bucket starts covering the range: every hour, or every local midnight. */
function bucketStarts(
  range: OverviewRange,
  timeZone: string,
): { starts: number[]; indexOf: (hourStart: number) => number } {
  if (range.granularity === "hour") {
    const starts: number[] = [];
    for (let start = range.from; start < range.to; start += HOUR_MS) starts.push(start);
    return { starts, indexOf: (hourStart) => Math.floor((hourStart - range.from) / HOUR_MS) };
  }
  const starts: number[] = [];
  const lastKey = dayKeyOf(range.lastDay);
  for (let day = range.firstDay, guard = 0; guard < 1_000; day = addDays(day, 1), guard += 1) {
    starts.push(startOfZonedDay(day, timeZone));
    if (dayKeyOf(day) === lastKey) break;
  }
  const end = startOfZonedDay(addDays(range.lastDay, 1), timeZone);
  // Local days are consecutive intervals [start_i, start_i+1), so an hour's day is found by
  // binary search: no time-zone arithmetic per row. An hour starting just before the first
  // midnight (half-hour zones) counts towards the first day.
  return {
    starts,
    indexOf: (hourStart) => {
      if (hourStart >= end) return -1;
      let low = 0;
      let high = starts.length - 1;
      while (low < high) {
        const middle = (low + high + 1) >> 1;
        if ((starts[middle] ?? 0) <= hourStart) low = middle;
        else high = middle - 1;
      }
      return low;
    },
  };
}

function breakdown<T extends UsageTotals>(
  rows: T[],
  id: (row: T) => string,
  name: (row: T) => string | null,
): BreakdownRow[] {
  return rows.map((row) => ({
    id: id(row),
    name: name(row),
    requests: row.requests,
    successes: row.successes,
    failures: row.failures,
    promptTokens: row.promptTokens,
    completionTokens: row.completionTokens,
    cachedTokens: row.cachedTokens,
    cost: row.cost,
    successRate: ratio(row.successes, row.requests),
  }));
}

export function buildOverview(analytics: OverviewAnalytics, range: OverviewRange, timeZone: string): OverviewModel {
  const { starts, indexOf } = bucketStarts(range, timeZone);
  const buckets = starts.map(() => emptyAccumulator());
  const total = emptyAccumulator();
  for (const hour of analytics.hourly) {
    add(total, hour);
    const bucket = buckets[indexOf(hour.hourStart)];
    if (bucket) add(bucket, hour);
  }
  const series = buckets.map((acc, index) => ({
    start: starts[index] ?? 0,
    requests: acc.requests,
    successes: acc.successes,
    failures: acc.failures,
    ...summarize(acc),
  }));
  return {
    series,
    kpis: {
      requests: total.requests,
      successes: total.successes,
      failures: total.failures,
      promptTokens: total.promptTokens,
      completionTokens: total.completionTokens,
      cachedTokens: total.cachedTokens,
      cost: total.cost,
      ...summarize(total),
    },
    byGroup: breakdown(
      analytics.byGroup,
      (row) => `group:${row.groupName}`,
      (row) => row.groupName || null,
    ),
    byProvider: breakdown(
      analytics.byProvider,
      (row) => `provider:${row.providerName}`,
      (row) => row.providerName || null,
    ),
    byKey: breakdown(
      analytics.byKey,
      (row) => `key:${row.apiKeyId}`,
      (row) => row.apiKeyName,
    ),
  };
}

/** Everything the overview page computes: what the page runs, and what the benchmark times. */
export async function loadOverview(
  db: Executor,
  search: OverviewSearch,
  now: number,
  timeZone: string,
): Promise<{ range: OverviewRange; model: OverviewModel }> {
  const range = resolveOverviewRange(search, now, timeZone);
  const analytics = await getOverviewAnalytics(db, range);
  return { range, model: buildOverview(analytics, range, timeZone) };
}
