import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import type { Kysely } from "kysely";
import type { Browser, Locator, Page } from "playwright-core";
import { createDb } from "../../db/client";
import { createCredential, listCredentials } from "../../db/queries/credentials";
import { createGroup, listGroups } from "../../db/queries/groups";
import { getSeenModelIds } from "../../lib/importer/apply";
import { createProvider, findProviderByName, listProviders } from "../../db/queries/providers";
import type { Database } from "../../db/schema";
import { launchBrowser, signIn, watchPage, screenshotDir, assertTranslated } from "../support/browser";
import { MODELS_LIST, startMockProvider, type MockProvider } from "../support/mock-provider";
import { createTestCipher, startTestServer, type TestServer } from "../support/server";

const NAMESPACES = ["Import", "Errors", "Common", "Nav"];

const PASSWORD = "test-password-1";
const CANARY = "sk-importer-CANARY-7d41e0";
const screenshots = screenshotDir;
const HOSTILE_ID = `evil<img src=x onerror="alert(1)">`;
const FIRST_MODELS = [
  "gpt-4o",
  "gpt-4o-mini",
  "gpt-4o-audio-preview",
  "gpt-4.1",
  "gpt-4.1-mini",
  "gpt-3.5-turbo",
  "text-embedding-3-small",
  "tts-1",
  "whisper-1",
  "claude-3-5-sonnet",
  "o3-mini",
  "dall-e-3",
  HOSTILE_ID,
  ...Array.from({ length: 30 }, (_, index) => `vendor-${index % 3}/chat-model-${index}`),
];

