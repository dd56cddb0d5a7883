import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, screenshotDir, signIn, watchPage, assertTranslated } from "../support/browser";
import { startGateway, type Gateway } from "../support/seed";

const NAMESPACES = ["Limits", "ApiKeys", "Groups", "Errors"];

// Issue 18 in the dashboard: limit fields on keys, groups and providers (validated, translated),
// and each key's spend against its budgets on the keys page.

const PASSWORD = "test-password-limits";
const messages = [{ role: "user", content: "Say hello" }];

describe("limits and spend in the dashboard", () => {
  let gw: Gateway;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let cappedKey = "";

  before(async () => {
    gw = await startGateway({
      env: { ADMIN_PASSWORD: PASSWORD },
      async seed(s) {
        await s.group("chat", ["lim-ui"]);
        cappedKey = await s.key("capped", { groups: ["chat"], limits: { rpm: 30, budgetMonth: 5 } });
      },
    });
    gw.mock.setBehavior("lim-ui", { usage: { prompt_tokens: 400_000, completion_tokens: 300_000 } });
    browser = await launchBrowser();
    page = await browser.newPage();
    errors = watchPage(page).errors;
    await signIn(page, gw.baseUrl, "admin", PASSWORD);
  });

  after(async () => {
    await browser?.close();
    await gw?.stop();
  });

  it("shows a key's limits and what it spent this month against its budget", async () => {
    const answer = await gw.chat(cappedKey, { model: "chat", messages });
    assert.equal(answer.status, 200);
    // 400k × $1 + 300k × $2 per million = $1.00, in the rollups once the log row is written.
    await gw.settle();
    const row = page.getByTestId("key-row").filter({ hasText: "capped" });
    for (let tries = 0; ; tries += 1) {
      await page.goto(`${gw.baseUrl}/en/keys`);
      const spend = await row.getByTestId("key-spend").innerText();
      if (/\$1\.00 of \$5\.00 this month/.test(spend)) break;
      assert.ok(tries < 20, `spend shown: "${spend}"`);
      await page.waitForTimeout(250);
    }
    assert.match(await row.getByTestId("key-limits").innerText(), /30 req\/min/);
    await assertTranslated(page, "keys en", NAMESPACES);
    await page.screenshot({ path: `${screenshotDir}limits-keys-en.png`, fullPage: true });
  });

  it("refuses a limit out of range with a translated message, then saves valid limits", async () => {
    await page.goto(`${gw.baseUrl}/ja/keys`);
    await page.getByTestId("new-key").click();
    await page.fill("#field-name", "limited-bot");
    await page.locator('[data-testid="key-group"][data-group-name="chat"]').check();
    await page.getByTestId("limit-rpm").fill("0");
    await page.getByTestId("limit-budgetDay").fill("2.5");
    await page.getByTestId("key-submit").click();
    await page.getByTestId("error-rpm").getByText("許可された範囲外です。").waitFor();
    await assertTranslated(page, "key dialog ja", NAMESPACES);
    await page.screenshot({ path: `${screenshotDir}limits-key-dialog-ja.png`, fullPage: true });
    await page.getByTestId("limit-rpm").fill("60");
    await page.getByTestId("limit-maxConcurrent").fill("4");
    await page.getByTestId("key-submit").click();
    await page.getByTestId("close-new-key").click();

    const stored = await gw.db
      .selectFrom("api_keys")
      .select(["rpm", "tpm", "max_concurrent", "budget_day", "budget_month", "budget_total"])
      .where("name", "=", "limited-bot")
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      { ...stored },
      { rpm: 60, tpm: null, max_concurrent: 4, budget_day: 2.5, budget_month: null, budget_total: null },
    );
    const row = page.getByTestId("key-row").filter({ hasText: "limited-bot" });
    await row.getByTestId("key-spend").getByText("$2.50").waitFor();
    assert.match(await row.getByTestId("key-limits").innerText(), /60/);
  });

  it("sets a group's and a provider's rates from their dialogs", async () => {
    await page.goto(`${gw.baseUrl}/ja/groups`);
    const card = page.locator('[data-testid="group-card"][data-group-name="chat"]');
    await card.getByTestId("group-edit").click();
    await page.getByTestId("limit-tpm").fill("1.5");
    await page.getByTestId("group-submit").click();
    await page.getByTestId("error-tpm").getByText("整数を入力してください。").waitFor();
    await page.getByTestId("limit-tpm").fill("");
    await page.getByTestId("limit-rpm").fill("120");
    await page.getByTestId("group-submit").click();
    await card.getByTestId("group-limits").getByText("120").waitFor();
    await assertTranslated(page, "groups ja", NAMESPACES);
    const group = await gw.db
      .selectFrom("model_groups")
      .select(["rpm", "tpm"])
      .where("name", "=", "chat")
      .executeTakeFirstOrThrow();
    assert.deepEqual({ ...group }, { rpm: 120, tpm: null });

    await page.goto(`${gw.baseUrl}/en/providers`);
    await page.getByTestId("edit-provider").first().click();
    await page.fill("#field-tpm", "50000");
    await page.getByTestId("provider-submit").click();
    await page.getByText("50,000 tokens/min").waitFor();
    const provider = await gw.db.selectFrom("providers").select(["rpm", "tpm"]).executeTakeFirstOrThrow();
    assert.deepEqual({ ...provider }, { rpm: null, tpm: 50_000 });
    await page.screenshot({ path: `${screenshotDir}limits-providers-en.png`, fullPage: true });
    assert.deepEqual(errors, []);
  });
});
