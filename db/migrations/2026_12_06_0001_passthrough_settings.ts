import type { Kysely } from "kysely";

/*
 * Per endpoint, how a request passes through: which client headers are forwarded (a JSON
 * array of names and `prefix*` patterns; null means the documented default list) and whether
 * the gateway asks streaming upstreams for their usage chunk when the client did not choose
 * (on by default: OpenAI-compatible servers accept `stream_options`). Frozen: no app imports.
 */

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("endpoint_credentials").addColumn("forward_headers", "text").execute();
  await db.schema
    .alterTable("endpoint_credentials")
    .addColumn("stream_usage", "integer", (c) => c.notNull().defaultTo(1))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("endpoint_credentials").dropColumn("stream_usage").execute();
  await db.schema.alterTable("endpoint_credentials").dropColumn("forward_headers").execute();
}
