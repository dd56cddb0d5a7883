import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { deleteGroup } from "../../db/queries/groups";
import { PLAYGROUND_CALLER_NAME } from "../../lib/playground/stream-chat";
import { launchBrowser, signIn, watchPage, screenshotDir } from "../support/browser";
import { startGateway, waitForLogRow, type Gateway } from "../support/seed";

const screenshots = screenshotDir;
const ADMIN_PASSWORD = "test-password-1";
const namespaces = Object.keys(
  JSON.parse(readFileSync(new URL("../../messages/en.json", import.meta.url), "utf8")) as object,
);
const WORDS = ["The ", "gateway ", "streams ", "this ", "answer ", "word ", "by ", "word."];
const FAILOVER_ANSWER = ["Answered ", "by ", "the ", "second ", "provider."];
const titles = { en: "Playground", zh: "操练场", ja: "プレイグラウンド", ko: "플레이그라운드" } as const;
const greetings = { zh: "你好", ja: "こんにちは", ko: "안녕하세요" } as const;

/** Untranslated text shows up as `Namespace.key` or next-intl's MISSING_MESSAGE marker. */
function rawMessageIds(text: string): string[] {
  const pattern = new RegExp(`\\b(?:${namespaces.join("|")})\\.[a-z][A-Za-z0-9.]*`, "g");
  return [...(text.match(pattern) ?? []), ...(text.includes("MISSING_MESSAGE") ? ["MISSING_MESSAGE"] : [])];
}

