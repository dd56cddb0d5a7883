import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import type { Kysely } from "kysely";
import type { Browser, Page, Request } from "playwright-core";
import { createDb } from "../../db/client";
import { createApiKey } from "../../db/queries/api-keys";
import { getCredentialApiKey, listCredentials } from "../../db/queries/credentials";
import { createGroup, setGroupMember } from "../../db/queries/groups";
import { findProviderByName, listProviders } from "../../db/queries/providers";
import { addUsage, aggregateUsage } from "../../db/queries/usage-rollup";
import type { Database } from "../../db/schema";
import { launchBrowser, signIn, watchPage } from "../support/browser";
import { startMockProvider, type MockProvider } from "../support/mock-provider";
import { createTestCipher, startTestServer, type TestServer } from "../support/server";
import {
  CANARY,
  callRecord,
  checkPhoneLayout,
  collectBodies,
  failThreeTimes,
  screenshots,
  type CollectedBody,
} from "./providers-support";

const PASSWORD = "test-password-1";
const LOCALES = ["en", "zh", "ja", "ko"] as const;
// A raw message id ("Providers.title") or next-intl's marker for a missing one.
const RAW_MESSAGE_ID = /\b(?:Providers|Credentials|Errors|Common|Nav)\.[a-z][A-Za-z.]+|MISSING_MESSAGE/;

interface CapturedAction {
  url: string;
  headers: Record<string, string>;
  body: string;
}