/** No message id (`Import.title`) or next-intl marker may reach the page. */
/** Waits until the element's text is exactly `text` (deferred rendering may lag a frame). */
async function waitForText(locator: Locator, text: string): Promise<void> {
  await locator.filter({ hasText: new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`) }).waitFor();
}

/** Waits (generously) until the table shows `count` rows: a view switch re-renders asynchronously. */
async function waitForRowCount(page: Page, count: number): Promise<void> {
  const rows = page.getByTestId("model-row");
  const deadline = Date.now() + 15_000;
  while ((await rows.count()) !== count) {
    if (Date.now() > deadline) assert.equal(await rows.count(), count, "model rows shown");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const row = (page: Page, model: string) =>
  page.locator(`[data-testid="model-row"][data-model="${model.replace(/"/g, '\\"')}"]`);

describe("model importer in the browser", () => {
  let mock: MockProvider;
  let server: TestServer;
  let browser: Browser;
  let db: Kysely<Database>;
  const bodies: string[] = [];
  const pending: Promise<void>[] = [];

  before(async () => {
    mock = await startMockProvider();
    server = await startTestServer({ env: { ADMIN_PASSWORD: PASSWORD } });
    browser = await launchBrowser();
    db = createDb(server.databaseUrl);
    mkdirSync(screenshots, { recursive: true });
    // An existing group to pick, and a provider whose name the import will meet.
    await createGroup(db, { name: "chat" });
    const other = await createCredential(db, createTestCipher(), {
      name: "Elsewhere",
      baseUrl: "https://elsewhere.example/v1",
      apiKey: "sk-elsewhere-000000",
    });
    await createProvider(db, { name: "mock-gpt-4.1", credentialId: other, upstreamModel: "gpt-4.1", priceInput: 7 });
  });

  after(async () => {
    await db?.destroy();
    await browser?.close();
    await server?.stop();
    await mock?.close();
  });

  async function openPage(locale: string, viewport = { width: 1280, height: 800 }) {
    const context = await browser.newContext({ viewport, locale });
    const page = await context.newPage();
    const watcher = watchPage(page);
    page.on("response", (response) => {
      pending.push(
        response
          .text()
          .then((text) => void bodies.push(text))
          .catch(() => undefined),
      );
    });
    await signIn(page, server.baseUrl, "admin", PASSWORD, `/${locale}`, locale);
    await page.goto(`${server.baseUrl}/${locale}/import`);
    return { context, page, watcher };
  }

  it("imports a filtered, aliased, priced list into groups in Chinese, then marks new models on a re-run", async () => {
    const { context, page, watcher } = await openPage("zh");
    await page.getByRole("heading", { level: 1, name: "导入模型" }).waitFor();
    await page.getByRole("link", { name: "导入模型" }).first().waitFor();
    // Only an unrelated endpoint exists: start from a new base URL and key.
    await page.getByTestId("source-new").check();

    // A metadata address is refused with a translated explanation; nothing was called.
    await page.fill("#field-baseUrl", "http://169.254.169.254/v1");
    await page.fill("#field-apiKey", CANARY);
    await page.getByTestId("fetch-models").click();
    const fetchError = page.getByTestId("fetch-error");
    await fetchError.filter({ hasText: "云元数据地址" }).waitFor();
    assert.equal(await fetchError.getAttribute("data-problem"), "addressBlocked");

    // An HTML page instead of a list (the base URL without /v1) is explained too.
    mock.setBehavior(MODELS_LIST, { html: "<html><body><h1>Welcome</h1></body></html>" });
    const origin = mock.url.replace(/\/v1$/, "");
    await page.fill("#field-baseUrl", origin);
    await page.getByTestId("fetch-models").click();
    await page
      .locator('[data-testid="fetch-error"][data-problem="notJson"]')
      .filter({ hasText: "网页（HTML）" })
      .waitFor();

    // A 401 from upstream names the status and never the key.
    mock.setBehavior(MODELS_LIST, { status: 401, error: { message: `bad key ${CANARY}` } });
    await page.getByTestId("fetch-models").click();
    await page
      .locator('[data-testid="fetch-error"][data-problem="upstreamUnauthorized"]')
      .filter({ hasText: "HTTP 401" })
      .waitFor();

    mock.reset();
    mock.setModels(FIRST_MODELS);
    await page.fill("#field-endpointName", "Mock 端点");
    await assertTranslated(page, "import source zh", NAMESPACES);
    await page.screenshot({ path: `${screenshots}import-source-zh.png`, fullPage: true });
    await page.getByTestId("fetch-models").click();
    await page.getByTestId("model-table").waitFor();
    assert.equal(
      await page.getByTestId("resolved-base-url").textContent(),
      mock.url,
      "the base without /v1 resolved to /v1",
    );
    assert.equal(mock.calls.at(-1)?.headers.authorization, `Bearer ${CANARY}`);
    await waitForText(page.getByTestId("count-all"), String(FIRST_MODELS.length));

    // Markup in a model id is shown as text, not run.
    assert.equal(await row(page, HOSTILE_ID).locator("div.font-mono").textContent(), HOSTILE_ID);

    // Include + two exclude keywords, live counts.
    await page.fill('[data-testid="filter-include"]', "GPT");
    await waitForText(page.getByTestId("count-kept"), "6");
    for (const keyword of ["mini", "audio"]) {
      await page.fill('[data-testid="exclude-input"]', keyword);
      await page.press('[data-testid="exclude-input"]', "Enter");
    }
    await waitForText(page.getByTestId("count-kept"), "3");
    await waitForText(page.getByTestId("count-excluded"), String(FIRST_MODELS.length - 3));
    // Regular expressions: a broken one is named and ignored, a good one filters.
    await page.getByTestId("filter-regex").check();
    await page.fill('[data-testid="filter-include"]', "gpt-(4o");
    await page.getByTestId("include-invalid").waitFor();
    await page.fill('[data-testid="filter-include"]', "^gpt-(4o|4\\.1|3\\.5)");
    await waitForText(page.getByTestId("count-kept"), "3");
    await page.getByTestId("filter-regex").uncheck();
    await page.fill('[data-testid="filter-include"]', "gpt");
    await waitForText(page.getByTestId("count-kept"), "3");

    // Per row: drop one kept model, keep one filtered out and rename it.
    await row(page, "gpt-3.5-turbo").getByTestId("row-keep").uncheck();
    await row(page, "o3-mini").getByTestId("row-keep").check();
    await waitForText(page.getByTestId("count-kept"), "3");
    await row(page, "o3-mini").getByTestId("row-name").fill("reasoner");

    // A prefix alias, bulk prices and one row's own price.
    await page.fill('[data-testid="alias-prefix"]', "mock-");
    await page.fill('[data-testid="bulk-price-input"]', "1");
    await page.fill('[data-testid="bulk-price-output"]', "2");
    await row(page, "gpt-4o").getByTestId("row-price-input").fill("5");
    assert.equal(await row(page, "gpt-4o").getByTestId("row-name").getAttribute("placeholder"), "mock-gpt-4o");

    // Groups: the existing one and a new one, priority 2. The taken name is skipped.
    await page.locator('[data-testid="group-choice"][data-name="chat"]').check();
    await page.fill('[data-testid="new-group-input"]', "imported");
    await page.press('[data-testid="new-group-input"]', "Enter");
    await page.fill('[data-testid="placement-priority"]', "2");
    await waitForText(page.getByTestId("plan-counts"), "创建 2 个 · 更新 0 个 · 跳过 1 个");
    assert.equal(await row(page, "gpt-4.1").getAttribute("data-action"), "skip");
    await assertTranslated(page, "import preview zh", NAMESPACES);
    await page.screenshot({ path: `${screenshots}import-zh.png`, fullPage: true });

    await page.getByTestId("import-submit").click();
    const result = page.getByTestId("import-result");
    await result.waitFor();
    assert.equal(await page.getByTestId("result-created").getAttribute("data-count"), "2");
    assert.equal(await page.getByTestId("result-skipped").getAttribute("data-count"), "1");
    assert.equal(await page.getByTestId("result-updated").getAttribute("data-count"), "0");
    await page.getByTestId("result-endpoint").filter({ hasText: "Mock 端点" }).waitFor();
    await assertTranslated(page, "import result zh", NAMESPACES);
    await page.screenshot({ path: `${screenshots}import-result-zh.png`, fullPage: true });

    // What landed in the database, read through db/queries.
    const credential = (await listCredentials(db)).find((item) => item.name === "Mock 端点");
    assert.ok(credential);
    assert.equal(credential.baseUrl, mock.url);
    assert.equal(credential.providerCount, 2);
    const gpt = await findProviderByName(db, "mock-gpt-4o");
    assert.deepEqual(
      [gpt?.credentialId, gpt?.upstreamModel, gpt?.priceInput, gpt?.priceOutput, gpt?.priceCached],
      [credential.id, "gpt-4o", 5, 2, 0],
    );
    const reasoner = await findProviderByName(db, "reasoner");
    assert.deepEqual(
      [reasoner?.credentialId, reasoner?.upstreamModel, reasoner?.priceInput, reasoner?.priceOutput],
      [credential.id, "o3-mini", 1, 2],
    );
    assert.equal((await findProviderByName(db, "mock-gpt-4.1"))?.priceInput, 7, "the skipped provider is untouched");
    const groups = await listGroups(db);
    for (const name of ["chat", "imported"]) {
      const group = groups.find((item) => item.name === name);
      assert.deepEqual(
        group?.members.map((member) => [member.providerName, member.priority, member.weight]).sort(),
        [
          ["mock-gpt-4o", 2, 1],
          ["reasoner", 2, 1],
        ],
        name,
      );
    }
    assert.equal((await getSeenModelIds(db, credential.id))?.length, FIRST_MODELS.length);

    // Re-run on the same endpoint after it gained two models: they are marked new.
    mock.setModels([...FIRST_MODELS, "gpt-5", "gpt-5-pro"]);
    await page.getByTestId("import-again").click();
    await page.getByTestId("source-form").waitFor();
    // The endpoint the first run created reaches the list with the page's refresh after the
    // import; until then the select cannot show it. Wait for that event, not a clock.
    await page.waitForFunction(
      (id) =>
        (window.document.querySelector('[data-testid="source-endpoint"]') as HTMLSelectElement | null)?.value === id,
      String(credential.id),
      { timeout: 15_000 },
    );
    await page.getByTestId("fetch-models").click();
    await page.getByTestId("model-table").waitFor();
    await page.getByTestId("endpoint-note").filter({ hasText: "Mock 端点" }).waitFor();
    await waitForText(page.getByTestId("count-new"), "2");
    await row(page, "gpt-5").getByTestId("new-badge").waitFor();
    assert.equal(await row(page, "gpt-4o").getByTestId("new-badge").count(), 0);
    await page.getByTestId("view-new").click();
    await waitForRowCount(page, 2);
    await page.fill('[data-testid="filter-include"]', "gpt-5");
    await waitForText(page.getByTestId("count-kept"), "2");
    await page.screenshot({ path: `${screenshots}import-rerun-zh.png`, fullPage: true });
    await page.getByTestId("import-submit").click();
    await page.getByTestId("import-result").waitFor();
    assert.equal(await page.getByTestId("result-created").getAttribute("data-count"), "2");
    const onEndpoint = (await listProviders(db))
      .filter((provider) => provider.credentialId === credential.id)
      .map((provider) => provider.name);
    assert.deepEqual(onEndpoint.sort(), ["gpt-5", "gpt-5-pro", "mock-gpt-4o", "reasoner"]);
    assert.equal((await listCredentials(db)).length, 2, "the re-run reused the endpoint");

    await Promise.all(pending);
    assert.deepEqual(watcher.errors, []);
    await context.close();
  });

  it("stays responsive with 3,000 models, and reads well in every locale and on a phone", async () => {
    const mockEndpoint = (await listCredentials(db)).find((item) => item.name === "Mock 端点");
    assert.ok(mockEndpoint, "the first test created the endpoint");
    const fetchFromMock = async (page: Page) => {
      await page.getByTestId("source-endpoint").selectOption(String(mockEndpoint.id));
      await page.getByTestId("fetch-models").click();
      await page.getByTestId("model-table").waitFor();
    };
    for (const locale of ["en", "ja", "ko"] as const) {
      mock.setModels([...FIRST_MODELS, "gpt-5", "gpt-5-pro", "gpt-5-nano"]);
      const { context, page, watcher } = await openPage(locale);
      await fetchFromMock(page);
      await waitForText(page.getByTestId("count-new"), "1");
      await page.fill('[data-testid="filter-include"]', "gpt");
      await page.fill('[data-testid="exclude-input"]', "audio");
      await page.press('[data-testid="exclude-input"]', "Enter");
      await page.fill('[data-testid="alias-prefix"]', "team-");
      await page.fill('[data-testid="bulk-price-input"]', "0.5");
      await assertTranslated(page, `import ${locale}`, NAMESPACES);
      await page.screenshot({ path: `${screenshots}import-${locale}.png`, fullPage: true });
      await Promise.all(pending);
      assert.deepEqual(watcher.errors, [], locale);
      await context.close();
    }

    mock.setModels(3_000);
    const { context, page, watcher } = await openPage("en");
    await fetchFromMock(page);
    await waitForText(page.getByTestId("count-all"), "3,000");
    // Only a page of rows is in the DOM; the rest is one click away.
    await waitForRowCount(page, 100);
    await page.getByTestId("rows-hidden").filter({ hasText: "Showing 100 of 3,000" }).waitFor();
    // One change of the include text, timed inside the page: the input's own frame comes at
    // once, the recomputed counts right after. Generous bounds (CI machines are busy, and this
    // headless Chromium paints in software): they catch rendering thousands of rows, not jitter.
    await page.fill('[data-testid="filter-include"]', "mock");
    await waitForText(page.getByTestId("count-kept"), "3,000");
    const timing = await page.evaluate(async () => {
      const input = document.querySelector<HTMLInputElement>('[data-testid="filter-include"]');
      const kept = document.querySelector('[data-testid="count-kept"]');
      const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value")?.set;
      if (!input || !kept || !setValue) throw new Error("filter input or count missing");
      const started = performance.now();
      setValue.call(input, "mock-model-2");
      input.dispatchEvent(new Event("input", { bubbles: true }));
      await new Promise((resolve) => requestAnimationFrame(resolve));
      const firstFrameMs = performance.now() - started;
      while (kept.textContent !== "1,111") {
        if (performance.now() - started > 20_000) break;
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      return { firstFrameMs, countsMs: performance.now() - started };
    });
    assert.ok(timing.firstFrameMs < 5_000, `the input's frame took ${timing.firstFrameMs.toFixed(0)} ms`);
    assert.ok(timing.countsMs < 10_000, `the counts of 3,000 models took ${timing.countsMs.toFixed(0)} ms`);
    // Typed key by key, the last keystroke's result wins.
    await page.locator('[data-testid="filter-include"]').pressSequentially("9", { delay: 0 });
    await waitForText(page.getByTestId("count-kept"), "111");
    // "All" still lists every model (kept or not), a page at a time; "Kept" has the 111.
    await waitForRowCount(page, 100);
    await page.getByTestId("view-kept").click();
    await waitForRowCount(page, 100);
    await page.getByTestId("show-more").click();
    await waitForRowCount(page, 111);
    // Ticking every model in "All" passes the per-import limit: the import waits.
    await page.getByTestId("view-all").click();
    await page.getByTestId("keep-all").check();
    await waitForText(page.getByTestId("count-kept"), "3,000");
    await page.getByTestId("import-blockers").filter({ hasText: "At most 2,000 models per import" }).waitFor();
    assert.equal(await page.getByTestId("import-submit").isDisabled(), true);
    // Undoing the hand-made ticks lets the filters decide again.
    await page.getByTestId("reset-ticks").click();
    await waitForText(page.getByTestId("count-kept"), "111");
    // Dropping everything kept empties the view and says why nothing can be imported.
    await page.getByTestId("view-kept").click();
    await page.getByTestId("keep-all").click();
    await waitForText(page.getByTestId("count-kept"), "0");
    await page.getByTestId("no-rows").waitFor();
    await page.getByTestId("import-blockers").filter({ hasText: "No model is kept" }).waitFor();
    await Promise.all(pending);
    assert.deepEqual(watcher.errors, []);
    await context.close();

    // 390 px wide: the panels stack, the table scrolls inside its card, the page does not.
    mock.setModels(FIRST_MODELS);
    const phone = await openPage("en", { width: 390, height: 844 });
    await fetchFromMock(phone.page);
    const scrollWidth = await phone.page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(scrollWidth <= 390, `the page does not scroll sideways (${scrollWidth} px)`);
    await phone.page.screenshot({ path: `${screenshots}import-mobile.png`, fullPage: true });
    await Promise.all(pending);
    assert.deepEqual(phone.watcher.errors, []);
    await phone.context.close();

    // The typed key never came back in any HTML, RSC payload or action result.
    const leaks = bodies.filter((text) => text.includes(CANARY));
    assert.deepEqual(
      leaks.map((text) => text.slice(0, 200)),
      [],
    );
  });
  it("imports from an Anthropic endpoint: its model list with x-api-key, the endpoint stored as Anthropic", async () => {
    mock.setModels(["claude-sonnet-4-5", "claude-haiku-4-5"]);
    const { context, page, watcher } = await openPage("ja");
    await page.getByTestId("source-new").check();
    await page.getByTestId("source-protocol").selectOption("anthropic");
    await page.fill("#field-baseUrl", mock.url.replace(/\/v1$/, ""));
    await page.fill("#field-apiKey", CANARY);
    await page.fill("#field-endpointName", "Claude");
    await page.getByTestId("fetch-models").click();
    await page.getByTestId("model-table").waitFor();
    await waitForRowCount(page, 2);
    const listed = mock.calls.filter((call) => call.path === "/v1/models").at(-1);
    assert.equal(listed?.headers["x-api-key"], CANARY);
    assert.equal(listed?.headers["anthropic-version"], "2023-06-01");
    await page.fill('[data-testid="new-group-input"]', "claude");
    await page.press('[data-testid="new-group-input"]', "Enter");
    await assertTranslated(page, "anthropic import ja", NAMESPACES);
    await page.screenshot({ path: `${screenshots}import-anthropic-ja.png`, fullPage: true });
    await page.getByTestId("import-submit").click();
    await page.getByTestId("import-result").waitFor();
    assert.equal(await page.getByTestId("result-created").getAttribute("data-count"), "2");
    const endpoint = (await listCredentials(db)).find((item) => item.name === "Claude");
    assert.deepEqual([endpoint?.protocol, endpoint?.providerCount], ["anthropic", 2]);
    await Promise.all(pending);
    assert.deepEqual(watcher.errors, []);
    await context.close();
  });
});
