import { sql } from "kysely";
import type { RawBuilder } from "kysely";
import type { CallLogRecord } from "./call-logs";
import { withTransaction } from "../dialect";
import type { Executor, NewUsageHourly, UsageCounterColumn } from "../schema";
import { LATENCY_BUCKET_COLUMNS, TTFT_BUCKET_COLUMNS, bucketIndex } from "./usage-buckets";

export const HOUR_MS = 3_600_000;

type Counters = { [C in UsageCounterColumn]: number };
export type UsageRollupRow = NewUsageHourly & Counters;

export const COUNTER_COLUMNS: readonly UsageCounterColumn[] = [
  "requests",
  "successes",
  "failures",
  "total_latency_ms",
  "latency_count",
  "total_ttft_ms",
  "ttft_count",
  "prompt_tokens",
  "completion_tokens",
  "cached_tokens",
  "cost",
  ...LATENCY_BUCKET_COLUMNS,
  ...TTFT_BUCKET_COLUMNS,
];

export function hourStart(epochMs: number): number {
  return Math.floor(epochMs / HOUR_MS) * HOUR_MS;
}

function emptyRow(hour: number, groupName: string, providerName: string, apiKeyId: number): UsageRollupRow {
  const row = {
    hour_start: hour,
    group_name: groupName,
    provider_name: providerName,
    api_key_id: apiKeyId,
  } as UsageRollupRow;
  for (const column of COUNTER_COLUMNS) row[column] = 0;
  return row;
}

/**
 * Sums a batch per (hour, group, provider, key) in memory. Besides saving writes, this is
 * required: Postgres refuses an upsert that touches the same row twice in one statement.
 * Success means a status below 400, as everywhere in the dashboard.
 */
export function aggregateUsage(records: readonly CallLogRecord[]): UsageRollupRow[] {
  const rows = new Map<string, UsageRollupRow>();
  for (const record of records) {
    const hour = hourStart(record.createdAt);
    const groupName = record.groupName ?? "";
    const providerName = record.providerName ?? "";
    const apiKeyId = record.apiKeyId ?? 0;
    const key = JSON.stringify([hour, groupName, providerName, apiKeyId]);
    let row = rows.get(key);
    if (!row) {
      row = emptyRow(hour, groupName, providerName, apiKeyId);
      rows.set(key, row);
    }
    row.requests += 1;
    if (record.status < 400) row.successes += 1;
    else row.failures += 1;
    // Bucketed by the rounded value the log row stores, so a rebuild from the rows
    // (db/queries/rollup-rebuild.ts) lands every request in the same bucket.
    const latencyMs = Math.round(record.latencyMs);
    row.total_latency_ms += latencyMs;
    row.latency_count += 1;
    row[LATENCY_BUCKET_COLUMNS[bucketIndex(latencyMs)] ?? "lat_gt_30000"] += 1;
    if (record.ttftMs !== null) {
      const ttftMs = Math.round(record.ttftMs);
      row.total_ttft_ms += ttftMs;
      row.ttft_count += 1;
      row[TTFT_BUCKET_COLUMNS[bucketIndex(ttftMs)] ?? "ttft_gt_30000"] += 1;
    }
    row.prompt_tokens += record.promptTokens;
    row.completion_tokens += record.completionTokens;
    row.cached_tokens += record.cachedTokens;
    row.cost += record.cost;
  }
  return [...rows.values()];
}

type RollupTable = "usage_hourly" | "usage_hours" | "usage_daily";

function incrementAll(table: RollupTable): Partial<Record<UsageCounterColumn, RawBuilder<number>>> {
  const set: Partial<Record<UsageCounterColumn, RawBuilder<number>>> = {};
  for (const column of COUNTER_COLUMNS) {
    set[column] = sql<number>`${sql.ref(`${table}.${column}`)} + ${sql.ref(`excluded.${column}`)}`;
  }
  return set;
}

/** 41 columns a row: 500 rows stay well under both dialects' bound-parameter limits. */
const ROWS_PER_STATEMENT = 500;
export const DAY_MS = 86_400_000;

function sumInto<T extends Counters>(target: Map<string, T>, key: string, create: () => T, row: Counters): void {
  let sum = target.get(key);
  if (!sum) {
    sum = create();
    target.set(key, sum);
  }
  for (const column of COUNTER_COLUMNS) sum[column] += row[column];
}

function zeroCounters(): Counters {
  const counters = {} as Counters;
  for (const column of COUNTER_COLUMNS) counters[column] = 0;
  return counters;
}

/**
 * Adds the rows' counters to the stored ones (`col = usage_hourly.col + excluded.col`), and
 * the same sums to the coarser usage_hours (per hour) and usage_daily (per UTC day and
 * group/provider/key) the overview reads (migration 0002). Callers pass a transaction
 * (insertCallLogs does), so the three never disagree.
 */
export async function addUsage(db: Executor, rows: readonly UsageRollupRow[]): Promise<void> {
  if (rows.length === 0) return;
  await withTransaction(db, (trx) => addUsageRows(trx, rows));
}

async function addUsageRows(db: Executor, rows: readonly UsageRollupRow[]): Promise<void> {
  const hours = new Map<string, Counters & { hour_start: number }>();
  const days = new Map<
    string,
    Counters & { day_start: number; group_name: string; provider_name: string; api_key_id: number }
  >();
  for (const row of rows) {
    sumInto(hours, String(row.hour_start), () => ({ hour_start: row.hour_start, ...zeroCounters() }), row);
    const dayStart = Math.floor(row.hour_start / DAY_MS) * DAY_MS;
    const dims = {
      day_start: dayStart,
      group_name: row.group_name ?? "",
      provider_name: row.provider_name ?? "",
      api_key_id: row.api_key_id ?? 0,
    };
    sumInto(days, JSON.stringify(dims), () => ({ ...dims, ...zeroCounters() }), row);
  }
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    await db
      .insertInto("usage_hourly")
      .values(rows.slice(start, start + ROWS_PER_STATEMENT))
      .onConflict((oc) =>
        oc
          .columns(["hour_start", "group_name", "provider_name", "api_key_id"])
          .doUpdateSet(incrementAll("usage_hourly")),
      )
      .execute();
  }
  const hourRows = [...hours.values()];
  for (let start = 0; start < hourRows.length; start += ROWS_PER_STATEMENT) {
    await db
      .insertInto("usage_hours")
      .values(hourRows.slice(start, start + ROWS_PER_STATEMENT))
      .onConflict((oc) => oc.column("hour_start").doUpdateSet(incrementAll("usage_hours")))
      .execute();
  }
  const dayRows = [...days.values()];
  for (let start = 0; start < dayRows.length; start += ROWS_PER_STATEMENT) {
    await db
      .insertInto("usage_daily")
      .values(dayRows.slice(start, start + ROWS_PER_STATEMENT))
      .onConflict((oc) =>
        oc.columns(["day_start", "group_name", "provider_name", "api_key_id"]).doUpdateSet(incrementAll("usage_daily")),
      )
      .execute();
  }
}
