import { sql } from "kysely";
import type { RawBuilder } from "kysely";
import type { CallLogRecord } from "../../lib/gateway/types";
import type { Executor, NewUsageHourly, UsageCounterColumn } from "../schema";
import { LATENCY_BUCKET_COLUMNS, TTFT_BUCKET_COLUMNS, bucketIndex } from "./usage-buckets";

export const HOUR_MS = 3_600_000;

type Counters = { [C in UsageCounterColumn]: number };
export type UsageRollupRow = NewUsageHourly & Counters;

const COUNTER_COLUMNS: readonly UsageCounterColumn[] = [
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
  const row = { hour_start: hour, group_name: groupName, provider_name: providerName, api_key_id: apiKeyId } as UsageRollupRow;
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
    row.total_latency_ms += Math.round(record.latencyMs);
    row.latency_count += 1;
    row[LATENCY_BUCKET_COLUMNS[bucketIndex(record.latencyMs)] ?? "lat_gt_30000"] += 1;
    if (record.ttftMs !== null) {
      row.total_ttft_ms += Math.round(record.ttftMs);
      row.ttft_count += 1;
      row[TTFT_BUCKET_COLUMNS[bucketIndex(record.ttftMs)] ?? "ttft_gt_30000"] += 1;
    }
    row.prompt_tokens += record.promptTokens;
    row.completion_tokens += record.completionTokens;
    row.cached_tokens += record.cachedTokens;
    row.cost += record.cost;
  }
  return [...rows.values()];
}

function incrementAll(): Partial<Record<UsageCounterColumn, RawBuilder<number>>> {
  const set: Partial<Record<UsageCounterColumn, RawBuilder<number>>> = {};
  for (const column of COUNTER_COLUMNS) {
    set[column] = sql<number>`${sql.ref(`usage_hourly.${column}`)} + ${sql.ref(`excluded.${column}`)}`;
  }
  return set;
}

/** 41 columns a row: 500 rows stay well under both dialects' bound-parameter limits. */
const ROWS_PER_STATEMENT = 500;

/** Adds the rows' counters to the stored ones (`col = usage_hourly.col + excluded.col`). */
export async function addUsage(db: Executor, rows: readonly UsageRollupRow[]): Promise<void> {
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    await db
      .insertInto("usage_hourly")
      .values(rows.slice(start, start + ROWS_PER_STATEMENT))
      .onConflict((oc) => oc.columns(["hour_start", "group_name", "provider_name", "api_key_id"]).doUpdateSet(incrementAll()))
      .execute();
  }
}
