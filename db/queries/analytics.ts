import { sql } from "kysely";
import type { Executor } from "../schema";
import { LATENCY_BUCKET_COLUMNS, TTFT_BUCKET_COLUMNS } from "./usage-buckets";
import { DAY_MS } from "./usage-rollup";

/*
 * What the overview charts read: sums over the rollups, never the raw log rows, so a range
 * costs the same with ten thousand or ten million requests. The series and KPIs read
 * usage_hours (one row per hour); the per-group/provider/key breakdowns read usage_daily for
 * the whole UTC days inside the range and usage_hourly only for the hours at its two ends.
 * Ranges are whole hours; turning hours into local days is the caller's job
 * (lib/analytics/overview.ts), because only it knows the time zone, DST changes included.
 */

export interface AnalyticsRange {
  /** Epoch ms, inclusive; rounded down to the hour by the rollups. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
}

export interface UsageTotals {
  requests: number;
  successes: number;
  failures: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  cost: number;
}

export interface HourlyUsage extends UsageTotals {
  hourStart: number;
  totalLatencyMs: number;
  latencyCount: number;
  totalTtftMs: number;
  ttftCount: number;
  /** Counts per latency bucket, in LATENCY_BUCKET_COLUMNS order. */
  latencyBuckets: number[];
  ttftBuckets: number[];
}

export interface GroupUsage extends UsageTotals {
  /** "" for requests that named no known group. */
  groupName: string;
}

export interface ProviderUsage extends UsageTotals {
  /** "" for requests no provider served (rejected before routing). */
  providerName: string;
  totalLatencyMs: number;
  latencyCount: number;
}

export interface KeyUsage extends UsageTotals {
  /** 0 for requests without a valid key. */
  apiKeyId: number;
  /** The key's current name; null when it was deleted (or for id 0). */
  apiKeyName: string | null;
}

export interface OverviewAnalytics {
  hourly: HourlyUsage[];
  byGroup: GroupUsage[];
  byProvider: ProviderUsage[];
  byKey: KeyUsage[];
}

/** Postgres returns sums of bigints as numeric (parsed to number by db/client.ts), null on no rows. */
const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));

const sumOf = (column: string) => sql<number>`sum(${sql.ref(column)})`;

function totalsSelection() {
  return [
    sumOf("requests").as("requests"),
    sumOf("successes").as("successes"),
    sumOf("failures").as("failures"),
    sumOf("prompt_tokens").as("prompt_tokens"),
    sumOf("completion_tokens").as("completion_tokens"),
    sumOf("cached_tokens").as("cached_tokens"),
    sumOf("cost").as("cost"),
  ] as const;
}

function toTotals(row: Record<string, unknown>): UsageTotals {
  return {
    requests: num(row.requests),
    successes: num(row.successes),
    failures: num(row.failures),
    promptTokens: num(row.prompt_tokens),
    completionTokens: num(row.completion_tokens),
    cachedTokens: num(row.cached_tokens),
    cost: num(row.cost),
  };
}

/** Requests, latency and TTFT sums and histograms per hour; hours without traffic are absent. */
export async function getHourlyUsage(db: Executor, range: AnalyticsRange): Promise<HourlyUsage[]> {
  const rows = await db
    .selectFrom("usage_hours")
    .selectAll()
    .where("hour_start", ">=", range.from)
    .where("hour_start", "<", range.to)
    .orderBy("hour_start")
    .execute();
  return rows.map((row) => {
    const record = row as unknown as Record<string, unknown>;
    return {
      hourStart: num(row.hour_start),
      ...toTotals(record),
      totalLatencyMs: num(record.total_latency_ms),
      latencyCount: num(record.latency_count),
      totalTtftMs: num(record.total_ttft_ms),
      ttftCount: num(record.ttft_count),
      latencyBuckets: LATENCY_BUCKET_COLUMNS.map((column) => num(record[column])),
      ttftBuckets: TTFT_BUCKET_COLUMNS.map((column) => num(record[column])),
    };
  });
}

type Dimension = "group_name" | "provider_name" | "api_key_id";

interface DimensionSums extends UsageTotals {
  key: string | number;
  totalLatencyMs: number;
  latencyCount: number;
}

