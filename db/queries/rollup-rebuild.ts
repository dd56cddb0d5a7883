import { sql } from "kysely";
import type { Expression, RawBuilder, SqlBool } from "kysely";
import { bucketStart, getDialect, withTransaction } from "../dialect";
import type { Executor, UsageCounterColumn } from "../schema";
import { LATENCY_BUCKET_BOUNDS, LATENCY_BUCKET_COLUMNS, TTFT_BUCKET_COLUMNS } from "./usage-buckets";
import { COUNTER_COLUMNS, DAY_MS, HOUR_MS, hourStart } from "./usage-rollup";

export interface RebuildRollupsOptions {
  /** Epoch ms; rounded down to the hour. Default: the first whole hour of the stored rows. */
  from?: number;
  /** Epoch ms, exclusive; rounded up to the hour. Default: the end of the newest row's hour. */
  to?: number;
  /** Hours recomputed per transaction (default 24): short transactions let log writes in between. */
  hoursPerBatch?: number;
  /** Told after each batch, e.g. for a progress line. */
  onProgress?: (progress: RebuildProgress) => void;
}

export interface RebuildProgress {
  /** Start of the next hour still to do (= `to` when finished). */
  doneUntil: number;
  from: number;
  to: number;
  /** Rollup rows written so far. */
  rollupRows: number;
}

export interface RebuildResult {
  from: number;
  to: number;
  hours: number;
  rollupRows: number;
}

/**
 * Recomputes usage_hourly (and the coarser usage_hours and usage_daily above it) from the
 * raw log rows for [from, to), a batch of hours per
 * transaction: the batch's rollups are deleted and re-inserted with one INSERT … SELECT …
 * GROUP BY, so the database does the arithmetic and nothing large passes through Node.
 *
 * Retention deletes raw rows but keeps rollups, so rebuilding an hour whose rows were
 * already deleted would lose its figures. That is why the default range starts at the first
 * whole hour after the oldest stored row (its own hour may be half gone) and why an explicit
 * `from` should not reach back past the retention cutoff.
 *
 * Concurrent log writes stay exact: on SQLite the batch is one write transaction (a single
 * writer); on Postgres the batch first locks usage_hourly against writes, so a log batch
 * either committed before the recount (and is in it) or adds its rollups after it.
 */
export async function rebuildRollups(db: Executor, options: RebuildRollupsOptions = {}): Promise<RebuildResult> {
  const hoursPerBatch = options.hoursPerBatch ?? 24;
  if (!Number.isInteger(hoursPerBatch) || hoursPerBatch < 1)
    throw new Error("hoursPerBatch must be a positive integer");
  const bounds = await defaultBounds(db);
  const from = hourStart(options.from ?? bounds.from);
  const to = Math.ceil((options.to ?? bounds.to) / HOUR_MS) * HOUR_MS;
  let rollupRows = 0;
  for (let start = from; start < to; start += hoursPerBatch * HOUR_MS) {
    const end = Math.min(start + hoursPerBatch * HOUR_MS, to);
    rollupRows += await withTransaction(db, (trx) => rebuildBatch(trx, start, end));
    options.onProgress?.({ doneUntil: end, from, to, rollupRows });
  }
  return { from, to, hours: Math.max(0, (to - from) / HOUR_MS), rollupRows };
}

async function defaultBounds(db: Executor): Promise<{ from: number; to: number }> {
  const row = await db
    .selectFrom("call_logs")
    .select((eb) => [eb.fn.min("created_at").as("oldest"), eb.fn.max("created_at").as("newest")])
    .executeTakeFirst();
  if (row?.oldest === null || row?.oldest === undefined || row.newest === null) return { from: 0, to: 0 };
  const oldest = Number(row.oldest);
  const firstWholeHour = oldest % HOUR_MS === 0 ? oldest : hourStart(oldest) + HOUR_MS;
  return { from: firstWholeHour, to: hourStart(Number(row.newest)) + HOUR_MS };
}

/** `sum(case when <condition> then 1 else 0 end)` */
function countWhere(condition: RawBuilder<SqlBool>): RawBuilder<number> {
  return sql<number>`sum(case when ${condition} then 1 else 0 end)`;
}

/** One histogram column per bucket: (lower, upper], the first from 0, the last open-ended. */
function bucketCounts(
  column: Expression<number | null>,
  names: readonly UsageCounterColumn[],
): [UsageCounterColumn, RawBuilder<number>][] {
  return names.map((name, index) => {
    const upper = LATENCY_BUCKET_BOUNDS[index];
    const lower = index === 0 ? undefined : LATENCY_BUCKET_BOUNDS[index - 1];
    const conditions: RawBuilder<SqlBool>[] = [sql<SqlBool>`${column} is not null`];
    if (lower !== undefined) conditions.push(sql<SqlBool>`${column} > ${sql.lit(lower)}`);
    if (upper !== undefined) conditions.push(sql<SqlBool>`${column} <= ${sql.lit(upper)}`);
    return [name, countWhere(sql<SqlBool>`${sql.join(conditions, sql` and `)}`)];
  });
}

