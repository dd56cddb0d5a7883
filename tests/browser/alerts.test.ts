import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchBrowser, signIn, watchPage, screenshotDir } from "../support/browser";
import { startTestServer, type TestServer } from "../support/server";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver";

const ADMIN_PASSWORD = "test-password-1";
const SECRET = "whsec-browser-canary-42";

describe("the alerts page in the browser", () => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let watcher: { errors: string[] };

  before(async () => {
    receiver = await startWebhookReceiver();
    server = await startTestServer({ env: { ADMIN_PASSWORD } });
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-US" });
    page = await context.newPage();
    watcher = watchPage(page);
    await signIn(page, server.baseUrl, "admin", ADMIN_PASSWORD);
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    const output = server?.output() ?? "";
    await server?.stop();
    await receiver?.close();
    assert.doesNotMatch(output, /MISSING_MESSAGE|FORMATTING_ERROR|INVALID_MESSAGE/, "no message errors");
    assert.ok(!output.includes(SECRET), "the signing secret is never logged");
  });

  it("adds a signed generic target in English, and Test delivers to the receiver", async () => {
    await page.goto(`${server.baseUrl}/en/alerts`);
    await page.getByRole("heading", { level: 1, name: "Alerts" }).waitFor();
    await page.getByTestId("add-target-empty").click();
    await page.getByTestId("target-name").fill("ops hook");
    await page.getByTestId("target-url").fill(`${receiver.url}/generic`);
    await page.getByTestId("target-secret").fill(SECRET);
    await page.getByTestId("target-event-error_rate").uncheck();
    await page.getByTestId("target-save").click();
    await page.getByTestId("toast-success").filter({ hasText: "Alert target added." }).waitFor();
    const row = page.locator('[data-testid^="target-row-"]').filter({ hasText: "ops hook" });
    await row.waitFor();
    assert.match(await row.innerText(), /Signed/);
    assert.doesNotMatch(await page.content(), new RegExp(SECRET), "the secret is never sent back to the browser");
    await row.locator('[data-testid^="test-target-"]').click();
    const result = row.locator('[data-testid^="test-result-"]');
    await result.filter({ hasText: /Delivered: HTTP 200 in \d+ ms/ }).waitFor();
    const hook = await receiver.waitFor("/generic", (body) => body.event === "test", "the test alert");
    assert.equal(hook.body.severity, "info");
    assert.match(String(hook.headers["x-gateway-signature"]), /^sha256=[0-9a-f]{64}$/);
    await page.screenshot({ path: `${screenshotDir}alerts-en.png`, fullPage: true });
    // The webhook's path (a Slack URL's secret) never reaches the browser, and an edit keeps it.
    assert.doesNotMatch(await page.content(), /\/generic/, "only the target's origin is shown");
    await row.locator('[data-testid^="edit-target-"]').click();
    assert.equal(await page.getByTestId("target-url").inputValue(), "");
    await page.getByTestId("target-name").fill("ops hook 2");
    await page.getByTestId("target-save").click();
    const renamed = page.locator('[data-testid^="target-row-"]').filter({ hasText: "ops hook 2" });
    await renamed.waitFor();
    const before = receiver.received.length;
    await renamed.locator('[data-testid^="test-target-"]').click();
    for (let tries = 0; receiver.received.length === before; tries += 1) {
      assert.ok(tries < 50, "the second test alert arrived");
      await page.waitForTimeout(100);
    }
    assert.equal(receiver.received.at(-1)?.path, "/generic", "still sent to the stored URL");
  });

  it("adds a Slack target in Japanese; Test shows the translated result and a failing hook's error", async () => {
    await page.goto(`${server.baseUrl}/ja/alerts`);
    await page.getByRole("heading", { level: 1, name: "アラート" }).waitFor();
    await page.getByTestId("add-target").click();
    await page.getByTestId("target-name").fill("slack チャンネル");
    await page.getByTestId("target-kind").selectOption("slack");
    await page.getByTestId("target-url").fill(`${receiver.url}/slack`);
    await page.getByTestId("target-save").click();
    await page.getByTestId("toast-success").filter({ hasText: "アラート送信先を追加しました。" }).waitFor();
    const row = page.locator('[data-testid^="target-row-"]').filter({ hasText: "slack チャンネル" });
    await row.locator('[data-testid^="test-target-"]').click();
    await row
      .locator('[data-testid^="test-result-"]')
      .filter({ hasText: /配信成功：HTTP 200/ })
      .waitFor();
    const hook = await receiver.waitFor("/slack", (body) => typeof body.text === "string", "the Slack test alert");
    assert.match(String(hook.body.text), /Test alert for target "slack チャンネル"/);
    assert.ok(Array.isArray(hook.body.blocks));

    receiver.status = 500;
    await row.locator('[data-testid^="test-target-"]').click();
    await row
      .locator('[data-testid^="test-result-"]')
      .filter({ hasText: /Webhook が HTTP 500 を返しました/ })
      .waitFor();
    receiver.status = 200;
    await page.screenshot({ path: `${screenshotDir}alerts-ja.png`, fullPage: true });
    assert.deepEqual(watcher.errors, []);
  });

  it("refuses a URL that is not http(s) with a field error, in Korean", async () => {
    await page.goto(`${server.baseUrl}/ko/alerts`);
    await page.getByTestId("add-target").click();
    await page.getByTestId("target-name").fill("bad");
    await page.getByTestId("target-url").fill("ftp://example.com/hook");
    await page.getByTestId("target-save").click();
    await page.getByTestId("error-url").waitFor();
    await page.screenshot({ path: `${screenshotDir}alerts-ko-form.png` });
  });
});
