import { PostgresAdapter } from "kysely";
import type { Kysely } from "kysely";

/*
 * Alerts: webhook targets (generic JSON or Slack-compatible), and the time each alert key
 * (event + subject) was last sent, so every process and instance shares one cooldown.
 * Times are epoch milliseconds. Frozen: no app imports.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const time = isPostgres ? "bigint" : "integer";
  await db.schema
    .createTable("alert_targets")
    .addColumn("id", "integer", (c) =>
      isPostgres ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement(),
    )
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("url", "text", (c) => c.notNull())
    // Encrypted like provider keys; null means no signature header.
    .addColumn("secret_encrypted", "text")
    // JSON array of event names.
    .addColumn("events", "text", (c) => c.notNull())
    .addColumn("is_enabled", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", time, (c) => c.notNull())
    .addColumn("updated_at", time, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("alert_state")
    .addColumn("alert_key", "text", (c) => c.primaryKey())
    .addColumn("last_sent_at", time, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("alert_state").execute();
  await db.schema.dropTable("alert_targets").execute();
}
