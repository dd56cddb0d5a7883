import { Migrator, sql, type MigrationResult } from "kysely";
import type { Kysely } from "kysely";
import { getDialect } from "./dialect";
import { migrations } from "./migrations";
import type { Database } from "./schema";

export async function createMigrator(db: Kysely<Database>): Promise<Migrator> {
  // Kysely looks its bookkeeping table up across every schema it can see, so in a Postgres
  // database holding several schemas (one per test run, per tenant) it would find another
  // schema's table and skip creating its own. Pinning it to the current schema avoids that.
  const migrationTableSchema = getDialect(db) === "postgres" ? await currentSchema(db) : undefined;
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableSchema,
  });
}

async function currentSchema(db: Kysely<Database>): Promise<string> {
  const result = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const schema = result.rows[0]?.schema;
  if (!schema) throw new Error("PostgreSQL has no current schema: check the search_path of DATABASE_URL");
  return schema;
}

/** SQLite answers a writer that lost the race with another process "busy" at once. */
const SQLITE_BUSY_RETRIES = 50;
const SQLITE_BUSY_PAUSE_MS = 100;

/**
 * A lost race: busy while the other process writes, or, when this process read the pending
 * list just before the other committed, its own DDL finding the table already there.
 */
function isSqliteLostRace(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && code.startsWith("SQLITE_BUSY")) return true;
  return error instanceof Error && /already exists/.test(error.message);
}

/**
 * Applies every pending migration. Safe to run from several instances at once: Kysely holds
 * an advisory lock on Postgres. On SQLite two processes (instances or workers sharing one
 * file) may both see the same pending migrations; the loser's transaction fails (busy, or
 * "already exists") and simply tries again, then finds nothing left to do. A migration that
 * really fails keeps failing and is reported after the retries.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    const migrator = await createMigrator(db);
    const { error, results } = await migrator.migrateToLatest();
    if (error === undefined) return;
    if (getDialect(db) === "sqlite" && isSqliteLostRace(error) && attempt < SQLITE_BUSY_RETRIES) {
      await new Promise((resolve) => setTimeout(resolve, SQLITE_BUSY_PAUSE_MS));
      continue;
    }
    throwMigrationError(error, results);
  }
}

function throwMigrationError(error: unknown, results: MigrationResult[] | undefined): never {
  const failed = results?.find((result) => result.status === "Error")?.migrationName;
  const reason = error instanceof Error ? error.message : String(error);
  const where = failed ? `Migration "${failed}" failed` : "Migrating the database failed";
  throw new Error(`${where}: ${reason}`, { cause: error });
}

export async function hasPendingMigrations(db: Kysely<Database>): Promise<boolean> {
  const migrator = await createMigrator(db);
  const all = await migrator.getMigrations();
  return all.some((migration) => migration.executedAt === undefined);
}