describe("playground", () => {
  let gateway: Gateway;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let watcher: { errors: string[] };

  const answers = () => page.getByTestId("chat-message").and(page.locator('[data-role="assistant"]'));
  const lastAnswer = () => answers().last();
  /** How many answers were on screen before the latest message was sent. */
  let answersBefore = 0;

  async function send(text: string): Promise<void> {
    answersBefore = await answers().count();
    await page.getByTestId("playground-input").fill(text);
    await page.getByTestId("playground-send").click();
  }

  /** Waits for the footer of the answer to the latest message and returns its request id. */
  async function finishedTurn(): Promise<string> {
    const footer = answers().nth(answersBefore).getByTestId("turn-footer");
    await footer.waitFor({ timeout: 15_000 });
    const requestId = await footer.getAttribute("data-request-id");
    assert.match(requestId ?? "", /^req_[0-9a-f]{32}$/);
    return requestId!;
  }

  before(async () => {
    gateway = await startGateway({
      env: { ADMIN_PASSWORD },
      // Failures in this file must not open a breaker and turn later attempts into skips.
      settings: { failoverThreshold: 100 },
      async seed(seeder) {
        await seeder.group("chat", [
          { model: "up-a", priceInput: 3, priceOutput: 15 },
          { model: "up-b", priceInput: 0.5, priceOutput: 1.5 },
        ]);
        await seeder.group("slow", ["up-slow"]);
      },
    });
    gateway.mock.setBehavior("up-a", {
      chunks: WORDS,
      chunkDelayMs: 150,
      usage: { prompt_tokens: 1_200, completion_tokens: 350 },
    });
    gateway.mock.setBehavior("up-b", { chunks: FAILOVER_ANSWER, chunkDelayMs: 40 });
    gateway.mock.setBehavior("up-slow", {
      chunks: Array.from({ length: 60 }, (_, index) => `w${index} `),
      chunkDelayMs: 250,
    });
    browser = await launchBrowser();
    mkdirSync(screenshots, { recursive: true });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-US" });
    page = await context.newPage();
    watcher = watchPage(page);
    await signIn(page, gateway.baseUrl, "admin", ADMIN_PASSWORD);
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    const output = gateway?.server.output() ?? "";
    await gateway?.stop();
    assert.doesNotMatch(
      output,
      /MISSING_MESSAGE|FORMATTING_ERROR|INVALID_MESSAGE/,
      "the server reported no message errors",
    );
  });

  it("streams an answer from the chosen group and shows provider, tokens, cost and timing", async () => {
    await page.goto(`${gateway.baseUrl}/en/playground`);
    await page.getByRole("heading", { level: 1, name: "Playground" }).waitFor();
    await page.getByRole("link", { name: "Playground" }).first().waitFor();
    await page.getByTestId("playground-empty").waitFor();
    await page.getByTestId("playground-group").selectOption("chat");
    await send("Say hello through the gateway");

    // Streaming: part of the answer is on screen while the rest is still coming.
    const text = lastAnswer().getByTestId("assistant-text");
    await page.waitForFunction(
      () => {
        const shown =
          document.querySelector('[data-role="assistant"] [data-testid="assistant-text"]')?.textContent ?? "";
        return shown.includes("gateway") && !shown.includes("word.");
      },
      undefined,
      { timeout: 10_000, polling: 20 },
    );
    await page.getByTestId("playground-stop").waitFor();
    const requestId = await finishedTurn();
    assert.equal(await text.innerText(), WORDS.join(""));

    assert.equal(await lastAnswer().getByTestId("turn-provider").innerText(), "up-a");
    assert.equal(await lastAnswer().getByTestId("turn-tokens").innerText(), "1,200 in · 350 out");
    // 1,200 × $3/M + 350 × $15/M
    assert.equal(await lastAnswer().getByTestId("turn-cost").innerText(), "$0.00885");
    assert.match(await lastAnswer().getByTestId("turn-latency").innerText(), /^Latency [\d.,]+ (ms|sec)$/);
    assert.match(await lastAnswer().getByTestId("turn-ttft").innerText(), /^First token [\d.,]+ (ms|sec)$/);
    assert.equal(await lastAnswer().getByTestId("turn-attempts").count(), 0, "one attempt: no failover chain");
    await page.getByTestId("playground-send").waitFor();

    const row = await waitForLogRow(gateway.db, requestId);
    assert.equal(row.apiKeyId, null);
    assert.equal(row.apiKeyName, PLAYGROUND_CALLER_NAME);
    assert.equal(row.groupName, "chat");
    assert.equal(row.providerName, "up-a");
    assert.equal(row.isStream, true);
    const call = gateway.mock.callsFor("up-a").at(-1);
    assert.equal(
      call?.headers.authorization,
      `Bearer ${gateway.canaryKey}`,
      "the upstream got the provider's key; the admin needed none",
    );
  });

  it("fails over when the first provider answers 503 and shows the attempt chain", async () => {
    gateway.mock.queue("up-a", { status: 503 });
    await send("Now with a failing first provider");
    const requestId = await finishedTurn();
    assert.equal(await lastAnswer().getByTestId("assistant-text").innerText(), FAILOVER_ANSWER.join(""));
    assert.equal(await lastAnswer().getByTestId("turn-provider").innerText(), "up-b");
    const chain = lastAnswer().getByTestId("turn-attempts");
    assert.equal(await chain.locator("summary").innerText(), "Failover: 2 attempts");
    await chain.locator("summary").click();
    const attempts = chain.getByTestId("turn-attempt");
    assert.equal(await attempts.count(), 2);
    assert.equal(await attempts.nth(0).getAttribute("data-outcome"), "failed");
    assert.match(await attempts.nth(0).innerText(), /up-a[\s\S]*Failed[\s\S]*503/);
    assert.equal(await attempts.nth(1).getAttribute("data-outcome"), "ok");
    assert.match(await attempts.nth(1).innerText(), /up-b[\s\S]*Answered[\s\S]*200/);

    const row = await waitForLogRow(gateway.db, requestId);
    assert.deepEqual(
      row.attempts.map((attempt) => [attempt.providerName, attempt.status, attempt.outcome]),
      [
        ["up-a", 503, "failed"],
        ["up-b", 200, "ok"],
      ],
    );
    assert.equal(row.apiKeyName, PLAYGROUND_CALLER_NAME);
    assert.equal(await page.getByTestId("chat-message").count(), 4, "the conversation keeps both turns");
    // The second turn sent the whole conversation on.
    const sent = gateway.mock.callsFor("up-b").at(-1)?.body as { messages: { role: string; content: string }[] };
    assert.deepEqual(
      sent.messages.map((message) => message.role),
      ["user", "assistant", "user"],
    );
    await page.screenshot({ path: `${screenshots}playground-en.png`, fullPage: true });
  });

  it("stops a running answer, aborting the upstream call", async () => {
    await page.getByTestId("playground-group").selectOption("slow");
    await send("Count slowly");
    await lastAnswer().getByTestId("assistant-text").filter({ hasText: "w1" }).waitFor({ timeout: 10_000 });
    await page.getByTestId("playground-stop").click();
    await lastAnswer().getByTestId("turn-stopped").waitFor();
    assert.equal(await lastAnswer().getByTestId("turn-stopped").innerText(), "Stopped");
    await gateway.mock.waitFor(
      () => gateway.mock.callsFor("up-slow").at(-1)?.aborted === true,
      5_000,
      () => "the upstream call was aborted",
    );
    await page.getByTestId("playground-send").waitFor();
    assert.doesNotMatch(await lastAnswer().innerText(), /w59/);
  });

  it("shows a translated error with the attempts when every provider fails, and clears the chat", async () => {
    await page.getByTestId("playground-group").selectOption("chat");
    gateway.mock.queue("up-a", { status: 503 });
    gateway.mock.queue("up-b", { status: 500, error: { message: "Traceback (most recent call last): boom" } });
    await send("This one cannot work");
    const error = page.getByTestId("playground-error");
    await error.waitFor({ timeout: 15_000 });
    assert.equal(await error.getAttribute("data-code"), "upstream_error");
    const shown = await error.innerText();
    assert.match(shown, /Every provider of this group failed/);
    assert.doesNotMatch(shown, /Traceback|at \w+ \(|Error:/, "no stack trace or raw upstream text");
    assert.equal(await error.getByTestId("turn-attempt").count(), 2);

    await page.getByTestId("playground-clear").click();
    await page.getByTestId("playground-empty").waitFor();
    assert.equal(await page.getByTestId("chat-message").count(), 0);
    assert.equal(await page.getByTestId("playground-error").count(), 0);
  });

  it("is translated in every locale and fits a phone screen", async () => {
    for (const locale of ["zh", "ja", "ko"] as const) {
      await page.goto(`${gateway.baseUrl}/${locale}/playground`);
      await page.getByRole("heading", { level: 1, name: titles[locale] }).waitFor();
      if (locale === "zh") gateway.mock.queue("up-a", { status: 503 });
      await send(greetings[locale]);
      await finishedTurn();
      if (locale === "zh") await lastAnswer().getByTestId("turn-attempts").locator("summary").click();
      const body = await page.locator("body").innerText();
      assert.deepEqual(rawMessageIds(body), [], `${locale}: no raw message ids`);
      assert.doesNotMatch(body, /Latency|First token|Failover/, `${locale}: the footer is translated`);
      await page.screenshot({ path: `${screenshots}playground-${locale}.png`, fullPage: true });
    }

    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      storageState: await context.storageState(),
    });
    const mobile = await phone.newPage();
    const mobileWatcher = watchPage(mobile);
    await mobile.goto(`${gateway.baseUrl}/en/playground`);
    await mobile.getByTestId("playground-input").fill("Hello from a phone");
    await mobile.getByTestId("playground-send").click();
    await mobile.getByTestId("turn-footer").waitFor({ timeout: 15_000 });
    const scrollWidth = await mobile.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(scrollWidth <= 390, `no sideways scrolling (${scrollWidth} px)`);
    await mobile.screenshot({ path: `${screenshots}playground-mobile.png`, fullPage: true });
    assert.deepEqual(mobileWatcher.errors, []);
    await phone.close();
  });

  it("says what to do when there is no group yet", async () => {
    for (const id of [gateway.seeder.groupId("chat"), gateway.seeder.groupId("slow")])
      await deleteGroup(gateway.db, id);
    await page.goto(`${gateway.baseUrl}/en/playground`);
    await page.getByTestId("empty-state").waitFor();
    const link = page.getByTestId("playground-go-to-groups");
    assert.equal(await link.getAttribute("href"), "/en/groups");
    assert.equal(await page.getByTestId("playground").count(), 0);
    assert.deepEqual(watcher.errors, [], "no console errors, dialogs or failed requests");
  });
});
