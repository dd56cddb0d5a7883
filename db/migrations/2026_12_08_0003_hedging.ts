import type { Kysely } from "kysely";

/*
 * Hedged first tokens per group: off (the behaviour before this migration), fixed (after
 * hedge_delay_ms) or auto (after the provider's recent p95 time to first token).
 * Frozen: no app imports.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("model_groups")
    .addColumn("hedge_mode", "text", (c) => c.notNull().defaultTo("off"))
    .execute();
  await db.schema
    .alterTable("model_groups")
    .addColumn("hedge_delay_ms", "integer", (c) => c.notNull().defaultTo(1000))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("model_groups").dropColumn("hedge_delay_ms").execute();
  await db.schema.alterTable("model_groups").dropColumn("hedge_mode").execute();
}
