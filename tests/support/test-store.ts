import { join } from "node:path";
import { createPostgresTestDatabase, type TestDatabase } from "./test-database";

/*
 * The store that server-based tests (api, cli, browser, cluster) run against. SQLite by
 * default; `TEST_STORE=postgres` (the second pass of scripts/test.mjs, with
 * TEST_DATABASE_URL set) gives every such test a fresh PostgreSQL schema instead.
 */

export function isPostgresPass(): boolean {
  return process.env.TEST_STORE === "postgres";
}

/** For `it(..., { skip: SQLITE_ONLY })`: a test of SQLite file behaviour (file, WAL, locks). */
export const SQLITE_ONLY: string | false = isPostgresPass()
  ? "tests the SQLite file itself; the PostgreSQL pass has no file"
  : false;

/** A fresh database for one server: `dataDir/<name>.db`, or a new schema on the Postgres pass. */
export async function createServerDatabase(dataDir: string, name = "test"): Promise<TestDatabase> {
  if (!isPostgresPass()) return { label: "sqlite", url: join(dataDir, `${name}.db`), cleanup: async () => undefined };
  const baseUrl = process.env.TEST_DATABASE_URL;
  if (!baseUrl)
    throw new Error("TEST_STORE=postgres needs TEST_DATABASE_URL (the PostgreSQL server to create schemas in)");
  return createPostgresTestDatabase(baseUrl);
}
