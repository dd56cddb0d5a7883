import type { Kysely } from "kysely";

/*
 * Endpoints get a wire protocol (`openai` or `anthropic`), providers a price for prompt-cache
 * writes, and each call-log row the API the client called and its cache-write tokens.
 * Frozen: no app imports.
 */

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("endpoint_credentials")
    .addColumn("protocol", "text", (c) => c.notNull().defaultTo("openai"))
    .execute();
  await db.schema
    .alterTable("providers")
    .addColumn("price_cache_write", "double precision", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable("call_logs")
    .addColumn("cache_write_tokens", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable("call_logs")
    .addColumn("api", "text", (c) => c.notNull().defaultTo("chat.completions"))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("call_logs").dropColumn("api").execute();
  await db.schema.alterTable("call_logs").dropColumn("cache_write_tokens").execute();
  await db.schema.alterTable("providers").dropColumn("price_cache_write").execute();
  await db.schema.alterTable("endpoint_credentials").dropColumn("protocol").execute();
}
