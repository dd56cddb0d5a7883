import Database from "better-sqlite3";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import pg from "pg";
import { hashApiKey } from "../../db/crypto";
import { createSecretCipher } from "../../db/crypto";
import { getCredentialApiKey, listCredentials } from "../../db/queries/credentials";
import type { Executor } from "../../db/schema";
import { exportConfig, isConfigTransferError } from "../../lib/config-transfer";
import { readImportSource, type ImportedSource } from "../../lib/config-transfer/sources";
import { NICEAPI_CLIENT_KEY, NICEAPI_DDL, niceApiRows } from "../support/niceapi-fixture";
import { ONEAPI_DDL, ONEAPI_TOKEN_KEYS, oneApiRows } from "../support/oneapi-fixture";
import {
  applyImported as applyImportedWith,
  assertNothingWritten,
  assertOneApiImport,
  storedKeyHashes,
} from "../support/oneapi-import-checks";
import { describeEachDatabase } from "../support/test-database";

const cipher = createSecretCipher(Buffer.alloc(32, 7));
const UPSTREAM = "https://upstream.example.com";
let dir = "";

function oneApiSqlite(statements: readonly string[]): string {
  const path = join(dir, `oneapi-${Math.random().toString(36).slice(2)}.db`);
  const db = new Database(path);
  for (const statement of statements) db.exec(statement);
  db.close();
  return path;
}

const applyImported = (db: Executor, source: ImportedSource, dryRun: boolean) =>
  applyImportedWith(db, cipher, source, dryRun);

