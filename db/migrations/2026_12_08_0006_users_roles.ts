import { PostgresAdapter } from "kysely";
import type { Kysely } from "kysely";

/*
 * Several dashboard users with roles. admin_users gains a role (owner | admin | viewer; the
 * admin that existed before becomes the owner), where the account comes from (local, oidc,
 * github) with the provider's subject, a display name and email, a disabled flag and the last
 * sign-in. Times are epoch milliseconds.
 * Frozen: no app imports.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const time = isPostgres ? "bigint" : "integer";
  const users = () => db.schema.alterTable("admin_users");
  await users()
    .addColumn("role", "text", (c) => c.notNull().defaultTo("owner"))
    .execute();
  await users()
    .addColumn("provider", "text", (c) => c.notNull().defaultTo("local"))
    .execute();
  await users().addColumn("subject", "text").execute();
  await users().addColumn("email", "text").execute();
  await users().addColumn("display_name", "text").execute();
  await users()
    .addColumn("is_disabled", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await users().addColumn("last_login_at", time).execute();
  await db.schema
    .createIndex("admin_users_provider_subject_idx")
    .on("admin_users")
    .columns(["provider", "subject"])
    .unique()
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("admin_users_provider_subject_idx").execute();
  for (const column of ["last_login_at", "is_disabled", "display_name", "email", "subject", "provider", "role"])
    await db.schema.alterTable("admin_users").dropColumn(column).execute();
}
