import type { Kysely } from "kysely";

/*
 * A group's routing strategy within one priority: weighted (the order before this migration),
 * least-latency, least-busy or cheapest.
 * Frozen: no app imports.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("model_groups")
    .addColumn("routing_strategy", "text", (c) => c.notNull().defaultTo("weighted"))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("model_groups").dropColumn("routing_strategy").execute();
}
