import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe } from "node:test";
import type { Kysely } from "kysely";
import pg from "pg";
import { createDb } from "../../db/client";
import { migrateToLatest } from "../../db/migrate";
import type { Database } from "../../db/schema";

/*
 * Throwaway databases for tests. SQLite always (a real file in a temp folder, so WAL and
 * the file handling are exercised); PostgreSQL too when TEST_DATABASE_URL is set, each in a
 * schema of its own (`t_<random>`, selected through the URL's search_path), so parallel test
 * files and runs never see each other's rows. The `url` works as DATABASE_URL for a server.
 */

export type TestDialect = "sqlite" | "postgres";

export interface TestDatabase {
  label: TestDialect;
  /** A DATABASE_URL for this database. */
  url: string;
  /** Removes the file or drops the schema. Close every connection to it first. */
  cleanup(): Promise<void>;
}

export interface TestDatabaseTarget {
  label: TestDialect;
  create(): Promise<TestDatabase>;
}

export async function createSqliteTestDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), "aps-db-"));
  return {
    label: "sqlite",
    url: join(dir, "test.db"),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

export async function createPostgresTestDatabase(baseUrl: string): Promise<TestDatabase> {
  const schema = `t_${randomBytes(6).toString("hex")}`;
  await runAdmin(baseUrl, `create schema ${schema}`);
  const url = new URL(baseUrl);
  url.searchParams.set("options", `-c search_path=${schema}`);
  return {
    label: "postgres",
    url: url.toString(),
    cleanup: () => runAdmin(baseUrl, `drop schema if exists ${schema} cascade`),
  };
}

async function runAdmin(baseUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** SQLite always; Postgres as well when TEST_DATABASE_URL is set. */
export function testDatabaseTargets(): TestDatabaseTarget[] {
  const targets: TestDatabaseTarget[] = [{ label: "sqlite", create: createSqliteTestDatabase }];
  const postgresUrl = process.env.TEST_DATABASE_URL;
  if (postgresUrl) targets.push({ label: "postgres", create: () => createPostgresTestDatabase(postgresUrl) });
  return targets;
}

export interface OpenTestDb {
  label: TestDialect;
  url: string;
  db: Kysely<Database>;
  /** Closes `db`, then removes the database. */
  cleanup(): Promise<void>;
}

/** A fresh database with every migration applied. */
export async function openTestDb(target: TestDatabaseTarget): Promise<OpenTestDb> {
  const database = await target.create();
  const db = createDb(database.url);
  try {
    await migrateToLatest(db);
  } catch (error) {
    await db.destroy();
    await database.cleanup();
    throw error;
  }
  return {
    label: database.label,
    url: database.url,
    db,
    cleanup: async () => {
      await db.destroy();
      await database.cleanup();
    },
  };
}

/** Children before parents, so deletes never trip a foreign key. */
const APP_TABLES: readonly (keyof Database)[] = [
  "group_members",
  "api_key_groups",
  "providers",
  "endpoint_credentials",
  "model_groups",
  "api_keys",
  "failure_keywords",
  "settings",
  "config_state",
  "call_logs",
  "call_log_bodies",
  "usage_hourly",
  "usage_hours",
  "usage_daily",
  "admin_users",
  "job_locks",
  "audit_log",
];

/**
 * Empties every table and puts back the row the migration seeds: much cheaper than a fresh
 * migrated database per test (a third of a second on Postgres).
 */
export async function resetTestDb(db: Kysely<Database>): Promise<void> {
  // DELETE rather than TRUNCATE: on a handful of rows it is several times faster in Postgres.
  // Ids keep counting up; no test may depend on their values.
  await db.transaction().execute(async (trx) => {
    for (const table of APP_TABLES) await trx.deleteFrom(table).execute();
    await trx.insertInto("config_state").values({ id: 1, version: 0 }).execute();
  });
}

export interface TestDbContext {
  readonly label: TestDialect;
  /** The current test's migrated, emptied database. */
  readonly db: Kysely<Database>;
  /** Its DATABASE_URL, to open a second connection (a "restart"). */
  readonly url: string;
}

/**
 * `describe(title [dialect])` once per target, with one migrated database for the block
 * that is emptied before every test, so each test starts from a just-migrated state.
 */
export function describeEachDatabase(title: string, body: (context: TestDbContext) => void): void {
  for (const target of testDatabaseTargets()) {
    describe(`${title} [${target.label}]`, () => {
      let current: OpenTestDb | undefined;
      const open = (): OpenTestDb => {
        if (!current) throw new Error("the test database is only available inside a test");
        return current;
      };
      const context: TestDbContext = {
        label: target.label,
        get db() {
          return open().db;
        },
        get url() {
          return open().url;
        },
      };
      before(async () => {
        current = await openTestDb(target);
      });
      beforeEach(async () => {
        await resetTestDb(open().db);
      });
      after(async () => {
        await current?.cleanup();
        current = undefined;
      });
      body(context);
    });
  }
}
