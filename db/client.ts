import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect, sql } from "kysely";
import pg from "pg";
import { parseDatabaseUrl } from "./database-url";
import type { Database } from "./schema";

import { getDialect } from "./dialect";

export { getDialect } from "./dialect";
export type { DialectName } from "./dialect";

const PG_INT8_OID = 20;
const PG_NUMERIC_OID = 1700;

/**
 * Opens the database DATABASE_URL names (see db/database-url.ts). No `server-only` here:
 * the CLI and the tests open it too. Call `migrateToLatest` before using it.
 */
export interface DbOptions {
  /** An idle PostgreSQL connection failed (the pool replaces it); the server logs it. */
  onPoolError?(message: string): void;
}

const warnPoolError = (message: string): void => {
  console.warn(`PostgreSQL pool: an idle connection failed (${message})`);
};

export function createDb(databaseUrl: string | undefined, options: DbOptions = {}): Kysely<Database> {
  const target = parseDatabaseUrl(databaseUrl);
  if (target.dialect === "postgres")
    return createPostgresDb(target.connectionString, options.onPoolError ?? warnPoolError);
  return createSqliteDb(target.filename);
}

/**
 * Changes how long SQLite writes wait for another process's lock (no-op on PostgreSQL).
 * better-sqlite3 waits synchronously, freezing the whole event loop meanwhile.
 */
export async function setSqliteBusyTimeout(db: Kysely<Database>, ms: number): Promise<void> {
  if (getDialect(db) !== "sqlite") return;
  await sql.raw(`pragma busy_timeout = ${Math.max(0, Math.trunc(ms))}`).execute(db);
}

function createSqliteDb(filename: string): Kysely<Database> {
  if (filename !== ":memory:") mkdirSync(dirname(filename), { recursive: true });
  const database = new SqliteDatabase(filename);
  // WAL lets the dashboard read while the log writer writes; NORMAL is durable across app
  // crashes in WAL mode (only an OS crash can lose the last commits); busy_timeout makes a
  // second process (the CLI) wait for the lock instead of failing at once.
  database.pragma("journal_mode = WAL");
  database.pragma("busy_timeout = 5000");
  database.pragma("synchronous = NORMAL");
  database.pragma("foreign_keys = ON");
  return new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
}

function createPostgresDb(connectionString: string, onPoolError: (message: string) => void): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString,
    max: 10,
    // Per pool, not the global pg.types, so other pg users in the process are unaffected.
    // int8 covers epoch-ms columns, ids and count(*); numeric covers sum()/avg() of bigints.
    // Every such value here stays far below 2^53, where Number is exact.
    types: {
      getTypeParser: (oid, format) =>
        oid === PG_INT8_OID || oid === PG_NUMERIC_OID ? parseNumber : pg.types.getTypeParser(oid, format),
    },
  });
  // An idle connection dropped by the server (a restart, a failover) is reported here; with
  // no listener Node would crash the process. The pool replaces it on the next query.
  pool.on("error", (error) => onPoolError(error.message));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

function parseNumber(value: string): number {
  return Number(value);
}
