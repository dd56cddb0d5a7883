import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Kysely } from "kysely";
import { createDb } from "../../db/client";
import { migrateToLatest } from "../../db/migrate";
import { searchAuditLog, type AuditEntry } from "../../db/queries/audit-log";
import { createGroup } from "../../db/queries/groups";
import type { Database } from "../../db/schema";
import { runCli } from "../support/cli-runner";
import { TEST_ENCRYPTION_KEY } from "../support/server";
import type { TestDatabase } from "../support/test-database";
import { createServerDatabase } from "../support/test-store";

/*
 * The CLI's writing commands leave audit entries under their own source and the shell user;
 * reading commands and dry runs leave none.
 */
describe("audit entries from the CLI", () => {
  let dir: string;
  let database: TestDatabase;
  let db: Kysely<Database>;
  let env: Record<string, string>;
  const user = userInfo().username;

  const entries = async (): Promise<AuditEntry[]> => (await searchAuditLog(db, { limit: 100 })).rows.reverse();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "aps-audit-cli-"));
    database = await createServerDatabase(dir, "audit");
    env = { DATABASE_URL: database.url, SECRETS_FILE: join(dir, "secrets.json"), ENCRYPTION_KEY: TEST_ENCRYPTION_KEY };
    db = createDb(database.url);
    await migrateToLatest(db);
    await createGroup(db, { name: "chat" });
  });

  after(async () => {
    await db?.destroy();
    await database?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it("keys create and keys revoke write key entries with source cli and the OS user, never the key", async () => {
    const created = await runCli(["keys", "create", "--name", "deploy-bot", "--groups", "chat"], env);
    assert.equal(created.code, 0, created.stderr);
    const key = created.stdout.trim();
    assert.equal((await runCli(["keys", "list"], env)).code, 0);
    const revoked = await runCli(["keys", "revoke", "deploy-bot"], env);
    assert.equal(revoked.code, 0, revoked.stderr);

    const rows = await entries();
    assert.deepEqual(
      rows.map((entry) => [entry.action, entry.targetName, entry.source, entry.actor]),
      [
        ["key.create", "deploy-bot", "cli", `cli:${user}`],
        ["key.delete", "deploy-bot", "cli", `cli:${user}`],
      ],
    );
    assert.deepEqual(rows[0]?.changes.groups?.after, ["chat"]);
    assert.equal(rows[0]?.ip, null);
    assert.ok(!JSON.stringify(rows).includes(key), "the key itself is not in the log");
  });

  it("config import writes one entry per object with source config-import; a dry run writes none", async () => {
    const before = (await entries()).length;
    const file = join(dir, "config.json");
    writeFileSync(
      file,
      JSON.stringify({ version: 1, keywords: [{ keyword: "rate limited" }], settings: { maxAttempts: 5 } }),
    );
    const dry = await runCli(["config", "import", file, "--dry-run"], env);
    assert.equal(dry.code, 0, dry.stderr);
    assert.equal((await entries()).length, before);

    const applied = await runCli(["config", "import", file], env);
    assert.equal(applied.code, 0, applied.stderr);
    const rows = (await entries()).slice(before);
    assert.deepEqual(rows.map((entry) => [entry.action, entry.source, entry.actor]).sort(), [
      ["keyword.create", "config-import", `config-import:${user}`],
      ["settings.update", "config-import", `config-import:${user}`],
    ]);
  });
});
