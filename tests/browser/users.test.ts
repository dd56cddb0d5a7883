import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { locales } from "../../app/_framework/i18n/routing";
import { launchBrowser, signIn, watchPage, screenshotDir } from "../support/browser";
import { startTestServer, type TestServer } from "../support/server";

const OWNER_PASSWORD = "owner-password-1";
const namespaces = Object.keys(
  JSON.parse(readFileSync(new URL("../../messages/en.json", import.meta.url), "utf8")) as object,
);

/** Untranslated text shows up as `Namespace.key` or next-intl's MISSING_MESSAGE marker. */
function rawMessageIds(text: string): string[] {
  const pattern = new RegExp(`\\b(?:${namespaces.join("|")})\\.[a-z][A-Za-z0-9.]*`, "g");
  return [...(text.match(pattern) ?? []), ...(text.includes("MISSING_MESSAGE") ? ["MISSING_MESSAGE"] : [])];
}

const titles = { en: "Users", zh: "用户", ja: "ユーザー", ko: "사용자" } as const;
const viewerLabels = { en: "Viewer", zh: "查看者", ja: "閲覧者", ko: "뷰어" } as const;

describe("the users page in the browser", () => {
  let server: TestServer;
  let browser: Browser;
  let owner: BrowserContext;
  let page: Page;
  let watcher: { errors: string[] };

  before(async () => {
    server = await startTestServer({ env: { ADMIN_PASSWORD: OWNER_PASSWORD } });
    browser = await launchBrowser();
    owner = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-US" });
    page = await owner.newPage();
    watcher = watchPage(page);
    await signIn(page, server.baseUrl, "admin", OWNER_PASSWORD);
  });

  after(async () => {
    await owner?.close();
    await browser?.close();
    const output = server?.output() ?? "";
    await server?.stop();
    assert.doesNotMatch(output, /MISSING_MESSAGE|FORMATTING_ERROR|INVALID_MESSAGE/, "no message errors");
  });

  it("an owner adds a viewer, who signs in read-only, is refused a write, and is signed out when removed", async () => {
    await page.goto(`${server.baseUrl}/en/users`);
    await page.getByTestId("add-user").click();
    await page.getByTestId("user-username").fill("vera");
    await page.getByTestId("user-password").fill("temporary-1");
    await page.getByTestId("user-role").selectOption("viewer");
    await page.getByTestId("user-save").click();
    await page.locator('[data-testid=user-row][data-user="vera"]').waitFor();

    const viewerContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const viewer = await viewerContext.newPage();
    await signIn(viewer, server.baseUrl, "vera", "temporary-1", "/en/change-password");
    await viewer.fill("#password-current", "temporary-1");
    await viewer.fill("#password-next", "vera-password-2");
    await viewer.fill("#password-confirm", "vera-password-2");
    await Promise.all([viewer.waitForURL((url) => url.pathname === "/en"), viewer.click("button[type=submit]")]);
    assert.match((await viewer.getByTestId("signed-in-role").textContent()) ?? "", /Viewer/);

    await viewer.goto(`${server.baseUrl}/en/users`);
    await viewer.getByTestId("users-refused").waitFor();
    await viewer.screenshot({ path: `${screenshotDir}users-viewer-refused.png` });

    // The button is there in the page today, but the server says no and nothing is created.
    await viewer.goto(`${server.baseUrl}/en/keywords`);
    await viewer.getByTestId("add-keyword").first().click();
    await viewer.getByTestId("keyword-input").fill("viewer-keyword");
    await viewer.getByTestId("keyword-save").click();
    await viewer.getByText("Your role does not allow this change.").waitFor();
    await viewer.screenshot({ path: `${screenshotDir}users-viewer-forbidden.png` });

    await page.goto(`${server.baseUrl}/en/keywords`);
    assert.equal(await page.getByText("viewer-keyword").count(), 0, "the viewer's keyword was not created");

    await page.goto(`${server.baseUrl}/en/users`);
    const row = page.locator('[data-testid=user-row][data-user="vera"]');
    await row.getByTestId("user-remove").click();
    await page.getByTestId("confirm").click();
    await row.waitFor({ state: "detached" });

    await viewer.goto(`${server.baseUrl}/en/logs`);
    await viewer.waitForURL((url) => url.pathname === "/en/login");
    await viewerContext.close();
  });

  it("lists users with role and last sign-in in every locale", async () => {
    await page.goto(`${server.baseUrl}/en/users`);
    await page.getByTestId("add-user").click();
    await page.getByTestId("user-username").fill("olivia");
    await page.getByTestId("user-password").fill("temporary-2");
    await page.getByTestId("user-role").selectOption("viewer");
    await page.getByTestId("user-save").click();
    await page.locator('[data-testid=user-row][data-user="olivia"]').waitFor();

    for (const locale of locales) {
      await page.goto(`${server.baseUrl}/${locale}/users`);
      await page.getByTestId("user-table").waitFor();
      assert.equal(await page.locator("h1").first().textContent(), titles[locale]);
      const olivia = page.locator('[data-testid=user-row][data-user="olivia"]');
      assert.match((await olivia.textContent()) ?? "", new RegExp(viewerLabels[locale]));
      const text = (await page.locator("body").textContent()) ?? "";
      assert.deepEqual(rawMessageIds(text), [], `${locale}: no untranslated ids`);
      await page.screenshot({ path: `${screenshotDir}users-${locale}.png`, fullPage: true });
    }

    const row = page.locator('[data-testid=user-row][data-user="olivia"]');
    await page.goto(`${server.baseUrl}/en/users`);
    await row.getByTestId("user-role-select").selectOption("admin");
    await page.getByText("Role changed").first().waitFor();
    await page.reload();
    assert.match((await row.textContent()) ?? "", /Admin/);
    assert.deepEqual(watcher.errors, []);
  });
});
