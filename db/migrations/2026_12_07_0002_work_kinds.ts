import type { Kysely } from "kysely";

/*
 * Providers get the kinds of work they serve (comma-separated; empty = guessed from the model
 * id) and a price per non-token unit (an image, a second of audio, 1M characters of speech);
 * each call-log row the units it was billed for.
 * Frozen: no app imports.
 */

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("providers")
    .addColumn("kinds", "text", (c) => c.notNull().defaultTo(""))
    .execute();
  await db.schema
    .alterTable("providers")
    .addColumn("price_unit", "text", (c) => c.notNull().defaultTo("none"))
    .execute();
  await db.schema
    .alterTable("providers")
    .addColumn("price_per_unit", "double precision", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable("call_logs")
    .addColumn("billed_units", "double precision", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable("call_logs")
    .addColumn("billed_unit", "text", (c) => c.notNull().defaultTo("none"))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("call_logs").dropColumn("billed_unit").execute();
  await db.schema.alterTable("call_logs").dropColumn("billed_units").execute();
  await db.schema.alterTable("providers").dropColumn("price_per_unit").execute();
  await db.schema.alterTable("providers").dropColumn("price_unit").execute();
  await db.schema.alterTable("providers").dropColumn("kinds").execute();
}
