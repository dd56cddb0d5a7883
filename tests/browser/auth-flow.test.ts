import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import { launchBrowser, signIn, watchPage, screenshotDir } from "../support/browser";
import { startTestServer, type TestServer } from "../support/server";

const screenshots = screenshotDir;

describe("admin sign-in journey in the browser", () => {
  let server: TestServer;
  let browser: Browser;

  before(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    mkdirSync(screenshots, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("forces a password change, signs out, signs in with the new password and switches to Japanese", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-US" });
    const page = await context.newPage();
    const watcher = watchPage(page);

    await page.goto(`${server.baseUrl}/`);
    assert.match(new URL(page.url()).pathname, /^\/en\/login$/);
    await page.screenshot({ path: `${screenshots}login.png` });

    await page.fill("#username", "admin");
    await page.fill("#password", "wrong-password");
    await page.click("button[type=submit]");
    await page.getByTestId("login-error").waitFor();

    await signIn(page, server.baseUrl, "admin", "password", "/en/change-password");
    assert.match(new URL(page.url()).pathname, /^\/en\/change-password$/);

    // Nothing else is reachable until the default password is changed.
    await page.goto(`${server.baseUrl}/en/account`);
    assert.match(new URL(page.url()).pathname, /^\/en\/change-password$/);

    await page.fill("#password-current", "password");
    await page.fill("#password-next", "short");
    await page.fill("#password-confirm", "short");
    await page.click("button[type=submit]");
    await page.getByText("Use at least 8 characters.").waitFor();

    await page.fill("#password-current", "password");
    await page.fill("#password-next", "a-new-secret-1");
    await page.fill("#password-confirm", "a-new-secret-1");
    await Promise.all([page.waitForURL((url) => url.pathname === "/en"), page.click("button[type=submit]")]);
    await page.getByRole("heading", { name: "Overview" }).waitFor();
    await page.screenshot({ path: `${screenshots}overview.png` });

    const cookies = await context.cookies();
    const sessionCookie = cookies.find((cookie) => cookie.name.includes("authjs.session-token"));
    assert.ok(sessionCookie, "a session cookie is set");
    assert.equal(sessionCookie.httpOnly, true);
    assert.equal(sessionCookie.sameSite, "Lax");

    await Promise.all([
      page.waitForURL((url) => url.pathname === "/en/login"),
      page.getByTestId("logout").first().click(),
    ]);

    // The old cookie no longer opens the dashboard after logout.
    await context.addCookies([sessionCookie]);
    await page.goto(`${server.baseUrl}/en`);
    assert.match(new URL(page.url()).pathname, /^\/en\/login$/);

    await page.fill("#username", "admin");
    await page.fill("#password", "password");
    await page.click("button[type=submit]");
    await page.getByTestId("login-error").waitFor();

    await signIn(page, server.baseUrl, "admin", "a-new-secret-1");
    assert.equal(new URL(page.url()).pathname, "/en");

    await Promise.all([
      page.waitForURL((url) => url.pathname === "/ja"),
      page.getByTestId("locale-switcher").selectOption("ja"),
    ]);
    await page.getByRole("heading", { name: "概要" }).waitFor();
    assert.ok(await page.getByText("ログアウト").first().isVisible());
    await page.screenshot({ path: `${screenshots}overview-ja.png` });

    assert.deepEqual(watcher.errors, []);
    await context.close();
  });

  it("sends a visitor to the best locale from Accept-Language", async () => {
    const context = await browser.newContext({
      locale: "ko-KR",
      extraHTTPHeaders: { "accept-language": "ko-KR,ko;q=0.9" },
    });
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/`);
    assert.equal(new URL(page.url()).pathname, "/ko/login");
    await page.getByRole("heading", { name: "로그인" }).waitFor();
    await context.close();
  });
});
