import type { Kysely } from "kysely";

/*
 * Limits and budgets: per API key requests and tokens per minute, concurrent requests and
 * spend budgets (USD per UTC day, per UTC month, in total); per group and per provider
 * requests and tokens per minute. Null means no limit.
 * Frozen: no app imports.
 */

const KEY_COLUMNS = [
  ["rpm", "integer"],
  ["tpm", "integer"],
  ["max_concurrent", "integer"],
  ["budget_day", "double precision"],
  ["budget_month", "double precision"],
  ["budget_total", "double precision"],
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, type] of KEY_COLUMNS) await db.schema.alterTable("api_keys").addColumn(name, type).execute();
  for (const table of ["model_groups", "providers"]) {
    await db.schema.alterTable(table).addColumn("rpm", "integer").execute();
    await db.schema.alterTable(table).addColumn("tpm", "integer").execute();
  }
  // Counters and leases for the database limit store (WORKERS=N or several instances, no Redis).
  await db.schema
    .createTable("limit_counters")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("window_start", "bigint", (c) => c.notNull())
    .addColumn("count", "double precision", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("limit_leases")
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("lease_id", "text", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("limit_leases_pk", ["name", "lease_id"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("limit_leases").execute();
  await db.schema.dropTable("limit_counters").execute();
  for (const table of ["providers", "model_groups"]) {
    await db.schema.alterTable(table).dropColumn("tpm").execute();
    await db.schema.alterTable(table).dropColumn("rpm").execute();
  }
  for (const [name] of [...KEY_COLUMNS].reverse()) await db.schema.alterTable("api_keys").dropColumn(name).execute();
}