/** The range split into whole UTC days (read from usage_daily) and the hours around them. */
function splitRange(range: AnalyticsRange): { days: AnalyticsRange | null; hours: AnalyticsRange[] } {
  const firstDay = Math.ceil(range.from / DAY_MS) * DAY_MS;
  const lastDay = Math.floor(range.to / DAY_MS) * DAY_MS;
  if (firstDay >= lastDay) return { days: null, hours: [range] };
  return {
    days: { from: firstDay, to: lastDay },
    hours: [
      { from: range.from, to: firstDay },
      { from: lastDay, to: range.to },
    ].filter((part) => part.from < part.to),
  };
}

/** Sums per group, provider or key over the range: two small aggregations merged here. */
async function sumByDimension(db: Executor, range: AnalyticsRange, dimension: Dimension): Promise<DimensionSums[]> {
  const { days, hours } = splitRange(range);
  const columns = [
    dimension,
    ...totalsSelection(),
    sumOf("total_latency_ms").as("total_latency_ms"),
    sumOf("latency_count").as("latency_count"),
  ] as const;
  // One statement per part: each is a range on its table's primary key (an OR of two
  // ranges would make SQLite scan all of usage_hourly).
  const parts = await Promise.all([
    days
      ? db
          .selectFrom("usage_daily")
          .select(columns)
          .where("day_start", ">=", days.from)
          .where("day_start", "<", days.to)
          .groupBy(dimension)
          .execute()
      : Promise.resolve([]),
    ...hours.map((part) =>
      db
        .selectFrom("usage_hourly")
        .select(columns)
        .where("hour_start", ">=", part.from)
        .where("hour_start", "<", part.to)
        .groupBy(dimension)
        .execute(),
    ),
  ]);
  const merged = new Map<string | number, DimensionSums>();
  for (const row of parts.flat()) {
    const record = row as unknown as Record<string, unknown>;
    const key = record[dimension] as string | number;
    const current = merged.get(key);
    const totals = toTotals(record);
    const latency = { totalLatencyMs: num(record.total_latency_ms), latencyCount: num(record.latency_count) };
    if (!current) {
      merged.set(key, { key, ...totals, ...latency });
      continue;
    }
    for (const field of [
      "requests",
      "successes",
      "failures",
      "promptTokens",
      "completionTokens",
      "cachedTokens",
      "cost",
    ] as const)
      current[field] += totals[field];
    current.totalLatencyMs += latency.totalLatencyMs;
    current.latencyCount += latency.latencyCount;
  }
  return [...merged.values()].filter((row) => row.requests > 0);
}

const totalsOf = ({
  requests,
  successes,
  failures,
  promptTokens,
  completionTokens,
  cachedTokens,
  cost,
}: UsageTotals): UsageTotals => ({
  requests,
  successes,
  failures,
  promptTokens,
  completionTokens,
  cachedTokens,
  cost,
});

export async function getUsageByGroup(db: Executor, range: AnalyticsRange): Promise<GroupUsage[]> {
  const rows = await sumByDimension(db, range, "group_name");
  return rows.map((row) => ({ groupName: String(row.key), ...totalsOf(row) })).sort((a, b) => b.requests - a.requests);
}

export async function getUsageByProvider(db: Executor, range: AnalyticsRange): Promise<ProviderUsage[]> {
  const rows = await sumByDimension(db, range, "provider_name");
  return rows
    .map((row) => ({
      providerName: String(row.key),
      ...totalsOf(row),
      totalLatencyMs: row.totalLatencyMs,
      latencyCount: row.latencyCount,
    }))
    .sort((a, b) => b.requests - a.requests);
}

/** Per key, named by the api_keys table as it is now (rollups keep ids, not names). */
export async function getUsageByKey(db: Executor, range: AnalyticsRange): Promise<KeyUsage[]> {
  const [rows, keys] = await Promise.all([
    sumByDimension(db, range, "api_key_id"),
    db.selectFrom("api_keys").select(["id", "name"]).execute(),
  ]);
  const names = new Map(keys.map((key) => [key.id, key.name]));
  return rows
    .map((row) => ({ apiKeyId: num(row.key), apiKeyName: names.get(num(row.key)) ?? null, ...totalsOf(row) }))
    .sort((a, b) => b.cost - a.cost || b.requests - a.requests);
}

/** Everything the overview page shows, in the statements it runs (all on rollups). */
export async function getOverviewAnalytics(db: Executor, range: AnalyticsRange): Promise<OverviewAnalytics> {
  const [hourly, byGroup, byProvider, byKey] = await Promise.all([
    getHourlyUsage(db, range),
    getUsageByGroup(db, range),
    getUsageByProvider(db, range),
    getUsageByKey(db, range),
  ]);
  return { hourly, byGroup, byProvider, byKey };
}
