import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import type { Kysely } from "kysely";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { createDb } from "../../db/client";
import { addKeywordHits, createKeyword, listKeywords } from "../../db/queries/keywords";
import { getSettings } from "../../db/queries/settings";
import type { Database } from "../../db/schema";
import { defaultSettings, settingKeys } from "../../db/settings-schema";
import { locales } from "../../app/_framework/i18n/routing";
import { launchBrowser, signIn, watchPage, screenshotDir } from "../support/browser";
import { startTestServer, type TestServer } from "../support/server";

const screenshots = screenshotDir;
const ADMIN_PASSWORD = "test-password-1";
const namespaces = Object.keys(
  JSON.parse(readFileSync(new URL("../../messages/en.json", import.meta.url), "utf8")) as object,
);

/** Untranslated text shows up as `Namespace.key` or next-intl's MISSING_MESSAGE marker. */
function rawMessageIds(text: string): string[] {
  const pattern = new RegExp(`\\b(?:${namespaces.join("|")})\\.[a-z][A-Za-z0-9.]*`, "g");
  return [...(text.match(pattern) ?? []), ...(text.includes("MISSING_MESSAGE") ? ["MISSING_MESSAGE"] : [])];
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("failure keywords and settings in the browser", () => {
  let server: TestServer;
  let db: Kysely<Database>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let watcher: { errors: string[] };

  before(async () => {
    server = await startTestServer({ env: { ADMIN_PASSWORD } });
    db = createDb(server.databaseUrl);
    browser = await launchBrowser();
    mkdirSync(screenshots, { recursive: true });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-US" });
    page = await context.newPage();
    watcher = watchPage(page);
    await signIn(page, server.baseUrl, "admin", ADMIN_PASSWORD);
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    await db?.destroy();
    const output = server?.output() ?? "";
    await server?.stop();
    assert.doesNotMatch(
      output,
      /MISSING_MESSAGE|FORMATTING_ERROR|INVALID_MESSAGE/,
      "the server reported no message errors",
    );
  });

  it("adds, edits, disables and deletes a keyword, refusing duplicates and bad input", async () => {
    await page.goto(`${server.baseUrl}/en/keywords`);
    await page.getByRole("heading", { level: 1, name: "Failure keywords" }).waitFor();
    await page.getByTestId("empty-state").waitFor();
    assert.match(await page.getByTestId("keyword-explainer").innerText(), /ignoring case/);

    await page.getByTestId("add-keyword-empty").click();
    await page.getByTestId("keyword-input").fill("  Quota Exceeded  ");
    await page.getByTestId("keyword-save").click();
    await page.getByTestId("toast-success").filter({ hasText: "Keyword added." }).waitFor();
    const table = page.getByTestId("keyword-table");
    await table.locator('[data-keyword="Quota Exceeded"]').waitFor();
    let stored = await listKeywords(db);
    assert.deepEqual(
      stored.map((row) => [row.keyword, row.isEnabled]),
      [["Quota Exceeded", true]],
      "stored trimmed and enabled",
    );

    // Duplicates differ only in case: matching ignores case, so they are refused.
    await page.getByTestId("add-keyword").click();
    await page.getByTestId("keyword-input").fill("quota EXCEEDED");
    await page.getByTestId("keyword-save").click();
    assert.equal(await page.getByTestId("error-keyword").innerText(), "This keyword already exists (case is ignored).");
    await page.getByTestId("keyword-input").fill("   ");
    await page.getByTestId("keyword-save").click();
    await page.getByTestId("error-keyword").filter({ hasText: "Required." }).waitFor();
    await page.getByTestId("keyword-input").fill("x".repeat(201));
    await page.getByTestId("keyword-save").click();
    await page.getByTestId("error-keyword").filter({ hasText: "Too long." }).waitFor();
    await page.getByTestId("keyword-input").fill("service unavailable");
    await page.getByTestId("keyword-save").click();
    await table.locator('[data-keyword="service unavailable"]').waitFor();
    assert.equal((await listKeywords(db)).length, 2);

    const row = table.locator('[data-keyword="Quota Exceeded"]');
    await row.getByTestId("keyword-edit").click();
    assert.equal(await page.getByTestId("keyword-input").inputValue(), "Quota Exceeded");
    await page.getByTestId("keyword-input").fill("Service Unavailable");
    await page.getByTestId("keyword-save").click();
    assert.equal(await page.getByTestId("error-keyword").innerText(), "This keyword already exists (case is ignored).");
    await page.getByTestId("keyword-input").fill("rate limit reached");
    await page.getByTestId("keyword-save").click();
    await page.getByTestId("toast-success").filter({ hasText: "Keyword saved." }).waitFor();
    const edited = table.locator('[data-keyword="rate limit reached"]');
    await edited.waitFor();

    await edited.getByTestId("keyword-toggle").click();
    await edited.getByText("Disabled", { exact: true }).waitFor();
    stored = await listKeywords(db);
    assert.equal(stored.find((keyword) => keyword.keyword === "rate limit reached")?.isEnabled, false);
    await edited.getByTestId("keyword-toggle").click();
    await edited.getByText("Enabled", { exact: true }).waitFor();
    await edited.getByTestId("keyword-toggle").click();
    await edited.getByText("Disabled", { exact: true }).waitFor();

    await edited.getByTestId("keyword-delete").click();
    await page.getByRole("dialog").getByText("“rate limit reached” will no longer fail answers over").waitFor();
    await page.getByTestId("confirm").click();
    await page.getByTestId("toast-success").filter({ hasText: "Keyword deleted." }).waitFor();
    await edited.waitFor({ state: "detached" });
    assert.deepEqual(
      (await listKeywords(db)).map((keyword) => keyword.keyword),
      ["service unavailable"],
    );
    assert.deepEqual(watcher.errors, []);
  });

  it("refuses out-of-range settings with a translated message next to the field, in English and Japanese", async () => {
    const before = await getSettings(db);
    await page.goto(`${server.baseUrl}/en/settings`);
    await page.getByRole("heading", { level: 1, name: "Settings" }).waitFor();
    for (const key of settingKeys) await page.getByTestId(`field-${key}`).waitFor();
    assert.equal(await page.getByTestId("hint-connectTimeoutMs").innerText(), "Allowed: 100–120,000 · default 5,000");

    await page.getByTestId("setting-failoverThreshold").fill("0");
    await page.getByTestId("setting-bodyMaxBytes").fill("99999999");
    await page.getByTestId("setting-maxAttempts").fill("2.5");
    await page.getByTestId("setting-timeZone").fill("Mars/Olympus_Mons");
    await page.getByTestId("settings-save").click();
    const thresholdError = page.getByTestId("field-failoverThreshold").getByTestId("error-failoverThreshold");
    assert.equal(await thresholdError.innerText(), "Enter a value from 1 to 1,000.");
    assert.equal(
      await page.getByTestId("field-bodyMaxBytes").getByTestId("error-bodyMaxBytes").innerText(),
      "Enter a value from 1,024 to 10,485,760.",
    );
    assert.equal(await page.getByTestId("error-maxAttempts").innerText(), "Enter a whole number.");
    assert.match(
      await page.getByTestId("field-timeZone").getByTestId("error-timeZone").innerText(),
      /^Not a known IANA time zone/,
    );
    await page.getByTestId("toast-error").filter({ hasText: "Some values need fixing" }).waitFor();
    assert.deepEqual(await getSettings(db), before, "nothing was saved");

    await page.goto(`${server.baseUrl}/ja/settings`);
    await page.getByRole("heading", { level: 1, name: "設定" }).waitFor();
    await page.getByTestId("setting-cooldownSeconds").fill("100000");
    await page.getByTestId("setting-metricsToken").waitFor({ state: "detached" });
    await page.getByTestId("metrics-token-replace").click();
    await page.getByTestId("setting-metricsToken").fill("short");
    await page.getByTestId("settings-save").click();
    assert.equal(
      await page.getByTestId("field-cooldownSeconds").getByTestId("error-cooldownSeconds").innerText(),
      "1 から 86,400 までの値を入力してください。",
    );
    assert.equal(
      await page.getByTestId("field-metricsToken").getByTestId("error-metricsToken").innerText(),
      "16〜256 文字の英字・数字・記号で入力してください（空白は不可）。",
    );
    await page.screenshot({ path: `${screenshots}settings-errors-ja.png` });
    assert.deepEqual(await getSettings(db), before, "nothing was saved");
    assert.deepEqual(watcher.errors, []);
  });

  it("saves valid settings, stores them, and never sends the metrics token back", async () => {
    const bodies: string[] = [];
    const collect = (response: import("playwright-core").Response) => {
      void response.text().then(
        (text) => bodies.push(text),
        () => undefined,
      );
    };
    page.on("response", collect);
    await page.goto(`${server.baseUrl}/en/settings`);
    await page.getByTestId("metrics-token-status").getByText("Not set").waitFor();
    const values = {
      failoverThreshold: "5",
      failoverWindowSeconds: "120",
      cooldownSeconds: "45",
      maxAttempts: "4",
      connectTimeoutMs: "2500",
      firstTokenTimeoutMs: "20000",
      totalTimeoutMs: "600000",
      logRetentionDays: "14",
      bodyRetentionDays: "3",
      bodyMaxBytes: "2048",
    };
    for (const [key, value] of Object.entries(values)) await page.getByTestId(`setting-${key}`).fill(value);
    await page.getByTestId("setting-storeBodies").check();
    await page.getByTestId("setting-timeZone").fill("asia/tokyo");
    await page.getByTestId("metrics-token-replace").click();
    const token = `prom-${"k".repeat(12)}-secret-token`;
    await page.getByTestId("setting-metricsToken").fill(token);
    await page.getByTestId("settings-save-top").click();
    await page.getByTestId("toast-success").filter({ hasText: "Settings saved." }).waitFor();
    await page.getByTestId("metrics-token-status").getByText("Set", { exact: true }).waitFor();
    assert.equal(await page.getByTestId("setting-timeZone").inputValue(), "Asia/Tokyo", "the zone is shown as stored");

    const saved = await getSettings(db);
    assert.deepEqual(saved, {
      ...defaultSettings,
      ...Object.fromEntries(Object.entries(values).map(([key, value]) => [key, Number(value)])),
      storeBodies: true,
      timeZone: "Asia/Tokyo",
      metricsToken: token,
    });

    // Reload: the page, its RSC payloads and the action's answer never carried the token.
    await page.reload();
    await page.getByTestId("metrics-token-status").getByText("Set", { exact: true }).waitFor();
    assert.ok(!(await page.content()).includes(token));
    await page.waitForTimeout(300);
    page.off("response", collect);
    assert.ok(bodies.length > 3, "responses were collected");
    assert.deepEqual(bodies.filter((body) => body.includes(token)).length, 0, "no response holds the metrics token");

    // Clearing is a separate, explicit step; saving without touching the token keeps it.
    await page.getByTestId("setting-maxAttempts").fill("3");
    await page.getByTestId("settings-save").click();
    await page.getByTestId("toast-success").first().waitFor();
    await waitFor(async () => (await getSettings(db)).maxAttempts === 3, "maxAttempts saved");
    assert.equal((await getSettings(db)).metricsToken, token, "the token survived a save that did not touch it");
    await page.getByTestId("metrics-token-clear").click();
    await page.getByTestId("metrics-token-clearing").waitFor();
    await page.getByTestId("settings-save").click();
    await page.getByTestId("metrics-token-status").getByText("Not set").waitFor();
    assert.equal((await getSettings(db)).metricsToken, "");

    await Promise.all([
      page.waitForURL((url) => url.pathname === "/en/account"),
      page.getByTestId("account-link").click(),
    ]);
    assert.deepEqual(watcher.errors, []);
  });

  it("shows hit counts and last-hit times formatted for each locale, in the chosen time zone", async () => {
    const recentId = await createKeyword(db, { keyword: "upstream overloaded" });
    const oldId = await createKeyword(db, { keyword: "content_filter" });
    await createKeyword(db, { keyword: "insufficient_quota", isEnabled: false });
    // 23:30 UTC is 08:30 the next day in Tokyo, the zone saved by the previous test.
    const oldHit = Date.UTC(2026, 0, 15, 23, 30);
    await addKeywordHits(
      db,
      new Map([
        [recentId, { count: 12_345, lastAt: Date.now() - 2 * 3_600_000 }],
        [oldId, { count: 3, lastAt: oldHit }],
      ]),
    );

    const expectations = {
      en: { heading: "Failure keywords", hits: "12,345", recent: "2 hours ago", old: /Jan 16, 2026/ },
      zh: { heading: "失败关键词", hits: "12,345", recent: "2小时前", old: /2026年1月16日/ },
      ja: { heading: "失敗キーワード", hits: "12,345", recent: "2 時間前", old: /2026\/01\/16/ },
      ko: { heading: "실패 키워드", hits: "12,345", recent: "2시간 전", old: /2026\. 1\. 16\./ },
    } as const;
    for (const locale of locales) {
      const expected = expectations[locale];
      await page.goto(`${server.baseUrl}/${locale}/keywords`);
      await page.getByRole("heading", { level: 1, name: expected.heading }).waitFor();
      const table = page.getByTestId("keyword-table");
      const recent = table.locator('[data-keyword="upstream overloaded"]');
      assert.equal(await recent.getByTestId("keyword-hits").innerText(), expected.hits);
      assert.equal(await recent.getByTestId("keyword-last-hit").innerText(), expected.recent);
      assert.match(
        await table.locator('[data-keyword="content_filter"]').getByTestId("keyword-last-hit").innerText(),
        expected.old,
      );
      assert.match(
        await table.locator('[data-keyword="content_filter"]').getByTestId("keyword-last-hit").innerText(),
        /8:30|08:30/,
      );
    }
    assert.deepEqual(watcher.errors, []);
  });

  it("renders both pages in every locale without raw message ids (screenshots)", async () => {
    for (const locale of locales) {
      for (const section of ["keywords", "settings"] as const) {
        await page.goto(`${server.baseUrl}/${locale}/${section}`);
        await page.getByTestId(section === "keywords" ? "keyword-table" : "settings-form").waitFor();
        const text = await page.locator("body").innerText();
        assert.deepEqual(rawMessageIds(text), [], `${section} in ${locale} shows only translated text`);
        assert.deepEqual(rawMessageIds(await page.content()), [], `${section} in ${locale}: no raw ids in the HTML`);
        await page.screenshot({ path: `${screenshots}${section}-${locale}.png`, fullPage: section === "settings" });
      }
    }

    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      locale: "en-US",
      isMobile: true,
      hasTouch: true,
    });
    const mobile = await phone.newPage();
    const mobileWatcher = watchPage(mobile);
    await signIn(mobile, server.baseUrl, "admin", ADMIN_PASSWORD);
    for (const section of ["keywords", "settings"] as const) {
      await mobile.goto(`${server.baseUrl}/en/${section}`);
      if (section === "keywords") {
        await mobile.getByTestId("keyword-cards").getByTestId("keyword-card").first().waitFor();
        assert.equal(
          await mobile.getByTestId("keyword-table").isVisible(),
          false,
          "the table gives way to cards on a phone",
        );
      } else {
        await mobile.getByTestId("settings-form").waitFor();
      }
      const overflow = await mobile.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      assert.ok(overflow <= 0, `${section} fits 390 px without horizontal scrolling (overflow ${overflow}px)`);
      await mobile.screenshot({ path: `${screenshots}${section}-mobile.png`, fullPage: true });
    }
    assert.deepEqual(mobileWatcher.errors, []);
    await phone.close();
    assert.deepEqual(watcher.errors, []);
  });
});
