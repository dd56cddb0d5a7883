import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Kysely } from "kysely";
import type { Browser, Page } from "playwright-core";
import { createDb } from "../../db/client";
import { getConfigVersion } from "../../db/queries/config-state";
import { createCredential } from "../../db/queries/credentials";
import { createGroup, listGroups, setGroupMember } from "../../db/queries/groups";
import { createKeyword } from "../../db/queries/keywords";
import { createProvider, listProviders } from "../../db/queries/providers";
import { saveSettings } from "../../db/queries/settings";
import { migrateToLatest } from "../../db/migrate";
import type { Database } from "../../db/schema";
import { launchBrowser, signIn, watchPage, screenshotDir, assertTranslated } from "../support/browser";
import { createTestCipher, startTestServer, type TestServer } from "../support/server";
import type { TestDatabase } from "../support/test-database";
import { createServerDatabase } from "../support/test-store";

const NAMESPACES = ["Config", "Errors", "Common", "Nav"];

const screenshots = screenshotDir;
const locales = ["en", "zh", "ja", "ko"] as const;
const PASSWORD = "test-password-1";
const PROVIDER_KEY = "sk-canary-config-page-0123456789";
const METRICS_TOKEN = "canary-config-metrics-token";
const PASSPHRASE = "config page passphrase";
const titles = { en: "Configuration", zh: "配置", ja: "構成", ko: "구성" } as const;

/** Action ids of the page's actions.ts, by exported name, from the build's manifest. */
function actionIds(): Map<string, string> {
  const distDir = process.env.NEXT_DIST_DIR || ".next";
  const manifestPath = new URL(`../../${distDir}/server/server-reference-manifest.json`, import.meta.url);
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
    node: Record<string, { filename?: string; exportedName?: string }>;
  };
  const ids = new Map<string, string>();
  for (const [id, entry] of Object.entries(manifest.node)) {
    if (entry.filename === "app/[locale]/(dashboard)/config/actions.ts" && entry.exportedName)
      ids.set(entry.exportedName, id);
  }
  return ids;
}

/** Clicks the download button and returns the file's text. */
async function download(page: Page): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-download").click()]);
  const path = await file.path();
  return { name: file.suggestedFilename(), text: readFileSync(path, "utf8") };
}

async function chooseFile(page: Page, name: string, text: string): Promise<void> {
  await page
    .getByTestId("import-file")
    .setInputFiles({ name, mimeType: "application/json", buffer: Buffer.from(text) });
}

