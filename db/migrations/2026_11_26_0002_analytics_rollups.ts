import { PostgresAdapter, sql } from "kysely";
import type { CreateTableBuilder, Kysely } from "kysely";

/*
 * Coarser rollups above usage_hourly, so the overview costs the same with 30 days of
 * traffic from many keys as with one day. Frozen like every migration: no app imports.
 *
 * - usage_hours: one row per hour, every counter summed over all groups, providers and
 *   keys. The request/latency/TTFT series and the KPIs read it: 24 rows a day instead of
 *   24 × (active group/provider/key combinations).
 * - usage_daily: per UTC day and group/provider/key. The per-group, per-provider and
 *   per-key breakdowns read whole UTC days here and only the partial days at the range's
 *   ends from usage_hourly, so a 30-day breakdown touches ~30 + 48 hours' worth of rows
 *   rather than 720 hours' worth.
 *
 * Both are maintained in the same transaction as usage_hourly (db/queries/usage-rollup.ts)
 * and rebuilt from it (db/queries/rollup-rebuild.ts); this migration fills them from the
 * usage_hourly rows that exist. No call_logs index is added: the list's filters already
 * have one each (0001), and text search is bounded by a scan window instead of an index
 * (see docs/analytics.md).
 */

const BUCKETS = ["le_100", "le_250", "le_500", "le_1000", "le_2500", "le_5000", "le_10000", "le_30000", "gt_30000"];
const COUNTERS = [
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
  ...BUCKETS.map((bucket) => `lat_${bucket}`),
  ...BUCKETS.map((bucket) => `ttft_${bucket}`),
];
const DAY_MS = 86_400_000;

function withCounters(
  table: CreateTableBuilder<string, string>,
  isPostgres: boolean,
): CreateTableBuilder<string, string> {
  let next = table;
  for (const counter of COUNTERS)
    next = next.addColumn(counter, isPostgres ? "bigint" : "integer", (c) => c.notNull().defaultTo(0));
  return next.addColumn("cost", isPostgres ? "double precision" : "real", (c) => c.notNull().defaultTo(0));
}

export async function up(db: Kysely<unknown>): Promise<void> {
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const time = isPostgres ? "bigint" : "integer";

  await withCounters(
    db.schema.createTable("usage_hours").addColumn("hour_start", time, (c) => c.primaryKey()),
    isPostgres,
  ).execute();

  await withCounters(
    db.schema
      .createTable("usage_daily")
      .addColumn("day_start", time, (c) => c.notNull())
      .addColumn("group_name", "text", (c) => c.notNull().defaultTo(""))
      .addColumn("provider_name", "text", (c) => c.notNull().defaultTo(""))
      .addColumn("api_key_id", "integer", (c) => c.notNull().defaultTo(0)),
    isPostgres,
  )
    .addPrimaryKeyConstraint("usage_daily_pk", ["day_start", "group_name", "provider_name", "api_key_id"])
    .execute();

  const sums = sql.join([...COUNTERS, "cost"].map((column) => sql`sum(${sql.ref(column)})`));
  const columns = sql.join([...COUNTERS, "cost"].map((column) => sql.ref(column)));
  await sql`insert into usage_hours (hour_start, ${columns}) select hour_start, ${sums} from usage_hourly group by hour_start`.execute(
    db,
  );
  // Integer division truncates in both dialects; the literal keeps SQLite from binding a REAL.
  const day = sql`(hour_start / ${sql.lit(DAY_MS)}) * ${sql.lit(DAY_MS)}`;
  await sql`insert into usage_daily (day_start, group_name, provider_name, api_key_id, ${columns})
    select ${day}, group_name, provider_name, api_key_id, ${sums} from usage_hourly
    group by ${day}, group_name, provider_name, api_key_id`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("usage_daily").execute();
  await db.schema.dropTable("usage_hours").execute();
}
