import Database from "better-sqlite3";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Kysely } from "kysely";
import type { Browser, Page } from "playwright-core";
import { createDb } from "../../db/client";
import { getConfigVersion } from "../../db/queries/config-state";
import { listGroups } from "../../db/queries/groups";
import { listProviders } from "../../db/queries/providers";
import { migrateToLatest } from "../../db/migrate";
import type { Database as Schema } from "../../db/schema";
import { launchBrowser, screenshotDir, signIn, watchPage } from "../support/browser";
import { NICEAPI_CLIENT_KEY, NICEAPI_DDL, niceApiRows } from "../support/niceapi-fixture";
import { ONEAPI_MYSQL_DDL, ONEAPI_TOKEN_KEYS, oneApiRows } from "../support/oneapi-fixture";
import { createMysqlDatabase, dropMysqlDatabase } from "../support/oneapi-mysql";
import { startTestServer, type TestServer } from "../support/server";
import type { TestDatabase } from "../support/test-database";
import { createServerDatabase, isPostgresPass } from "../support/test-store";

const PASSWORD = "test-password-1";
const LITELLM_KEY = "sk-litellm-browser-secret-0123456789";
const LITELLM_YAML = `
model_list:
  - model_name: chat-fast
    litellm_params:
      model: openai/gpt-4o-mini
      api_base: https://litellm.example.com/v1
      api_key: ${LITELLM_KEY}
      rpm: 60
  - model_name: chat-fast
    litellm_params:
      model: openai/gpt-4o
      api_base: https://litellm.example.com/v1
      api_key: ${LITELLM_KEY}
      order: 2
router_settings:
  num_retries: 1
`;
// The PostgreSQL pass runs beside this one: each gets its own MariaDB database.
const MYSQL_DATABASE = isPostgresPass() ? "oneapi_page_test_pg" : "oneapi_page_test";
const SECRETS = [LITELLM_KEY, "sk-upstream-main", NICEAPI_CLIENT_KEY, "sk-upstream-primary", ONEAPI_TOKEN_KEYS.team];

/** Action ids of source-actions.ts, by exported name, from the build's manifest. */
function sourceActionIds(): Map<string, string> {
  const distDir = process.env.NEXT_DIST_DIR || ".next";
  const manifestPath = new URL(`../../${distDir}/server/server-reference-manifest.json`, import.meta.url);
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
    node: Record<string, { filename?: string; exportedName?: string }>;
  };
  const ids = new Map<string, string>();
  for (const [id, entry] of Object.entries(manifest.node))
    if (entry.filename === "app/[locale]/(dashboard)/config/source-actions.ts" && entry.exportedName)
      ids.set(entry.exportedName, id);
  return ids;
}

async function assertNoSecrets(page: Page, label: string): Promise<void> {
  const html = await page.content();
  for (const secret of SECRETS)
    assert.ok(!html.includes(secret), `${label}: ${secret.slice(0, 12)}… is not on the page`);
}

async function previewUpload(page: Page, source: string, name: string, buffer: Buffer): Promise<void> {
  await page.getByTestId("import-source").selectOption(source);
  await page.getByTestId("source-file").setInputFiles({ name, mimeType: "application/octet-stream", buffer });
  await page.getByTestId("import-preview").click();
}

async function apply(page: Page): Promise<void> {
  await page.getByTestId("import-apply").click();
  await page.getByTestId("confirm").click();
  await page.getByTestId("toast-success").waitFor();
}

