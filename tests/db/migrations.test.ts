import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { it } from "node:test";
import { sql } from "kysely";
import { createDb, getDialect } from "../../db/client";
import { hasPendingMigrations, migrateToLatest } from "../../db/migrate";
import { getConfigVersion } from "../../db/queries/config-state";
import { describeEachDatabase, testDatabaseTargets } from "../support/test-database";

const EXPECTED_TABLES = [
  "admin_users",
  "alert_state",
  "alert_targets",
  "api_key_groups",
  "api_keys",
  "audit_log",
  "call_log_bodies",
  "call_logs",
  "config_state",
  "endpoint_credentials",
  "failure_keywords",
  "group_members",
  "job_locks",
  "limit_counters",
  "limit_leases",
  "model_groups",
  "model_list_snapshots",
  "providers",
  "settings",
  "usage_daily",
  "usage_hourly",
  "usage_hours",
];

for (const target of testDatabaseTargets()) {
  it(`migrates an empty ${target.label} database to the latest schema`, async () => {
    const database = await target.create();
    const db = createDb(database.url);
    try {
      assert.equal(getDialect(db), target.label);
      assert.equal(await hasPendingMigrations(db), true);
      await migrateToLatest(db);
      assert.equal(await hasPendingMigrations(db), false);
      // Postgres introspection lists every schema of the database, other tests' included.
      const schema =
        target.label === "postgres"
          ? (await sql<{ name: string }>`select current_schema() as name`.execute(db)).rows[0]?.name
          : undefined;
      const tables = (await db.introspection.getTables())
        .filter((table) => table.schema === schema)
        .map((table) => table.name)
        .sort();
      assert.deepEqual(tables, EXPECTED_TABLES);
      assert.equal(await getConfigVersion(db), 0);
      if (target.label === "sqlite") {
        assert.ok(existsSync(database.url), "the SQLite file exists");
        const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db);
        assert.equal(mode.rows[0]?.journal_mode, "wal");
        const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db);
        assert.equal(fk.rows[0]?.foreign_keys, 1);
      }
    } finally {
      await db.destroy();
      await database.cleanup();
    }
  });
}

it("creates the SQLite file's parent folder when it is missing", async () => {
  const [sqlite] = testDatabaseTargets();
  assert.ok(sqlite);
  const database = await sqlite.create();
  const nested = database.url.replace(/test\.db$/, "a/b/gw.db");
  const db = createDb(nested);
  try {
    await migrateToLatest(db);
    assert.ok(existsSync(nested));
  } finally {
    await db.destroy();
    await database.cleanup();
  }
});

describeEachDatabase("migrateToLatest", (context) => {
  it("is a no-op when run again, as on every restart", async () => {
    await migrateToLatest(context.db);
    const second = createDb(context.url);
    try {
      await migrateToLatest(second);
      assert.equal(await hasPendingMigrations(second), false);
    } finally {
      await second.destroy();
    }
  });

  it("returns epoch-ms bigint columns and counts as numbers", async () => {
    const now = Date.now();
    await context.db.insertInto("job_locks").values({ name: "probe", holder: "me", expires_at: now }).execute();
    const row = await context.db
      .selectFrom("job_locks")
      .select((eb) => ["expires_at", eb.fn.countAll<number>().as("n")])
      .groupBy("expires_at")
      .executeTakeFirstOrThrow();
    assert.equal(row.expires_at, now);
    assert.equal(row.n, 1);
  });
});