before(() => {
  dir = mkdtempSync(join(tmpdir(), "import-from-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describeEachDatabase("import-from oneapi", (context) => {
  it("plans channels, models, priorities and tokens from a one-api SQLite file, then applies them", async () => {
    const source = await readImportSource("oneapi", oneApiSqlite([...ONEAPI_DDL, ...oneApiRows(UPSTREAM)]));
    assert.deepEqual(source.warnings, [
      'Skipped channel 4 "wenxin": channel type 15 has no OpenAI- or Anthropic-compatible equivalent',
    ]);

    await assertOneApiImport(context.db, cipher, source, UPSTREAM);
  });

  it("refuses a file that is not a database, with one message, writing nothing", async () => {
    const path = join(dir, "notes.db");
    writeFileSync(path, "this is not a database, just text\n".repeat(200));
    await assert.rejects(
      readImportSource("oneapi", path),
      (error) => isConfigTransferError(error) && /is not a SQLite database/.test(error.message),
    );
    await assertNothingWritten(context.db);
  });

  it("refuses a database without one-api's tables, naming them", async () => {
    const path = oneApiSqlite(["CREATE TABLE something (id integer)"]);
    await assert.rejects(
      readImportSource("oneapi", path),
      (error) =>
        isConfigTransferError(error) &&
        error.message === "This is not a one-api / new-api database: missing tables channels, tokens",
    );
    await assertNothingWritten(context.db);
  });

  it("reads the same one-api tables from a PostgreSQL URL", async () => {
    const base = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
    const schema = `oneapi_${Math.random().toString(36).slice(2, 10)}`;
    const client = new pg.Client({ connectionString: base });
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA ${schema}`);
      await client.query(`SET search_path TO ${schema}`);
      for (const statement of [...ONEAPI_DDL, ...oneApiRows(UPSTREAM)]) await client.query(statement);
      const source = await readImportSource("oneapi", `${base}?schema=${schema}`);
      const fromSqlite = await readImportSource("oneapi", oneApiSqlite([...ONEAPI_DDL, ...oneApiRows(UPSTREAM)]));
      assert.deepEqual(source, fromSqlite);
      await applyImported(context.db, source, false);
      assert.equal((await storedKeyHashes(context.db)).get("team")?.hash, hashApiKey(`sk-${ONEAPI_TOKEN_KEYS.team}`));
    } finally {
      await client.query(`DROP SCHEMA ${schema} CASCADE`);
      await client.end();
    }
  });
});

const LITELLM_CONFIG = `
model_list:
  - model_name: gpt-4o
    litellm_params:
      model: openai/gpt-4o
      api_base: https://api.openai.example/v1
      api_key: os.environ/IMPORT_TEST_OPENAI_KEY
      rpm: 60
      tpm: 90000
  - model_name: gpt-4o
    litellm_params:
      model: openai/gpt-4o-2024-08-06
      api_base: https://api.openai.example/v1
      api_key: os.environ/IMPORT_TEST_OPENAI_KEY
      weight: 2
  - model_name: claude
    litellm_params:
      model: anthropic/claude-3-5-sonnet-20241022
      api_key: sk-ant-literal
  - model_name: bedrock-claude
    litellm_params:
      model: bedrock/anthropic.claude-3
router_settings:
  routing_strategy: simple-shuffle
  num_retries: 2
  timeout: 120
  allowed_fails: 4
  cooldown_time: 30
  fallbacks:
    - gpt-4o: [claude]
litellm_settings:
  drop_params: true
`;

function writeYaml(text: string): string {
  const path = join(dir, `litellm-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(path, text);
  return path;
}

describeEachDatabase("import-from litellm", (context) => {
  it("maps model_list deployments, os.environ keys, rpm/tpm, fallbacks and router settings", async () => {
    process.env.IMPORT_TEST_OPENAI_KEY = "sk-from-env";
    try {
      const source = await readImportSource("litellm", writeYaml(LITELLM_CONFIG));
      assert.deepEqual(source.warnings, [
        'Skipped bedrock-claude (bedrock/anthropic.claude-3): LiteLLM provider "bedrock" has no equivalent',
      ]);
      const dry = await applyImported(context.db, source, true);
      assert.equal(dry.plan.changes.filter((change) => change.action === "create").length, 7);
      await assertNothingWritten(context.db);

      await applyImported(context.db, source, false);
      const document = await exportConfig(context.db, null);
      assert.deepEqual(
        document.endpoints.map((e) => [e.name, e.baseUrl, e.protocol]),
        [
          ["api.anthropic.com", "https://api.anthropic.com", "anthropic"],
          ["api.openai.example", "https://api.openai.example/v1", "openai"],
        ],
      );
      const providers = new Map(document.providers.map((p) => [p.name, p]));
      assert.equal(providers.get("gpt-4o")?.upstreamModel, "gpt-4o");
      assert.deepEqual(providers.get("gpt-4o")?.limits, { rpm: 60, tpm: 90000 });
      assert.equal(providers.get("gpt-4o (2)")?.upstreamModel, "gpt-4o-2024-08-06");
      assert.equal(providers.get("claude")?.upstreamModel, "claude-3-5-sonnet-20241022");
      assert.deepEqual(document.groups.find((g) => g.name === "gpt-4o")?.members, [
        { provider: "gpt-4o (2)", priority: 1, weight: 2 },
        { provider: "gpt-4o", priority: 1, weight: 1 },
        { provider: "claude", priority: 2, weight: 1 },
      ]);
      assert.deepEqual(
        [document.settings.maxAttempts, document.settings.totalTimeoutMs, document.settings.failoverThreshold],
        [3, 120_000, 4],
      );
      assert.equal(document.settings.cooldownSeconds, 30);
      const openai = (await listCredentials(context.db)).find((c) => c.name === "api.openai.example");
      assert.equal(await getCredentialApiKey(context.db, cipher, openai?.id ?? -1), "sk-from-env");
    } finally {
      delete process.env.IMPORT_TEST_OPENAI_KEY;
    }
  });

  it("refuses a config with unknown top-level keys, naming them, writing nothing", async () => {
    const path = writeYaml(`${LITELLM_CONFIG}\nmodel_lists: []\ncredential_list: []\n`);
    await assert.rejects(
      readImportSource("litellm", path),
      (error) =>
        isConfigTransferError(error) &&
        error.message.startsWith("The LiteLLM config has unknown top-level keys model_lists, credential_list"),
    );
    await assertNothingWritten(context.db);
  });

  it("names the environment variables an os.environ/ key needs when they are unset", async () => {
    await assert.rejects(
      readImportSource("litellm", writeYaml(LITELLM_CONFIG)),
      (error) =>
        isConfigTransferError(error) &&
        error.message === "The LiteLLM config refers to unset environment variables: IMPORT_TEST_OPENAI_KEY",
    );
    await assertNothingWritten(context.db);
  });
});

describeEachDatabase("import-from niceapi", (context) => {
  it("maps providers, groups with priorities, clear-text keys, keywords and settings", async () => {
    const source = await readImportSource("niceapi", oneApiSqlite([...NICEAPI_DDL, ...niceApiRows(`${UPSTREAM}/v1`)]));
    assert.deepEqual(source.warnings, [
      "Provider main (2): a price per call has no equivalent; set to 0",
      "Setting theme has no equivalent; left out",
    ]);
    const dry = await applyImported(context.db, source, true);
    assert.deepEqual(
      dry.plan.changes.filter((change) => change.kind !== "setting").map((c) => `${c.action} ${c.kind} ${c.name}`),
      [
        "create endpoint upstream.example.com",
        "create endpoint other.example.com",
        "create provider main",
        "create provider spare",
        "create provider main (2)",
        "create group chat",
        "create group other",
        "create keyword insufficient balance",
        "create keyword Service Unavailable",
        "create apiKey niceapi key 1",
        "create apiKey niceapi key 2",
      ],
    );
    await assertNothingWritten(context.db);

    await applyImported(context.db, source, false);
    const document = await exportConfig(context.db, null);
    const providers = new Map(document.providers.map((p) => [p.name, p]));
    assert.equal(providers.get("spare")?.endpoint, "upstream.example.com");
    assert.deepEqual([providers.get("main")?.priceInput, providers.get("main")?.priceOutput], [2.5, 2.5]);
    assert.equal(providers.get("main (2)")?.enabled, false);
    assert.deepEqual(document.groups.find((g) => g.name === "chat")?.members, [
      { provider: "main", priority: 1, weight: 1 },
      { provider: "spare", priority: 2, weight: 1 },
    ]);
    assert.deepEqual(
      [...document.keywords].sort((a, b) => a.keyword.localeCompare(b.keyword)),
      [
        { keyword: "insufficient balance", enabled: true },
        { keyword: "Service Unavailable", enabled: false },
      ],
    );
    assert.deepEqual([document.settings.failoverThreshold, document.settings.failoverWindowSeconds], [4, 600]);
    const keys = new Map(document.apiKeys.map((k) => [k.name, k]));
    assert.deepEqual(keys.get("niceapi key 1")?.groups, ["chat"]);
    assert.equal(keys.get("niceapi key 2")?.enabled, false);
    assert.equal((await storedKeyHashes(context.db)).get("niceapi key 1")?.hash, hashApiKey(NICEAPI_CLIENT_KEY));
  });

  it("refuses a one-api database given as NiceAPI, naming the missing tables", async () => {
    const path = oneApiSqlite(ONEAPI_DDL);
    await assert.rejects(
      readImportSource("niceapi", path),
      (error) =>
        isConfigTransferError(error) &&
        /^This is not a NiceAPI database: missing tables api_providers/.test(error.message),
    );
    await assertNothingWritten(context.db);
  });
});
