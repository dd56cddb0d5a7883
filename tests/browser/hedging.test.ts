import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, screenshotDir, signIn, watchPage, assertTranslated } from "../support/browser";
import { startGateway, type Gateway } from "../support/seed";

const NAMESPACES = ["Groups", "Logs", "Errors"];

// Issue 19 in the dashboard: hedging set in the group dialog (validated, translated), and a
// hedged request's attempt chain with the cancelled loser and each attempt's cost.

const PASSWORD = "test-password-hedging";
const messages = [{ role: "user", content: "Say hello" }];

describe("hedging in the dashboard", () => {
  let gw: Gateway;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let key = "";

  before(async () => {
    gw = await startGateway({
      env: { ADMIN_PASSWORD: PASSWORD },
      settings: { hedgeBudgetPercent: 100 },
      async seed(s) {
        await s.group("chat", [
          { model: "hg-slow", priceInput: 1, priceOutput: 2 },
          { model: "hg-fast", priceInput: 1, priceOutput: 2 },
        ]);
        key = await s.key("client", { groups: ["chat"] });
      },
    });
    gw.mock.setBehavior("*", { usage: { prompt_tokens: 100_000, completion_tokens: 50_000 } });
    browser = await launchBrowser();
    page = await browser.newPage();
    errors = watchPage(page).errors;
    await signIn(page, gw.baseUrl, "admin", PASSWORD);
  });

  after(async () => {
    await browser?.close();
    await gw?.stop();
  });

  it("turns hedging on in the group dialog, refusing a delay out of range in Korean", async () => {
    await page.goto(`${gw.baseUrl}/ko/groups`);
    const card = page.locator('[data-testid="group-card"][data-group-name="chat"]');
    await card.getByTestId("group-edit").click();
    await page.getByTestId("group-hedge-mode").selectOption("fixed");
    await page.getByTestId("group-hedge-delay").fill("5");
    await page.getByTestId("group-submit").click();
    await page.getByTestId("error-hedgeDelayMs").waitFor();
    assert.doesNotMatch(await page.getByTestId("error-hedgeDelayMs").innerText(), /outOfRange|[A-Za-z]{6}/);
    await page.getByTestId("group-hedge-delay").fill("250");
    await page.screenshot({ path: `${screenshotDir}hedging-dialog-ko.png`, fullPage: true });
    await page.getByTestId("group-submit").click();
    await card.getByTestId("group-hedge").getByText("250").waitFor();
    await assertTranslated(page, "groups ko", NAMESPACES);
    const group = await gw.db
      .selectFrom("model_groups")
      .select(["hedge_mode", "hedge_delay_ms"])
      .where("name", "=", "chat")
      .executeTakeFirstOrThrow();
    assert.deepEqual({ ...group }, { hedge_mode: "fixed", hedge_delay_ms: 250 });
    await page.goto(`${gw.baseUrl}/en/groups`);
    await page.getByTestId("group-hedge").getByText("after 250 ms without a first token").waitFor();
    await page.screenshot({ path: `${screenshotDir}hedging-groups-en.png`, fullPage: true });
  });

  it("shows a hedged request's loser as cancelled, with each attempt's cost, in Japanese", async () => {
    gw.mock.setBehavior("hg-slow", { delayBeforeHeadersMs: 6_000 });
    // The dashboard's write reloads the configuration; wait until the gateway hedges.
    let answer = await gw.chat(key, { model: "chat", messages });
    for (let tries = 0; answer.elapsedMs > 3_000; tries += 1) {
      assert.ok(tries < 5, "the gateway picked up the hedging setting");
      answer = await gw.chat(key, { model: "chat", messages });
    }
    assert.equal(answer.status, 200);
    const rows = await gw.settle(12_000);
    const row = rows.at(-1)!;
    assert.deepEqual(
      row.attempts.map((attempt) => [attempt.providerName, attempt.outcome]),
      [
        ["hg-slow", "cancelled"],
        ["hg-fast", "ok"],
      ],
    );
    await page.goto(`${gw.baseUrl}/ja/logs/${row.requestId}`);
    const attempts = page.getByTestId("attempt");
    await attempts.first().waitFor();
    assert.equal(await attempts.count(), 2);
    assert.match(await attempts.nth(0).innerText(), /キャンセル（ヘッジ負け）/);
    assert.match(await attempts.nth(0).getByTestId("attempt-cost").innerText(), /\$0\.00/);
    // 100k × $1 + 50k × $2 per million = $0.20.
    assert.match(await attempts.nth(1).getByTestId("attempt-cost").innerText(), /\$0\.20/);
    await assertTranslated(page, "log detail ja", NAMESPACES);
    await page.screenshot({ path: `${screenshotDir}hedging-log-ja.png`, fullPage: true });
    assert.deepEqual(errors, []);
  });
});
