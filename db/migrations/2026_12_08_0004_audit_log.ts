import { PostgresAdapter } from "kysely";
import type { Kysely } from "kysely";

/*
 * The audit log: one row per configuration change, with who made it, from where, and the
 * changed fields before and after (secrets already masked, as JSON text). Times are epoch
 * milliseconds like everywhere else.
 * Frozen: no app imports.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable("audit_log")
    .addColumn("id", isPostgres ? "bigint" : "integer", (c) =>
      isPostgres ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement(),
    )
    .addColumn("at", isPostgres ? "bigint" : "integer", (c) => c.notNull())
    .addColumn("actor", "text", (c) => c.notNull())
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("ip", "text")
    .addColumn("user_agent", "text")
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("target_kind", "text", (c) => c.notNull())
    .addColumn("target_id", "text")
    .addColumn("target_name", "text", (c) => c.notNull())
    .addColumn("changes", "text", (c) => c.notNull())
    .execute();
  // The page and the retention job both walk the log by time.
  await db.schema.createIndex("audit_log_at_idx").on("audit_log").columns(["at", "id"]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("audit_log").execute();
}
