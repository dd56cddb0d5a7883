import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchBrowser, signIn, watchPage } from "../support/browser";
import { startGateway, type Gateway } from "../support/seed";
import { FigureBook } from "./support/figures";
import { CaseChecker } from "./support/invariants";

/*
 * RELIABILITY H through the real request path: hostile provider (model) names, completions
 * and upstream errors — markup, script, `javascript:` links, control and bidi characters, a
 * megabyte on one line — go through the gateway into the log, the overview, the provider and
 * group pages and the playground. They must render as inert, bounded text: no element, no
 * dialog, no console error (a CSP violation is one). tests/browser/analytics.test.ts covers
 * the log list and detail with seeded rows.
 */

const ADMIN_PASSWORD = "reliability-admin-1";
const MARKUP = `<script>alert("s")</script><img src=x onerror="alert('i')"><a href="javascript:alert('a')">link</a> [md](javascript:alert('m')) \u0007bell \u202Eevil \u0000nul`;
const MEGABYTE_LINE = "w".repeat(1_000_000);
const HOSTILE_MODEL = `<b>model</b><img src=x onerror=alert('model')>`;
const INJECTED = 'img[src="x"], a[href^="javascript:"], b, iframe, object, embed';

describe("reliability: hostile content renders inert in the dashboard", () => {
  const book = new FigureBook("hostile-content");
  let gw: Gateway;
  let key: string;
  let checker: CaseChecker;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let watcher: { errors: string[] };

  before(async () => {
    gw = await startGateway({
      env: { ADMIN_PASSWORD },
      settings: { failoverThreshold: 100 },
      async seed(s) {
        await s.group("hostile", [HOSTILE_MODEL]);
        await s.group("huge", ["hc-huge"]);
        await s.group("bad-request", ["hc-400"]);
        await s.group("failing", ["hc-500", "hc-503"]);
        key = await s.key("app", { allGroups: true });
      },
    });
    gw.mock.setBehavior(HOSTILE_MODEL, { chunks: [MARKUP, " and more"], responseModel: HOSTILE_MODEL });
    gw.mock.setBehavior("hc-huge", { text: `${MARKUP} ${MEGABYTE_LINE}` });
    gw.mock.setBehavior("hc-400", {
      status: 400,
      error: {
        message: `${MARKUP} ${MEGABYTE_LINE}`,
        type: "invalid_request_error",
        param: "messages",
        code: "context_length_exceeded",
      },
    });
    gw.mock.setBehavior("hc-500", { status: 500, error: { message: `${MARKUP} ${MEGABYTE_LINE}` } });
    gw.mock.setBehavior("hc-503", { status: 503, html: `<html><body>${MARKUP}</body></html>` });
    checker = new CaseChecker(gw, book, "H");
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-US" });
    page = await context.newPage();
    watcher = watchPage(page);
    await signIn(page, gw.baseUrl, "admin", ADMIN_PASSWORD);
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    await gw?.stop();
  });

  async function assertInert(where: string): Promise<void> {
    assert.equal(await page.locator(INJECTED).count(), 0, `${where}: no element came out of the content`);
    const textLength = await page.evaluate(() => document.body.innerText.length);
    assert.ok(
      textLength < 400_000,
      `${where}: a megabyte line is shown shortened (${textLength} characters on the page)`,
    );
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `${where}: no sideways scrolling (${overflow}px)`);
    assert.deepEqual(watcher.errors, [], `${where}: no dialog and no console error`);
  }

  it("sends hostile answers and errors through the API, one row each, nothing leaked", async () => {
    const messages = [{ role: "user", content: `${MARKUP} ${MEGABYTE_LINE}` }];
    assert.equal((await gw.chat(key, { model: "hostile", messages })).status, 200);
    assert.equal((await gw.chat(key, { model: "huge", messages })).status, 200);
    assert.equal((await gw.chat(key, { model: "bad-request", messages })).status, 400);
    assert.equal((await gw.chat(key, { model: "failing", messages })).status, 502);
    const rows = await checker.check({ mockCalls: 5, faults: 5 });
    assert.equal(rows.length, 4);
  });

  it("shows them as inert, shortened text on the overview, provider, group and log pages", async () => {
    for (const path of ["/en", "/en/providers", "/en/groups", "/en/logs", "/ja/logs"]) {
      await page.goto(`${gw.baseUrl}${path}`);
      await page.locator("h1").first().waitFor();
      await assertInert(path);
    }
    const huge = await page
      .locator('[data-testid="log-row"]')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute("data-request-id")));
    for (const requestId of huge) {
      await page.goto(`${gw.baseUrl}/en/logs/${requestId}`);
      await page.getByRole("heading", { name: "Call details" }).waitFor();
      await assertInert(`log ${requestId}`);
    }
    assert.ok(huge.length >= 4);
    await page.goto(`${gw.baseUrl}/en/providers`);
    assert.ok(
      (await page.locator("body").innerText()).includes("<b>model</b>"),
      "the hostile model name is shown as text",
    );
  });

  it("streams a hostile answer and shows hostile upstream errors inertly in the playground", async () => {
    await page.goto(`${gw.baseUrl}/en/playground`);
    await page.getByTestId("playground-empty").waitFor();
    for (const group of ["hostile", "huge", "bad-request", "failing"]) {
      await page.getByTestId("playground-group").selectOption(group);
      await page.getByTestId("playground-input").fill(MARKUP);
      await page.getByTestId("playground-send").click();
      // The playground's own request: its row is expected like any other.
      gw.track(null);
      await page.getByTestId("playground-send").waitFor({ timeout: 20_000 });
      await page.waitForFunction(() => !document.querySelector('[data-testid="playground-stop"]'), undefined, {
        timeout: 20_000,
      });
      await assertInert(`playground ${group}`);
      if (group === "huge") {
        const shown = await page.locator('[data-testid="chat-message"][data-role="assistant"]').last().innerText();
        assert.ok(shown.includes("w".repeat(1_000)), "the huge answer is there, shortened");
      }
    }
    const text = await page.locator("body").innerText();
    assert.ok(text.includes('<script>alert("s")</script>'), "the markup is shown as text");
    await checker.check({ mockCalls: 5, faults: 5 });
    book.fault("H", 12);
  });
});
