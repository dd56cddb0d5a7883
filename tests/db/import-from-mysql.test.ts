import Database from "better-sqlite3";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { createSecretCipher } from "../../db/crypto";
import { isConfigTransferError, type ConfigTransferErrorCode } from "../../lib/config-transfer";
import { readImportSource } from "../../lib/config-transfer/sources";
import { ONEAPI_DDL, ONEAPI_MYSQL_DDL, oneApiRows } from "../support/oneapi-fixture";
import { assertNothingWritten, assertOneApiImport } from "../support/oneapi-import-checks";
import { createMysqlDatabase, dropMysqlDatabase, TEST_MYSQL_SERVER } from "../support/oneapi-mysql";
import { describeEachDatabase } from "../support/test-database";

/*
 * one-api on MySQL / MariaDB: the server at TEST_MYSQL_URL (default the local MariaDB, root
 * without a password) gets a database of its own, dropped and made again by each test.
 */
const DATABASE = "oneapi_import_test";
const URL_OF_DATABASE = `${TEST_MYSQL_SERVER}/${DATABASE}`;
const cipher = createSecretCipher(Buffer.alloc(32, 7));
const UPSTREAM = "https://upstream.example.com";
let dir = "";

function oneApiSqlite(): string {
  const path = join(dir, `oneapi-${Math.random().toString(36).slice(2)}.db`);
  const db = new Database(path);
  for (const statement of [...ONEAPI_DDL, ...oneApiRows(UPSTREAM)]) db.exec(statement);
  db.close();
  return path;
}

function rejectsWith(code: ConfigTransferErrorCode, message: RegExp) {
  return (error: unknown) => isConfigTransferError(error, code) && message.test(error.message);
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), "import-from-mysql-"));
});
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await dropMysqlDatabase(DATABASE);
});

describeEachDatabase("import-from oneapi (MySQL / MariaDB)", (context) => {
  it("plans and applies channels, models, priorities and tokens read from a mysql:// URL", async () => {
    await createMysqlDatabase(DATABASE, [...ONEAPI_MYSQL_DDL, ...oneApiRows(UPSTREAM)]);
    const source = await readImportSource("oneapi", URL_OF_DATABASE);
    assert.deepEqual(source, await readImportSource("oneapi", oneApiSqlite()));
    await assertOneApiImport(context.db, cipher, source, UPSTREAM);
  });

  it("refuses a MySQL database without one-api's tables, naming them, writing nothing", async () => {
    await createMysqlDatabase(DATABASE, ["CREATE TABLE something (id integer)"]);
    await assert.rejects(
      readImportSource("oneapi", URL_OF_DATABASE),
      rejectsWith(
        "source_wrong_schema",
        /^This is not a one-api \/ new-api database: missing tables channels, tokens$/,
      ),
    );
    await assertNothingWritten(context.db);
  });

  it("refuses channels whose columns are not one-api's, writing nothing", async () => {
    await createMysqlDatabase(DATABASE, ["CREATE TABLE channels (id integer)", "CREATE TABLE tokens (id integer)"]);
    await assert.rejects(
      readImportSource("oneapi", URL_OF_DATABASE),
      rejectsWith("source_wrong_schema", /^The database's tables are not the expected ones/),
    );
    await assertNothingWritten(context.db);
  });

  it("says so in one line when the server does not answer", async () => {
    await assert.rejects(
      readImportSource("oneapi", "mysql://root:secret-password@127.0.0.1:1/oneapi"),
      (error) =>
        rejectsWith("source_unreachable", /^Cannot read the MySQL database 127\.0\.0\.1:1\/oneapi: /)(error) &&
        error instanceof Error &&
        !error.message.includes("secret-password"),
    );
    await assertNothingWritten(context.db);
  });

  it("refuses a URL without a database, and schemes it cannot read", async () => {
    await assert.rejects(
      readImportSource("oneapi", "mysql://root@127.0.0.1:3306"),
      rejectsWith("source_bad_url", /names no database/),
    );
    await assert.rejects(readImportSource("oneapi", "mssql://sa@host/db"), rejectsWith("source_bad_url", /: mssql$/));
    await assertNothingWritten(context.db);
  });
});