describe("the configuration page in the browser", () => {
  let server: TestServer;
  let browser: Browser;
  let db: Kysely<Database>;
  let dataDir: string;
  let database: TestDatabase | undefined;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "aps-config-page-"));
    database = await createServerDatabase(dataDir);
    const databaseUrl = database.url;
    db = createDb(databaseUrl);
    await migrateToLatest(db);
    const credentialId = await createCredential(db, createTestCipher(), {
      name: "mock",
      baseUrl: "http://127.0.0.1:9/v1",
      apiKey: PROVIDER_KEY,
    });
    const alpha = await createProvider(db, {
      name: "alpha",
      credentialId,
      upstreamModel: "up-alpha",
      priceInput: 1,
      priceOutput: 2,
    });
    const beta = await createProvider(db, { name: "beta", credentialId, upstreamModel: "up-beta" });
    const chat = await createGroup(db, { name: "chat" });
    await setGroupMember(db, chat, { providerId: alpha, priority: 1, weight: 1 });
    await setGroupMember(db, chat, { providerId: beta, priority: 2, weight: 1 });
    await createKeyword(db, { keyword: "overloaded" });
    await saveSettings(db, { metricsToken: METRICS_TOKEN });
    server = await startTestServer({ databaseUrl, dataDir, env: { ADMIN_PASSWORD: PASSWORD } });
    browser = await launchBrowser();
    mkdirSync(screenshots, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await db?.destroy();
    await database?.cleanup();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("downloads the configuration, previews an edited file's diff and applies it", async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      locale: "en-US",
      acceptDownloads: true,
    });
    const page = await context.newPage();
    const watcher = watchPage(page);
    await signIn(page, server.baseUrl, "admin", PASSWORD);
    await page.goto(`${server.baseUrl}/en/config`);
    await page.getByRole("heading", { level: 1, name: "Configuration" }).waitFor();
    await page.getByRole("link", { name: "Configuration" }).waitFor();

    // Export without secrets: the file holds no key and no token.
    const plain = await download(page);
    assert.match(plain.name, /^gateway-config-\d{4}-\d{2}-\d{2}\.json$/);
    for (const secret of [PROVIDER_KEY, METRICS_TOKEN, "canary"])
      assert.ok(!plain.text.includes(secret), `no ${secret} in a default export`);
    const document = JSON.parse(plain.text) as {
      version: number;
      providers: { name: string; priceOutput: number }[];
      groups: { name: string }[];
      secrets?: unknown;
    };
    assert.equal(document.version, 1);
    assert.deepEqual(
      document.providers.map((p) => p.name),
      ["alpha", "beta"],
    );
    assert.equal(document.secrets, undefined);

    // With provider keys: a passphrase, confirmed; still no plaintext secret in the file.
    await page.getByTestId("export-include-secrets").check();
    await page.getByTestId("export-passphrase").fill("short");
    await page.getByTestId("export-passphrase-confirm").fill("shorter");
    await page.getByTestId("export-download").click();
    await page.getByTestId("error-confirmation").getByText("The two passphrases differ.").waitFor();
    await page.getByTestId("export-passphrase").fill(PASSPHRASE);
    await page.getByTestId("export-passphrase-confirm").fill(PASSPHRASE);
    const withSecrets = await download(page);
    assert.ok(!withSecrets.text.includes(PROVIDER_KEY) && !withSecrets.text.includes(METRICS_TOKEN));
    assert.equal((JSON.parse(withSecrets.text) as { secrets: { kdf: string } }).secrets.kdf, "scrypt");

    // Import an edited file: the dry run shows the diff and changes nothing.
    document.providers[0]!.priceOutput = 9;
    document.providers = document.providers.filter((p) => p.name !== "beta");
    (document.groups as unknown[]).push({ name: "new-group", members: [{ provider: "alpha" }] });
    const chatGroup = (document.groups as { name: string; members: { provider: string }[] }[]).find(
      (g) => g.name === "chat",
    )!;
    chatGroup.members = chatGroup.members.filter((m) => m.provider !== "beta");
    const version = await getConfigVersion(db);
    await chooseFile(page, "edited.json", JSON.stringify(document));
    await page.getByTestId("import-preview").click();
    await page.getByTestId("import-plan").waitFor();
    assert.equal(await page.getByTestId("import-summary").innerText(), "1 to create, 2 to change, 0 to remove");
    await page
      .locator('[data-testid="import-change"][data-kind="provider"][data-name="alpha"][data-action="update"]')
      .getByText("priceOutput")
      .waitFor();
    await page.getByTestId("import-kept").getByText("1 item not in the file, kept").waitFor();
    assert.equal(await page.getByTestId("import-file-name").innerText(), "edited.json");
    // Let the download toasts fade, so the screenshot shows the whole diff.
    // A function, not a string: the page's Content-Security-Policy refuses eval.
    await page.waitForFunction(() => !window.document.querySelector('[data-testid^="toast-"]'), undefined, {
      timeout: 10_000,
    });
    await page.screenshot({ path: `${screenshots}config-import-preview-en.png`, fullPage: true });
    assert.equal(await getConfigVersion(db), version, "the preview wrote nothing");

    // With prune the diff also removes beta; applying takes effect at once.
    await page.getByTestId("import-prune").check();
    await page.getByTestId("import-preview").click();
    await page
      .locator('[data-testid="import-change"][data-kind="provider"][data-name="beta"][data-action="remove"]')
      .waitFor();
    await page.getByTestId("import-apply").click();
    await page.getByTestId("confirm").click();
    await page.getByTestId("toast-success").getByText("Applied 4 changes.").waitFor();
    assert.deepEqual(
      (await listProviders(db)).map((p) => [p.name, p.priceOutput]),
      [["alpha", 9]],
    );
    assert.deepEqual(
      (await listGroups(db)).map((g) => g.name),
      ["chat", "new-group"],
    );

    // The encrypted file: a wrong passphrase is refused with a translated message, nothing changes.
    await chooseFile(page, "with-keys.json", withSecrets.text);
    await page.getByTestId("import-passphrase").fill("not the passphrase");
    await page.getByTestId("import-preview").click();
    await page
      .getByTestId("import-error")
      .getByText("Wrong passphrase, or the file was changed after export. Nothing was imported.")
      .waitFor();
    await page.getByTestId("import-passphrase").fill(PASSPHRASE);
    await page.getByTestId("import-preview").click();
    await page
      .locator('[data-testid="import-change"][data-kind="provider"][data-name="beta"][data-action="create"]')
      .waitFor();

    // A broken file names the place of the problem.
    await chooseFile(
      page,
      "broken.json",
      JSON.stringify({ version: 1, providers: [{ name: "x", endpoint: "nowhere", upstreamModel: "m" }] }),
    );
    await page.getByTestId("import-preview").click();
    await page
      .getByTestId("import-error")
      .getByText("The file is not a valid configuration document (first problem at providers[0].endpoint).")
      .waitFor();

    assert.deepEqual(watcher.errors, []);
    await context.close();
  });

  it("renders in every locale at 1280 px and on a phone", async () => {
    for (const [viewport, files] of [
      [{ width: 1280, height: 800 }, locales.map((locale) => [locale, `config-${locale}`] as const)],
      [{ width: 390, height: 844 }, [["en", "config-mobile"] as const]],
    ] as const) {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      const watcher = watchPage(page);
      await signIn(page, server.baseUrl, "admin", PASSWORD);
      for (const [locale, file] of files) {
        await page.goto(`${server.baseUrl}/${locale}/config`);
        await page.getByRole("heading", { level: 1, name: titles[locale] }).waitFor();
        await page.getByTestId("export-include-secrets").check();
        await assertTranslated(page, file, NAMESPACES);
        await page.screenshot({ path: `${screenshots}${file}.png`, fullPage: true });
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(width <= viewport.width, `${file}: no horizontal scroll (${width}px)`);
      }
      assert.deepEqual(watcher.errors, []);
      await context.close();
    }
  });

  it("refuses every configuration action called directly without a session", async () => {
    const ids = actionIds();
    const version = await getConfigVersion(db);
    const calls: [string, unknown[]][] = [
      ["exportConfigAction", [{ includeSecrets: false }]],
      ["previewImportAction", [{ text: JSON.stringify({ version: 1 }), prune: true }]],
      ["applyImportAction", [{ text: JSON.stringify({ version: 1 }), prune: true }]],
    ];
    assert.equal(ids.size, calls.length, "every exported action is covered");
    for (const [name, args] of calls) {
      const actionId = ids.get(name);
      assert.ok(actionId, `${name} is in the manifest`);
      const response = await fetch(`${server.baseUrl}/en/config`, {
        method: "POST",
        headers: {
          "next-action": actionId,
          accept: "text/x-component",
          "content-type": "text/plain;charset=UTF-8",
          origin: server.baseUrl,
        },
        body: JSON.stringify(args),
      });
      const body = await response.text();
      assert.match(
        body,
        /"formError":"unauthorized"/,
        `${name} answers unauthorized (${response.status}): ${body.slice(0, 200)}`,
      );
      assert.ok(!body.includes("alpha"), `${name} returns no configuration`);
    }
    assert.equal(await getConfigVersion(db), version, "a prune-everything import without a session changed nothing");
    assert.equal((await listProviders(db)).length, 1);
  });
});
