import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import { launchBrowser, signIn, watchPage } from "../support/browser";
import { startLocalServer, type RunningServer } from "../support/local-servers";
import { startTestServer, type TestServer } from "../support/server";

const PASSWORD = "test-password-1";

describe("local servers on the importer page", () => {
  let ollama: RunningServer;
  let html: RunningServer;
  let server: TestServer;
  let browser: Browser;

  before(async () => {
    ollama = await startLocalServer("ollama");
    html = await startLocalServer("html");
    server = await startTestServer({ env: { ADMIN_PASSWORD: PASSWORD } });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await Promise.all([ollama?.close(), html?.close()]);
  });

  it("scans an added address, lists the find and fills the source form with it in one click", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en" });
    const page = await context.newPage();
    const watcher = watchPage(page);
    await signIn(page, server.baseUrl, "admin", PASSWORD, "/en", "en");
    await page.goto(`${server.baseUrl}/en/import`);
    const panel = page.getByTestId("local-servers");
    await panel.getByRole("heading", { name: "Local servers" }).waitFor();

    // The usual ports are probed too; only the added Ollama answers as a model server here.
    await page.getByTestId("discover-urls").fill(`${ollama.url} ${html.url}`);
    await page.getByTestId("discover-scan").click();
    const find = page.getByTestId("discover-find").filter({ hasText: `${ollama.url}/v1` });
    await find.waitFor();
    assert.equal(await find.getAttribute("data-kind"), "ollama");
    assert.match(await find.innerText(), /Ollama[\s\S]*2 models/);
    assert.equal(await page.getByTestId("discover-find").filter({ hasText: html.url }).count(), 0);

    await find.getByTestId("discover-use").click();
    assert.equal(await page.locator("#field-baseUrl").inputValue(), `${ollama.url}/v1`);
    assert.equal(await page.locator("#field-endpointName").inputValue(), `ollama 127.0.0.1:${ollama.port}`);
    assert.equal(await page.locator("#field-apiKey").inputValue(), "local");

    // Straight on to the existing preview: the importer lists the server's models.
    await page.getByTestId("fetch-models").click();
    await page.locator('[data-testid="import-wizard"][data-step="preview"]').waitFor();
    await page.locator('[data-testid="model-row"][data-model="llama3.2:latest"]').waitFor();
    assert.deepEqual(watcher.errors, []);
    await context.close();
  });
});
