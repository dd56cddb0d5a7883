import { PostgresAdapter } from "kysely";
import type { Kysely } from "kysely";

/*
 * The model importer remembers, per endpoint, which model ids the endpoint listed at the
 * last import, so a later run can mark the models that are new since then. One row per
 * endpoint; it goes when the endpoint goes. Frozen like every migration: no app imports.
 */

export async function up(db: Kysely<unknown>): Promise<void> {
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable("model_list_snapshots")
    .addColumn("credential_id", "integer", (c) =>
      c.primaryKey().references("endpoint_credentials.id").onDelete("cascade"),
    )
    // JSON array of model ids.
    .addColumn("model_ids", "text", (c) => c.notNull())
    .addColumn("updated_at", isPostgres ? "bigint" : "integer", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("model_list_snapshots").execute();
}
