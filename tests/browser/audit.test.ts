import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { locales } from "../../app/_framework/i18n/routing";
import { launchBrowser, signIn, watchPage, screenshotDir } from "../support/browser";
import { startTestServer, type TestServer } from "../support/server";

const ADMIN_PASSWORD = "test-password-1";
const METRICS_TOKEN = `prom-${"a".repeat(12)}-audit-canary`;
const namespaces = Object.keys(
  JSON.parse(readFileSync(new URL("../../messages/en.json", import.meta.url), "utf8")) as object,
);

/** Untranslated text shows up as `Namespace.key` or next-intl's MISSING_MESSAGE marker. */
function rawMessageIds(text: string): string[] {
  const pattern = new RegExp(`\\b(?:${namespaces.join("|")})\\.[a-z][A-Za-z0-9.]*`, "g");
  return [...(text.match(pattern) ?? []), ...(text.includes("MISSING_MESSAGE") ? ["MISSING_MESSAGE"] : [])];
}

const expected = {
  en: { title: "Audit log", keyword: "Failure keyword · created", settings: "Settings · changed", source: "Dashboard" },
  zh: { title: "审计日志", keyword: "失败关键词 · 已创建", settings: "设置 · 已修改", source: "控制台" },
  ja: { title: "監査ログ", keyword: "失敗キーワード · 作成", settings: "設定 · 変更", source: "ダッシュボード" },
  ko: { title: "감사 로그", keyword: "실패 키워드 · 생성", settings: "설정 · 변경", source: "대시보드" },
} as const;

describe("the audit log in the browser", () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let watcher: { errors: string[] };

  before(async () => {
    server = await startTestServer({ env: { ADMIN_PASSWORD } });
    browser = await launchBrowser();
    context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      locale: "en-US",
      acceptDownloads: true,
    });
    page = await context.newPage();
    watcher = watchPage(page);
    await signIn(page, server.baseUrl, "admin", ADMIN_PASSWORD);
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    const output = server?.output() ?? "";
    await server?.stop();
    assert.doesNotMatch(output, /MISSING_MESSAGE|FORMATTING_ERROR|INVALID_MESSAGE/, "no message errors");
  });

  it("shows dashboard changes with who, where and before → after, secrets masked, in every locale", async () => {
    await page.goto(`${server.baseUrl}/en/settings`);
    await page.getByTestId("setting-auditRetentionDays").fill("180");
    await page.getByTestId("metrics-token-replace").click();
    await page.getByTestId("setting-metricsToken").fill(METRICS_TOKEN);
    await page.getByTestId("settings-save-top").click();
    await page.getByTestId("toast-success").filter({ hasText: "Settings saved." }).waitFor();

    await page.goto(`${server.baseUrl}/en/keywords`);
    await page.getByTestId("add-keyword-empty").click();
    await page.getByTestId("keyword-input").fill("audit canary");
    await page.getByTestId("keyword-save").click();
    await page.getByTestId("toast-success").filter({ hasText: "Keyword added." }).waitFor();

    for (const locale of locales) {
      const strings = expected[locale];
      await page.goto(`${server.baseUrl}/${locale}/audit`);
      await page.getByRole("heading", { level: 1, name: strings.title }).waitFor();
      const rows = page.getByTestId("audit-row");
      assert.equal(await rows.count(), 2, `${locale}: two entries`);
      const keyword = page.locator('[data-action="keyword.create"]');
      const settings = page.locator('[data-action="settings.update"]');
      assert.match(await keyword.innerText(), new RegExp(strings.keyword));
      assert.match(await keyword.innerText(), /admin/);
      assert.match(await keyword.innerText(), new RegExp(strings.source));
      assert.match(await keyword.getByTestId("audit-target").innerText(), /audit canary/);
      const changes = await settings.getByTestId("audit-changes").innerText();
      assert.match(changes, /auditRetentionDays: 365 → 180/);
      assert.match(changes, /metricsToken: "" → ••••/);
      assert.match(await settings.innerText(), new RegExp(strings.settings));
      const text = await page.locator("body").innerText();
      assert.deepEqual(rawMessageIds(text), [], `${locale}: only translated text`);
      assert.ok(!(await page.content()).includes(METRICS_TOKEN), `${locale}: the token is never shown`);
      // The nav entry is there and marked as the current page.
      await page.locator('nav a[href$="/audit"][aria-current="page"]').first().waitFor();
      await page.screenshot({ path: `${screenshotDir}audit-${locale}.png`, fullPage: true });
    }
    assert.deepEqual(watcher.errors, []);
  });

  it("filters in the URL and exports the filtered entries as CSV", async () => {
    await page.goto(`${server.baseUrl}/en/audit`);
    await page.getByTestId("audit-filter-kind").selectOption("keyword");
    await page.getByTestId("audit-filter-actor").fill("adm");
    await Promise.all([
      page.waitForURL((url) => url.searchParams.get("kind") === "keyword"),
      page.getByTestId("audit-filter-apply").click(),
    ]);
    assert.equal(new URL(page.url()).searchParams.get("actor"), "adm");
    await page.getByTestId("audit-table").waitFor();
    assert.equal(await page.getByTestId("audit-row").count(), 1);
    assert.equal(await page.locator('[data-action="keyword.create"]').count(), 1);
    await page.screenshot({ path: `${screenshotDir}audit-filtered-en.png` });

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("audit-export").click()]);
    const file = await download.path();
    assert.ok(file);
    const csv = readFileSync(file, "utf8");
    assert.ok(csv.startsWith("\uFEFFtime_utc,time_local,actor,source,ip,user_agent,action,"), "a BOM, then the header");
    const lines = csv.trim().split("\r\n");
    assert.equal(lines.length, 2, "the header and the one filtered entry");
    assert.match(lines[1] ?? "", /,admin,dashboard,/);
    assert.match(lines[1] ?? "", /,keyword\.create,keyword,\d+,audit canary,/);
    assert.match(lines[1] ?? "", /HeadlessChrome|Chrome/, "the user agent is recorded");

    await page.goto(`${server.baseUrl}/en/audit?target=no-such-thing`);
    await page.getByTestId("empty-state").waitFor();

    const all = await page.request.get(`${server.baseUrl}/api/audit/export`);
    assert.equal(all.status(), 200);
    assert.ok(!(await all.text()).includes(METRICS_TOKEN), "the export masks the token");
    const anonymous = await fetch(`${server.baseUrl}/api/audit/export`);
    assert.equal(anonymous.status, 401);
    assert.deepEqual(watcher.errors, []);
  });
});
