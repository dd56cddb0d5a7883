import Database from "better-sqlite3";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Kysely } from "kysely";
import { createDb } from "../../db/client";
import { migrateToLatest } from "../../db/migrate";
import type { Database as Schema } from "../../db/schema";
import { NICEAPI_CLIENT_KEY, NICEAPI_DDL, niceApiRows } from "../support/niceapi-fixture";
import { ONEAPI_DDL, ONEAPI_TOKEN_KEYS, oneApiRows } from "../support/oneapi-fixture";
import { startMockProvider, type MockProvider } from "../support/mock-provider";
import { TEST_ENCRYPTION_KEY, startTestServer, type TestServer } from "../support/server";
import type { TestDatabase } from "../support/test-database";
import { createServerDatabase } from "../support/test-store";
import { runCli } from "../support/cli-runner";

const cli = runCli;

function sqliteFile(dir: string, name: string, statements: readonly string[]): string {
  const path = join(dir, name);
  const db = new Database(path);
  for (const statement of statements) db.exec(statement);
  db.close();
  return path;
}

async function chat(server: TestServer, key: string, model: string): Promise<Response> {
  return fetch(`${server.baseUrl}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
  });
}

describe("import-from through the CLI, then requests through the built server", () => {
  let dir = "";
  let mock: MockProvider;
  let database: TestDatabase;
  let db: Kysely<Schema>;
  let env: Record<string, string>;
  let server: TestServer | undefined;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "aps-import-from-"));
    mock = await startMockProvider();
    database = await createServerDatabase(dir, "main");
    env = { DATABASE_URL: database.url, SECRETS_FILE: join(dir, "secrets.json"), ENCRYPTION_KEY: TEST_ENCRYPTION_KEY };
    db = createDb(database.url);
    await migrateToLatest(db);
  });

  after(async () => {
    await server?.stop();
    await db.destroy();
    await mock.close();
    await database.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a file that is not a database with one line, changing nothing", async () => {
    const path = join(dir, "not-a-db.sqlite");
    writeFileSync(path, "hello\n".repeat(500));
    const run = await cli(["import-from", "oneapi", path], env);
    assert.equal(run.code, 1, run.stderr);
    assert.equal(run.stderr.trim(), `error: ${path} is not a SQLite database`);
    assert.equal((await db.selectFrom("endpoint_credentials").selectAll().execute()).length, 0);
  });

  it("prints the plan on --dry-run, then applies one-api and NiceAPI databases", async () => {
    const oneApi = sqliteFile(dir, "one-api.db", [...ONEAPI_DDL, ...oneApiRows(mock.url.replace(/\/v1$/, ""))]);
    const dry = await cli(["import-from", "oneapi", oneApi, "--dry-run"], env);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^Dry run: would create 13, update 0, remove 0$/m);
    assert.match(dry.stdout, /^ {2}\+ apiKey team$/m);
    assert.match(dry.stdout, /Nothing was changed \(dry run\)\./);
    assert.match(dry.stderr, /Note: Skipped channel 4 "wenxin"/);
    assert.doesNotMatch(dry.stdout + dry.stderr, /sk-upstream|teamKey/);
    assert.equal((await db.selectFrom("api_keys").selectAll().execute()).length, 0);

    const applied = await cli(["import-from", "oneapi", oneApi], env);
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stdout, /^Import: create 13, update 0, remove 0$/m);

    const niceApi = sqliteFile(dir, "niceapi.db", [...NICEAPI_DDL, ...niceApiRows(mock.url)]);
    const nice = await cli(["import-from", "niceapi", niceApi], env);
    assert.equal(nice.code, 0, nice.stderr);
    assert.match(nice.stdout, /^ {2}\+ group chat$/m);
  });

  it("serves an imported one-api token and an imported NiceAPI key through their groups", async () => {
    server = await startTestServer({ databaseUrl: database.url, dataDir: dir });
    const oneApiAnswer = await chat(server, `sk-${ONEAPI_TOKEN_KEYS.team}`, "gpt-4o");
    assert.equal(oneApiAnswer.status, 200, await oneApiAnswer.clone().text());
    const first = mock.calls.at(-1);
    assert.equal(first?.model, "gpt-4o-2024-08-06");
    assert.equal(first?.headers.authorization, "Bearer sk-upstream-primary");

    const niceAnswer = await chat(server, NICEAPI_CLIENT_KEY, "chat");
    assert.equal(niceAnswer.status, 200, await niceAnswer.clone().text());
    const second = mock.calls.at(-1);
    assert.equal(second?.model, "model-a");
    assert.equal(second?.headers.authorization, "Bearer sk-upstream-main");

    const expired = await chat(server, `sk-${ONEAPI_TOKEN_KEYS.expired}`, "gpt-4o");
    assert.equal(expired.status, 401);
    const forbidden = await chat(server, NICEAPI_CLIENT_KEY, "gpt-4o");
    assert.ok([403, 404].includes(forbidden.status), `status ${forbidden.status}`);
  });

  it("refuses a LiteLLM config with unknown keys with one line, changing nothing", async () => {
    const path = join(dir, "config.yaml");
    writeFileSync(path, "model_list:\n  - model_name: x\n    litellm_params: { model: openai/x }\nmodel_lsit: []\n");
    const before = (await db.selectFrom("providers").selectAll().execute()).length;
    const run = await cli(["import-from", "litellm", path], env);
    assert.equal(run.code, 1);
    assert.match(run.stderr.trim(), /^error: The LiteLLM config has unknown top-level key model_lsit \(known: /);
    assert.equal((await db.selectFrom("providers").selectAll().execute()).length, before);
  });
});