describe("providers and endpoints pages in the browser", () => {
  let server: TestServer;
  let mock: MockProvider;
  let browser: Browser;
  let db: Kysely<Database>;
  const actions = new Map<string, CapturedAction>();

  before(async () => {
    mock = await startMockProvider();
    server = await startTestServer({ env: { ADMIN_PASSWORD: PASSWORD } });
    browser = await launchBrowser();
    db = createDb(server.databaseUrl);
    mkdirSync(screenshots, { recursive: true });
  });

  after(async () => {
    await db?.destroy();
    await browser?.close();
    await server?.stop();
    await mock?.close();
  });

  const row = (page: Page, kind: "provider" | "credential", name: string) =>
    page.locator(`[data-testid="${kind}-row"][data-name="${name}"]`);
  const toast = (page: Page, kind: "success" | "error", text: string | RegExp) =>
    page.getByTestId(`toast-${kind}`).filter({ hasText: text });

  it("adds, tests, toggles, edits and deletes without the key ever reaching the browser", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-US" });
    const page = await context.newPage();
    const watcher = watchPage(page);
    const bodies: CollectedBody[] = [];
    const pending: Promise<void>[] = [];
    collectBodies(page, bodies, pending);
    page.on("request", (request: Request) => {
      const headers = request.headers();
      const id = headers["next-action"];
      const isOurs = /\/(providers|credentials)$/.test(new URL(request.url()).pathname);
      if (id && isOurs && !actions.has(id))
        actions.set(id, { url: request.url(), headers, body: request.postData() ?? "" });
    });

    await signIn(page, server.baseUrl, "admin", PASSWORD);

    // No endpoint yet: the providers page says to add one first and links there.
    await page.goto(`${server.baseUrl}/en/providers`);
    await page.getByRole("heading", { name: "Add an endpoint first" }).waitFor();
    await Promise.all([
      page.waitForURL((url) => url.pathname === "/en/credentials"),
      page.getByTestId("go-to-credentials").click(),
    ]);
    await page.getByRole("heading", { name: "No endpoints yet" }).waitFor();

    // Add an endpoint: a bad URL and a missing key are refused next to their fields.
    await page.getByTestId("add-credential").first().click();
    await page.fill("#field-name", "Mock endpoint");
    await page.fill("#field-baseUrl", "ftp://127.0.0.1/v1");
    await page.getByTestId("credential-submit").click();
    await page.getByTestId("error-baseUrl").filter({ hasText: "http:// or https://" }).waitFor();
    await page.getByTestId("error-apiKey").filter({ hasText: "Required" }).waitFor();
    await page.fill("#field-baseUrl", mock.url);
    await page.fill("#field-apiKey", CANARY);
    await page.getByTestId("credential-submit").click();
    await toast(page, "success", "Endpoint added.").waitFor();
    const credentialRow = row(page, "credential", "Mock endpoint");
    await credentialRow.waitFor();
    assert.equal(await credentialRow.getByTestId("key-hint").textContent(), "••••-123");

    // Two providers on it; bad input gets translated errors first.
    await page.goto(`${server.baseUrl}/en/providers`);
    await page.getByRole("heading", { name: "No providers yet" }).waitFor();
    await page.getByTestId("add-provider").first().click();
    await page.fill("#field-name", "mock-good");
    await page.fill("#field-upstreamModel", "good-model");
    await page.fill("#field-priceInput", "0.5");
    await page.fill("#field-priceOutput", "1.5");
    await page.getByTestId("provider-submit").click();
    await toast(page, "success", "Provider “mock-good” added.").waitFor();
    await row(page, "provider", "mock-good").waitFor();

    await page.getByTestId("add-provider").first().click();
    await page.fill("#field-name", "mock-good");
    await page.fill("#field-upstreamModel", "bad-model");
    await page.fill("#field-priceInput", "-1");
    await page.fill("#field-firstTokenTimeoutMs", "20");
    await page.fill("#field-extraHeaders", '["not", "an object"]');
    await page.getByTestId("provider-submit").click();
    await page.getByTestId("error-priceInput").filter({ hasText: "Outside the allowed range." }).waitFor();
    await page.getByTestId("error-firstTokenTimeoutMs").filter({ hasText: "Outside the allowed range." }).waitFor();
    await page.getByTestId("error-extraHeaders").filter({ hasText: "JSON object" }).waitFor();
    await page.fill("#field-priceInput", "2");
    await page.fill("#field-firstTokenTimeoutMs", "5000");
    await page.fill("#field-extraHeaders", '{"X-Title": "providers-test"}');
    await page.getByTestId("provider-submit").click();
    await page.getByTestId("error-name").filter({ hasText: "already taken" }).waitFor();
    await page.fill("#field-name", "mock-bad");
    await page.getByTestId("provider-submit").click();
    await toast(page, "success", "Provider “mock-bad” added.").waitFor();
    const bad = await findProviderByName(db, "mock-bad");
    assert.ok(bad);
    assert.equal(bad.firstTokenTimeoutMs, 5000);
    assert.equal(bad.connectTimeoutMs, null);
    assert.deepEqual(bad.extraHeaders, { "X-Title": "providers-test" });

    // Test the good one: status 200 and a latency, through the real upstream request.
    const good = row(page, "provider", "mock-good");
    await good.getByTestId("test-provider").click();
    const goodResult = good.getByTestId("test-result");
    await goodResult.waitFor();
    assert.equal(await goodResult.getAttribute("data-ok"), "true");
    assert.equal(await good.getByTestId("test-status").textContent(), "HTTP 200");
    assert.match((await good.getByTestId("test-latency").textContent()) ?? "", /^\d[\d,]* ms$/);
    const goodCall = mock.callsFor("good-model").at(-1);
    assert.ok(goodCall);
    assert.equal(goodCall.path, "/v1/chat/completions");
    assert.equal(goodCall.headers.authorization, `Bearer ${CANARY}`);
    assert.deepEqual(goodCall.body, {
      model: "good-model",
      messages: [{ role: "user", content: "ping" }],
      max_tokens: 1,
    });

    // The failing one shows the upstream's error as inert, redacted text: never the key it echoed.
    mock.setBehavior("bad-model", {
      status: 503,
      error: { message: `Overloaded <img src=x onerror="alert(1)"> key ${CANARY} ${"x".repeat(2_000)}` },
    });
    const badRow = row(page, "provider", "mock-bad");
    await badRow.getByTestId("test-provider").click();
    const badResult = badRow.getByTestId("test-result");
    await badResult.waitFor();
    assert.equal(await badResult.getAttribute("data-ok"), "false");
    assert.equal(await badRow.getByTestId("test-status").textContent(), "HTTP 503");
    const detail = (await badRow.getByTestId("test-detail").textContent()) ?? "";
    assert.match(detail, /^Overloaded <img src=x onerror="alert\(1\)"> key ••••/);
    assert.ok(!detail.includes("canary"), "the echoed key is redacted");
    assert.ok(detail.length <= 300, "long upstream text is cut short");
    assert.equal(await badResult.locator("img").count(), 0, "markup stays text");
    assert.equal(mock.callsFor("bad-model").at(-1)?.headers["x-title"], "providers-test");
    await page.screenshot({ path: `${screenshots}providers-test-results.png` });

    // Disable and enable again; the gateway's store follows.
    await good.getByTestId("toggle-enabled").click();
    await toast(page, "success", "“mock-good” disabled").waitFor();
    await good.getByTestId("enabled-state").filter({ hasText: "Disabled" }).waitFor();
    assert.equal((await findProviderByName(db, "mock-good"))?.isEnabled, false);
    await good.getByTestId("toggle-enabled").click();
    await toast(page, "success", "“mock-good” enabled.").waitFor();
    await good.getByTestId("enabled-state").filter({ hasText: "Enabled" }).waitFor();
    assert.equal((await findProviderByName(db, "mock-good"))?.isEnabled, true);

    // Edit a provider: the form comes back filled, the change is stored.
    await good.getByTestId("edit-provider").click();
    assert.equal(await page.inputValue("#field-upstreamModel"), "good-model");
    assert.equal(await page.inputValue("#field-priceOutput"), "1.5");
    await page.fill("#field-priceCached", "0.25");
    await page.getByTestId("provider-submit").click();
    await toast(page, "success", "Provider “mock-good” saved.").waitFor();
    assert.equal((await findProviderByName(db, "mock-good"))?.priceCached, 0.25);

    // Real traffic through the gateway opens mock-bad's breaker; the list shows it resting.
    const groupId = await createGroup(db, { name: "bad-only" });
    await setGroupMember(db, groupId, { providerId: bad.id, priority: 1, weight: 1 });
    const { key } = await createApiKey(db, { name: "browser-test", allGroups: true, groupIds: [], expiresAt: null });
    await failThreeTimes(server.baseUrl, key, "bad-only");
    await page.goto(`${server.baseUrl}/en/providers`);
    const breaker = badRow.getByTestId("breaker");
    assert.equal(await breaker.getAttribute("data-state"), "open");
    assert.match((await breaker.textContent()) ?? "", /^Resting · \d+ s left/);
    assert.match((await badRow.textContent()) ?? "", /too many recent failures · Reopens at/);

    // Calls of the last 24 h come from the hourly rollups, by provider name.
    const now = Date.now();
    await addUsage(
      db,
      aggregateUsage([
        ...Array.from({ length: 9 }, () => callRecord("mock-good", 200, now)),
        callRecord("mock-good", 502, now),
      ]),
    );
    await page.goto(`${server.baseUrl}/en/providers`);
    await good.getByTestId("stats-24h").filter({ hasText: "10 calls · 90% succeeded" }).waitFor();
    assert.equal(await good.getByTestId("breaker").getAttribute("data-state"), "closed");

    // Every page in every locale: translated, no raw message ids; screenshots to look at.
    for (const locale of LOCALES) {
      for (const section of ["providers", "credentials"] as const) {
        await page.goto(`${server.baseUrl}/${locale}/${section}`);
        await page
          .getByTestId(section === "providers" ? "provider-row" : "credential-row")
          .first()
          .waitFor();
        const text = await page.locator("body").innerText();
        assert.doesNotMatch(text, RAW_MESSAGE_ID, `${locale}/${section} shows a raw message id`);
        assert.doesNotMatch(await page.content(), RAW_MESSAGE_ID, `${locale}/${section} HTML holds a raw message id`);
        await page.screenshot({ path: `${screenshots}${section}-${locale}.png`, fullPage: true });
      }
    }
    await page.goto(`${server.baseUrl}/zh/providers`);
    await good.getByTestId("edit-provider").click();
    await page.getByRole("dialog").waitFor();
    assert.doesNotMatch(await page.locator("body").innerText(), RAW_MESSAGE_ID);
    await page.screenshot({ path: `${screenshots}providers-form-zh.png` });

    await checkPhoneLayout(context, server.baseUrl, bodies, pending);

    // Edit the endpoint with the key field left blank: the stored key still decrypts to the canary.
    await page.goto(`${server.baseUrl}/en/credentials`);
    await credentialRow.getByTestId("provider-count").filter({ hasText: "2 providers" }).waitFor();
    await credentialRow.getByTestId("edit-credential").click();
    assert.equal(await page.inputValue("#field-apiKey"), "", "the key field starts empty");
    await page.getByText("Leave blank to keep the current key (••••-123)").waitFor();
    await page.fill("#field-name", "Mock endpoint (main)");
    // Passthrough settings: the default header list is shown, a bad one refused in words.
    assert.match(await page.inputValue("#field-forwardHeaders"), /^user-agent, openai-beta, .*x-\*$/);
    assert.equal(await page.isChecked("#field-streamUsage"), true);
    await page.fill("#field-forwardHeaders", "user-agent, bad/header");
    await page.getByTestId("credential-submit").click();
    await page.getByTestId("error-forwardHeaders").filter({ hasText: "header names separated by commas" }).waitFor();
    await page.fill("#field-forwardHeaders", "User-Agent, x-trace-*");
    await page.uncheck("#field-streamUsage");
    await page.getByTestId("credential-submit").click();
    await toast(page, "success", "Endpoint saved.").waitFor();
    const [credential] = await listCredentials(db);
    assert.ok(credential);
    assert.equal(credential.name, "Mock endpoint (main)");
    assert.deepEqual(credential.forwardHeaders, ["user-agent", "x-trace-*"]);
    assert.equal(credential.streamUsage, false);
    assert.equal(await getCredentialApiKey(db, createTestCipher(), credential.id), CANARY);

    // Deleting an endpoint that providers use is refused with a translated message.
    const renamedRow = row(page, "credential", "Mock endpoint (main)");
    await renamedRow.getByTestId("delete-credential").click();
    await page.getByRole("dialog").getByText("2 providers use this endpoint").waitFor();
    await page.getByTestId("confirm").click();
    await toast(page, "error", "still used by providers").waitFor();
    assert.equal((await listCredentials(db)).length, 1);

    // Delete a provider, after confirming in the page.
    await page.goto(`${server.baseUrl}/en/providers`);
    await badRow.getByTestId("delete-provider").click();
    await page.getByRole("dialog").getByText("Delete “mock-bad”?").waitFor();
    await page.getByTestId("confirm").click();
    await toast(page, "success", "Provider “mock-bad” deleted.").waitFor();
    await badRow.waitFor({ state: "detached" });
    assert.deepEqual(
      (await listProviders(db)).map((provider) => provider.name),
      ["mock-good"],
    );

    await Promise.all(pending);
    assert.ok(bodies.length > 20, "response bodies were collected");
    const leaks = bodies.filter((body) => body.text.includes(CANARY) || body.text.includes("canary-PROVIDERS"));
    assert.deepEqual(
      leaks.map((leak) => leak.url),
      [],
      "the provider key never reaches the browser",
    );
    assert.deepEqual(watcher.errors, []);
    await context.close();
  });

  it("refuses every provider and endpoint action without a session", async () => {
    // create/update/delete of both, enable and test: every action of the two pages.
    assert.equal(actions.size, 8, `captured the pages' actions (${actions.size})`);
    const [provider] = await listProviders(db);
    assert.ok(provider);
    const before = { credentials: (await listCredentials(db)).length, providers: await listProviders(db) };
    for (const [id, action] of actions) {
      // The same request the browser sent, minus its session cookie.
      const response = await fetch(action.url, {
        method: "POST",
        headers: {
          "next-action": id,
          "content-type": action.headers["content-type"] ?? "text/plain;charset=UTF-8",
          accept: "text/x-component",
          origin: server.baseUrl,
        },
        body: action.body,
      });
      const text = await response.text();
      assert.match(
        text,
        /"formError":"unauthorized"/,
        `action ${id} (${action.body.slice(0, 60)}) refuses an anonymous caller`,
      );
      assert.ok(!text.includes(CANARY));
    }
    assert.equal((await listCredentials(db)).length, before.credentials);
    assert.deepEqual(await listProviders(db), before.providers);
    assert.equal(mock.callsFor("good-model").length, 1, "no anonymous test reached the upstream");
  });
});