describe("importing other gateways on the configuration page", () => {
  let server: TestServer;
  let browser: Browser;
  let db: Kysely<Schema>;
  let dataDir: string;
  let database: TestDatabase | undefined;
  let niceApiFile: Buffer;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "aps-config-sources-"));
    database = await createServerDatabase(dataDir);
    db = createDb(database.url);
    await migrateToLatest(db);
    const niceApiPath = join(dataDir, "api_server.db");
    const nice = new Database(niceApiPath);
    for (const statement of [...NICEAPI_DDL, ...niceApiRows("https://upstream.example.com/v1")]) nice.exec(statement);
    nice.close();
    niceApiFile = readFileSync(niceApiPath);
    server = await startTestServer({ databaseUrl: database.url, dataDir, env: { ADMIN_PASSWORD: PASSWORD } });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await db?.destroy();
    await database?.cleanup();
    await dropMysqlDatabase(MYSQL_DATABASE);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("previews and applies a LiteLLM config.yaml in English, then refuses one with unknown keys", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US" });
    const page = await context.newPage();
    const watcher = watchPage(page);
    await signIn(page, server.baseUrl, "admin", PASSWORD);
    await page.goto(`${server.baseUrl}/en/config`);
    await page.getByRole("heading", { level: 1, name: "Configuration" }).waitFor();

    await previewUpload(page, "litellm", "config.yaml", Buffer.from(LITELLM_YAML));
    await page.getByTestId("import-plan").waitFor();
    for (const [kind, name] of [
      ["endpoint", "litellm.example.com"],
      ["provider", "chat-fast"],
      ["provider", "chat-fast (2)"],
      ["group", "chat-fast"],
    ])
      await page
        .locator(`[data-testid="import-change"][data-kind="${kind}"][data-name="${name}"][data-action="create"]`)
        .waitFor();
    assert.equal(await page.getByTestId("import-summary").innerText(), "4 to create, 1 to change, 0 to remove");
    await assertNoSecrets(page, "litellm plan");
    assert.deepEqual(await listProviders(db), [], "the preview wrote nothing");
    await page.screenshot({ path: `${screenshotDir}config-import-litellm-en.png`, fullPage: true });

    await apply(page);
    await page.getByTestId("toast-success").getByText("Applied 5 changes.").waitFor();
    const providers = new Map((await listProviders(db)).map((provider) => [provider.name, provider]));
    assert.deepEqual([...providers.keys()].sort(), ["chat-fast", "chat-fast (2)"]);
    assert.equal(providers.get("chat-fast (2)")?.upstreamModel, "gpt-4o");
    assert.deepEqual(
      (await listGroups(db)).map((group) => group.name),
      ["chat-fast"],
    );

    const version = await getConfigVersion(db);
    await previewUpload(page, "litellm", "typo.yaml", Buffer.from(`${LITELLM_YAML}model_lsit: []\n`));
    await page
      .getByTestId("import-error")
      .getByText("The YAML file has keys LiteLLM does not know: model_lsit. Nothing was imported.")
      .waitFor();
    assert.equal(await page.getByTestId("import-plan").count(), 0);
    assert.equal(await getConfigVersion(db), version);
    assert.deepEqual(watcher.errors, []);
    await context.close();
  });

  it("previews and applies a NiceAPI database in Japanese, then refuses a file that is no database", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "ja-JP" });
    const page = await context.newPage();
    const watcher = watchPage(page);
    await signIn(page, server.baseUrl, "admin", PASSWORD, "/ja", "ja");
    await page.goto(`${server.baseUrl}/ja/config`);
    await page.getByRole("heading", { level: 1, name: "構成" }).waitFor();
    await page.getByTestId("import-source").getByText("NiceAPI データベース").waitFor({ state: "attached" });

    await previewUpload(page, "niceapi", "api_server.db", niceApiFile);
    await page.getByTestId("import-plan").waitFor();
    for (const [kind, name] of [
      ["endpoint", "upstream.example.com"],
      ["provider", "main"],
      ["provider", "main (2)"],
      ["group", "chat"],
      ["keyword", "insufficient balance"],
      ["apiKey", "niceapi key 1"],
    ])
      await page
        .locator(`[data-testid="import-change"][data-kind="${kind}"][data-name="${name}"][data-action="create"]`)
        .waitFor();
    await page.getByTestId("import-left-out").waitFor();
    await assertNoSecrets(page, "niceapi plan");
    await page.screenshot({ path: `${screenshotDir}config-import-niceapi-ja.png`, fullPage: true });

    await apply(page);
    const names = (await listProviders(db)).map((provider) => provider.name).sort();
    assert.deepEqual(names, ["chat-fast", "chat-fast (2)", "main", "main (2)", "spare"]);
    const keys = await db.selectFrom("api_keys").select(["name"]).orderBy("name").execute();
    assert.deepEqual(
      keys.map((key) => key.name),
      ["niceapi key 1", "niceapi key 2"],
    );

    const version = await getConfigVersion(db);
    await previewUpload(page, "niceapi", "notes.db", Buffer.from("not a database\n".repeat(100)));
    await page
      .getByTestId("import-error")
      .getByText("このファイルは SQLite データベースではないか、読み取れません。何もインポートされていません。")
      .waitFor();
    await page.screenshot({ path: `${screenshotDir}config-import-error-ja.png`, fullPage: true });
    assert.equal(await getConfigVersion(db), version);
    assert.deepEqual(watcher.errors, []);
    await context.close();
  });

  it("reads one-api from a MySQL URL in Korean, and names an unreachable server", async () => {
    const url = await createMysqlDatabase(MYSQL_DATABASE, [
      ...ONEAPI_MYSQL_DDL,
      ...oneApiRows("https://oneapi-upstream.example.com"),
    ]);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "ko-KR" });
    const page = await context.newPage();
    const watcher = watchPage(page);
    await signIn(page, server.baseUrl, "admin", PASSWORD, "/ko", "ko");
    await page.goto(`${server.baseUrl}/ko/config`);
    await page.getByTestId("import-source").selectOption("oneapi");

    await page.getByTestId("source-url").fill("mysql://root:wrong-secret@127.0.0.1:1/oneapi");
    await page.getByTestId("import-preview").click();
    await page
      .getByTestId("import-error")
      .getByText(
        "데이터베이스 127.0.0.1:1/oneapi에 연결할 수 없습니다. 호스트, 포트, 사용자, 비밀번호를 확인하세요. 아무것도 가져오지 않았습니다.",
      )
      .waitFor();
    assert.doesNotMatch(await page.getByTestId("import-error").innerText(), /wrong-secret/);

    await page.getByTestId("source-url").fill("file:///etc/passwd");
    await page.getByTestId("import-preview").click();
    await page
      .getByTestId("import-error")
      .getByText("데이터베이스 URL은 postgres:// 또는 mysql://로 시작해야 합니다.")
      .waitFor();

    await page.getByTestId("source-url").fill(url);
    await page.getByTestId("import-preview").click();
    await page
      .locator('[data-testid="import-change"][data-kind="provider"][data-name="primary/gpt-4o"][data-action="create"]')
      .waitFor();
    await assertNoSecrets(page, "one-api plan");
    await page.screenshot({ path: `${screenshotDir}config-import-oneapi-ko.png`, fullPage: true });
    await apply(page);
    const providers = new Map((await listProviders(db)).map((provider) => [provider.name, provider]));
    assert.equal(providers.get("primary/gpt-4o")?.upstreamModel, "gpt-4o-2024-08-06");
    assert.equal(providers.get("claude/claude-3-5-sonnet")?.isEnabled, false);
    assert.deepEqual(watcher.errors, []);
    await context.close();
  });

  it("refuses the source actions called directly without a session", async () => {
    const ids = sourceActionIds();
    assert.deepEqual([...ids.keys()].sort(), ["applySourceImportAction", "previewSourceImportAction"]);
    const version = await getConfigVersion(db);
    for (const [name, actionId] of ids) {
      const form = new FormData();
      form.set("1_source", "litellm");
      form.set("1_file", new Blob([LITELLM_YAML.replaceAll("chat-fast", "intruder")]), "config.yaml");
      form.set("0", '["$K1"]');
      const response = await fetch(`${server.baseUrl}/en/config`, {
        method: "POST",
        headers: { "next-action": actionId, accept: "text/x-component", origin: server.baseUrl },
        body: form,
      });
      const body = await response.text();
      assert.match(body, /"formError":"unauthorized"/, `${name} (${response.status}): ${body.slice(0, 200)}`);
    }
    assert.equal(await getConfigVersion(db), version, "nothing changed");
    assert.ok(!(await listProviders(db)).some((provider) => provider.name.startsWith("intruder")));
  });
});