async function rebuildBatch(trx: Executor, start: number, end: number): Promise<number> {
  if (getDialect(trx) === "postgres") {
    // Blocks concurrent rollup upserts (not reads) until this batch commits; see above.
    await sql`lock table usage_hourly, usage_hours, usage_daily in share row exclusive mode`.execute(trx);
  }
  await trx.deleteFrom("usage_hourly").where("hour_start", ">=", start).where("hour_start", "<", end).execute();

  const latency = sql.ref<number>("latency_ms");
  const ttft = sql.ref<number | null>("ttft_ms");
  const counters: [UsageCounterColumn, RawBuilder<number>][] = [
    ["requests", sql<number>`count(*)`],
    ["successes", countWhere(sql<SqlBool>`status < 400`)],
    ["failures", countWhere(sql<SqlBool>`status >= 400`)],
    ["total_latency_ms", sql<number>`coalesce(sum(latency_ms), 0)`],
    ["latency_count", sql<number>`count(*)`],
    ["total_ttft_ms", sql<number>`coalesce(sum(ttft_ms), 0)`],
    ["ttft_count", sql<number>`count(ttft_ms)`],
    ["prompt_tokens", sql<number>`coalesce(sum(prompt_tokens), 0)`],
    ["completion_tokens", sql<number>`coalesce(sum(completion_tokens), 0)`],
    ["cached_tokens", sql<number>`coalesce(sum(cached_tokens), 0)`],
    ["cost", sql<number>`coalesce(sum(cost), 0)`],
    ...bucketCounts(latency, LATENCY_BUCKET_COLUMNS),
    ...bucketCounts(ttft, TTFT_BUCKET_COLUMNS),
  ];
  const keyColumns = ["hour_start", "group_name", "provider_name", "api_key_id"] as const;
  const select = trx
    .selectFrom("call_logs")
    .select((eb) => [
      bucketStart(eb.ref("created_at"), HOUR_MS).as("hour_start"),
      eb.fn.coalesce("group_name", sql.lit("")).as("group_name"),
      eb.fn.coalesce("provider_name", sql.lit("")).as("provider_name"),
      eb.fn.coalesce("api_key_id", sql.lit(0)).as("api_key_id"),
      ...counters.map(([name, expression]) => expression.as(name)),
    ])
    .where("created_at", ">=", start)
    .where("created_at", "<", end)
    .groupBy([sql.lit(1), sql.lit(2), sql.lit(3), sql.lit(4)]);
  const result = await trx
    .insertInto("usage_hourly")
    .columns([...keyColumns, ...counters.map(([name]) => name)])
    .expression(select)
    .executeTakeFirst();
  await rebuildCoarserRollups(trx, start, end);
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}

/**
 * usage_hours and usage_daily are sums of usage_hourly (migration 0002): recomputed from it
 * for the batch's hours, and for every whole UTC day the batch touches.
 */
async function rebuildCoarserRollups(trx: Executor, start: number, end: number): Promise<void> {
  const sums = COUNTER_COLUMNS.map((column) => sql<number>`coalesce(sum(${sql.ref(column)}), 0)`.as(column));
  const names = COUNTER_COLUMNS.map((column) => column);

  await trx.deleteFrom("usage_hours").where("hour_start", ">=", start).where("hour_start", "<", end).execute();
  await trx
    .insertInto("usage_hours")
    .columns(["hour_start", ...names])
    .expression(
      trx
        .selectFrom("usage_hourly")
        .select(["hour_start", ...sums])
        .where("hour_start", ">=", start)
        .where("hour_start", "<", end)
        .groupBy("hour_start"),
    )
    .execute();

  const dayFrom = Math.floor(start / DAY_MS) * DAY_MS;
  const dayTo = Math.ceil(end / DAY_MS) * DAY_MS;
  await trx.deleteFrom("usage_daily").where("day_start", ">=", dayFrom).where("day_start", "<", dayTo).execute();
  await trx
    .insertInto("usage_daily")
    .columns(["day_start", "group_name", "provider_name", "api_key_id", ...names])
    .expression(
      trx
        .selectFrom("usage_hourly")
        .select((eb) => [
          bucketStart(eb.ref("hour_start"), DAY_MS).as("day_start"),
          "group_name",
          "provider_name",
          "api_key_id",
          ...sums,
        ])
        .where("hour_start", ">=", dayFrom)
        .where("hour_start", "<", dayTo)
        .groupBy([sql.lit(1), sql.lit(2), sql.lit(3), sql.lit(4)]),
    )
    .execute();
}
