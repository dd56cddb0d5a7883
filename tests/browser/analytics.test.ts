import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Kysely } from "kysely";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { createDb } from "../../db/client";
import { migrateToLatest } from "../../db/migrate";
import { createApiKey } from "../../db/queries/api-keys";
import { insertCallLogs } from "../../db/queries/call-logs";
import { createCredential } from "../../db/queries/credentials";
import { createGroup, setGroupMember } from "../../db/queries/groups";
import { createProvider } from "../../db/queries/providers";
import { saveSettings } from "../../db/queries/settings";
import type { Database } from "../../db/schema";
import type { AttemptRecord, CallLogRecord } from "../../lib/gateway/types";
import { launchBrowser, signIn, watchPage, screenshotDir } from "../support/browser";
import { createTestCipher, startTestServer, type TestServer } from "../support/server";
import type { TestDatabase } from "../support/test-database";
import { createServerDatabase } from "../support/test-store";

const screenshots = screenshotDir;
const PASSWORD = "test-password-1";
const TIME_ZONE = "Asia/Tokyo";
const HOUR = 3_600_000;
const RAW_MESSAGE_ID =
  /\b(?:Overview|Logs|Nav|Common)\.[a-z][A-Za-z0-9.]+|MISSING_MESSAGE|INVALID_MESSAGE|FORMATTING_ERROR/;
const BAR_MARKS = ".recharts-bar-rectangle rect, .recharts-bar-rectangle path";
const HOSTILE = `<script>alert(1)</script><img src=x onerror="alert(2)"> javascript:alert(3) [click](javascript:alert(4)) \u0007bell \u202Eevil`;

interface Seeded {
  records: CallLogRecord[];
  providerIds: { alpha: number; beta: number };
  keyIds: { web: number; batch: number };
}

function attempts(providerIds: Seeded["providerIds"], kind: "ok" | "failover" | "fail"): AttemptRecord[] {
  const alpha = { providerId: providerIds.alpha, providerName: "alpha-provider" };
  const beta = { providerId: providerIds.beta, providerName: "beta-provider" };
  if (kind === "ok") return [{ ...alpha, status: 200, latencyMs: 420, outcome: "ok", reason: null }];
  if (kind === "failover") {
    return [
      { ...alpha, status: 503, latencyMs: 120, outcome: "failed", reason: "upstream answered 503 Service Unavailable" },
      { ...beta, status: 200, latencyMs: 610, outcome: "ok", reason: null },
    ];
  }
  return [
    { ...alpha, status: 502, latencyMs: 90, outcome: "failed", reason: "upstream answered 502 Bad Gateway" },
    { ...beta, status: null, latencyMs: 30_000, outcome: "failed", reason: "first-token timeout after 30000 ms" },
  ];
}

async function seed(db: Kysely<Database>, now: number): Promise<Seeded> {
  await migrateToLatest(db);
  const cipher = createTestCipher();
  const credentialId = await createCredential(db, cipher, {
    name: "mock",
    baseUrl: "http://127.0.0.1:9/v1",
    apiKey: "sk-test-analytics-0000",
  });
  const alpha = await createProvider(db, {
    name: "alpha-provider",
    credentialId,
    upstreamModel: "m-a",
    isEnabled: false,
  });
  const beta = await createProvider(db, {
    name: "beta-provider",
    credentialId,
    upstreamModel: "m-b",
    isEnabled: false,
  });
  for (const name of ["smart", "fast"]) {
    const groupId = await createGroup(db, { name });
    await setGroupMember(db, groupId, { providerId: alpha, priority: 1, weight: 1 });
    await setGroupMember(db, groupId, { providerId: beta, priority: 2, weight: 1 });
  }
  const web = (await createApiKey(db, { name: "web-app", allGroups: true, groupIds: [], expiresAt: null })).id;
  const batch = (await createApiKey(db, { name: "batch-jobs", allGroups: true, groupIds: [], expiresAt: null })).id;
  await saveSettings(db, { timeZone: TIME_ZONE, storeBodies: true });
  const providerIds = { alpha, beta };
  const keyIds = { web, batch };

  const records: CallLogRecord[] = [];
  for (let index = 0; index < 240; index += 1) {
    const kind = index % 9 === 4 ? "fail" : index % 7 === 3 ? "failover" : "ok";
    const isStream = index % 2 === 0;
    const createdAt = now - 60_000 - index * 2.7 * HOUR - (index % 5) * 60_000;
    records.push({
      requestId: `req_seed_${String(index).padStart(4, "0")}`,
      createdAt: Math.round(createdAt),
      apiKeyId: index % 3 === 0 ? batch : web,
      apiKeyName: index % 3 === 0 ? "batch-jobs" : "web-app",
      groupName: index % 4 === 0 ? "fast" : "smart",
      providerId: kind === "failover" || kind === "fail" ? beta : alpha,
      providerName: kind === "failover" || kind === "fail" ? "beta-provider" : "alpha-provider",
      status: kind === "fail" ? (index % 2 === 0 ? 504 : 502) : 200,
      isStream,
      latencyMs: 300 + (index % 13) * 97,
      ttftMs: isStream && kind !== "fail" ? 120 + (index % 7) * 40 : null,
      promptTokens: kind === "fail" ? 0 : 500 + index * 3,
      completionTokens: kind === "fail" ? 0 : 120 + index,
      cachedTokens: index % 5 === 0 ? 100 : 0,
      cacheWriteTokens: 0,
      billedUnits: 0,
      billedUnit: "none",
      api: "chat.completions",
      cost: kind === "fail" ? 0 : 0.002 + index * 0.0001,
      isUsageEstimated: index % 11 === 0,
      isIncomplete: false,
      error: kind === "fail" ? `all providers failed: first-token timeout after 30000 ms (${index})` : null,
      attempts: attempts(providerIds, kind),
      requestBody: null,
      responseBody: null,
    });
  }
  const base = {
    apiKeyId: web,
    apiKeyName: "web-app",
    isStream: false,
    ttftMs: null,
    promptTokens: 10,
    completionTokens: 0,
    cachedTokens: 0,
    cacheWriteTokens: 0,
    billedUnits: 0,
    billedUnit: "none" as const,
    api: "chat.completions",
    cost: 0,
    isUsageEstimated: false,
    isIncomplete: false,
  };
  records.push({
    ...base,
    requestId: "req_chain",
    createdAt: now - 30 * 60_000,
    groupName: "smart",
    providerId: beta,
    providerName: "beta-provider",
    status: 200,
    latencyMs: 730,
    isStream: true,
    ttftMs: 250,
    completionTokens: 42,
    cost: 0.0123,
    isUsageEstimated: true,
    error: null,
    attempts: attempts(providerIds, "failover"),
    requestBody: '{"model":"smart","messages":[{"role":"user","content":"hello"}]}',
    responseBody: null,
  });
  records.push({
    ...base,
    requestId: "req_hostile",
    createdAt: now - 20 * 60_000,
    groupName: "smart",
    providerId: alpha,
    providerName: "<b>alpha</b><script>alert('name')</script>",
    status: 502,
    latencyMs: 95,
    error: HOSTILE,
    attempts: [
      {
        providerId: alpha,
        providerName: "<i>x</i>",
        status: 502,
        latencyMs: 95,
        outcome: "failed",
        reason: `<script>alert("reason")</script> javascript:alert(6)`,
      },
    ],
    requestBody: `{"messages":[{"role":"user","content":"<a href=\\"javascript:alert(5)\\">click</a><script>alert(7)</script>"}]}`,
    responseBody: `data: ${"x".repeat(1_000_000)}`,
  });
  records.push({
    ...base,
    requestId: "req_long",
    createdAt: now - 10 * 60_000,
    groupName: "fast",
    providerId: alpha,
    providerName: "alpha-provider",
    status: 500,
    latencyMs: 80,
    error: `long ${"y".repeat(1_000_000)}`,
    attempts: attempts(providerIds, "fail"),
    requestBody: null,
    responseBody: null,
  });
  records.push({
    ...base,
    requestId: "req_formula",
    createdAt: now - 5 * 60_000,
    apiKeyName: "=cmd|' /C calc'!A0",
    groupName: "smart",
    providerId: alpha,
    providerName: "alpha-provider",
    status: 400,
    latencyMs: 60,
    error: '=HYPERLINK("http://evil.example","x")',
    attempts: [
      {
        providerId: alpha,
        providerName: "alpha-provider",
        status: 400,
        latencyMs: 60,
        outcome: "client_error",
        reason: "@SUM(1+1)",
      },
    ],
    requestBody: null,
    responseBody: null,
  });
  await insertCallLogs(db, records);
  return { records, providerIds, keyIds };
}

async function assertTranslated(page: Page, label: string): Promise<void> {
  assert.doesNotMatch(await page.locator("body").innerText(), RAW_MESSAGE_ID, `${label}: raw message id in the text`);
  assert.doesNotMatch(
    await page.content(),
    /MISSING_MESSAGE|INVALID_MESSAGE|FORMATTING_ERROR/,
    `${label}: next-intl error marker`,
  );
}

/** A chart drew colored marks: Tremor's classes were generated by Tailwind (@source). */
async function assertChartColored(page: Page, testId: string, selector: string): Promise<void> {
  const chart = page.getByTestId(testId);
  await chart.locator("svg.recharts-surface").first().waitFor();
  const fills = await chart.locator(selector).evaluateAll((elements) =>
    elements.slice(0, 20).map((element) => {
      const style = getComputedStyle(element);
      return style.fill && style.fill !== "none" ? style.fill : style.stroke;
    }),
  );
  assert.ok(fills.length > 0, `${testId}: has marks`);
  assert.ok(
    fills.some((fill) => fill !== "none" && fill !== "rgb(0, 0, 0)" && fill !== ""),
    `${testId}: marks are colored (${fills.slice(0, 3).join(", ")})`,
  );
}

describe("analytics overview and call logs in the browser", () => {
  let server: TestServer;
  let browser: Browser;
  let db: Kysely<Database>;
  let seeded: Seeded;
  let dataDir: string;
  let database: TestDatabase | undefined;
  let context: BrowserContext;
  let page: Page;
  let watcher: { errors: string[] };
  const now = Date.now();

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "aps-analytics-"));
    database = await createServerDatabase(dataDir);
    const databaseUrl = database.url;
    db = createDb(databaseUrl);
    seeded = await seed(db, now);
    server = await startTestServer({ databaseUrl, dataDir, env: { ADMIN_PASSWORD: PASSWORD } });
    browser = await launchBrowser();
    mkdirSync(screenshots, { recursive: true });
    context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      locale: "en-US",
      acceptDownloads: true,
    });
    page = await context.newPage();
    watcher = watchPage(page);
    await signIn(page, server.baseUrl, "admin", PASSWORD);
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
    await db?.destroy();
    await database?.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("shows the overview with colored charts over the chosen range, in two locales", async () => {
    const to = Math.floor(Date.now() / HOUR) * HOUR + HOUR;
    const inDay = seeded.records.filter((record) => record.createdAt >= to - 24 * HOUR);
    await page.goto(`${server.baseUrl}/en`);
    await page.getByRole("heading", { name: "Overview" }).waitFor();
    const requests = (await page.getByTestId("kpi-requests").getByTestId("kpi-value").innerText()).trim();
    assert.equal(requests, new Intl.NumberFormat("en").format(inDay.length));
    await page.getByRole("heading", { name: "Requests per hour" }).waitFor();
    await page.getByText(`times in ${TIME_ZONE}`).waitFor();
    await assertChartColored(page, "chart-requests", BAR_MARKS);
    await assertChartColored(page, "chart-latency", "path.recharts-curve");
    await assertChartColored(page, "chart-by-group", "path.recharts-sector");
    await page.getByTestId("base-url").waitFor();
    await assertTranslated(page, "en overview");

    await Promise.all([
      page.waitForURL((url) => url.searchParams.get("range") === "30d"),
      page.getByTestId("range-30d").click(),
    ]);
    await page.getByRole("heading", { name: "Requests per day" }).waitFor();
    const all = (await page.getByTestId("kpi-requests").getByTestId("kpi-value").innerText()).trim();
    assert.equal(all, new Intl.NumberFormat("en").format(seeded.records.length));
    await page.getByTestId("usage-tab-key").click();
    const keyNames = await page
      .getByTestId("usage-table-key")
      .getByTestId("usage-row")
      .locator("td:first-child")
      .allInnerTexts();
    assert.deepEqual([...keyNames].sort(), ["batch-jobs", "web-app"], "keys named as the api_keys table names them");
    await page.getByTestId("usage-tab-group").click();
    await assertChartColored(page, "chart-requests", BAR_MARKS);
    await page.screenshot({ path: `${screenshots}overview-en.png`, fullPage: true });

    // A custom range through the form; an impossible one falls back with a notice.
    await page.getByTestId("range-from").fill("2020-01-01");
    await page.getByTestId("range-to").fill("2020-01-03");
    await Promise.all([
      page.waitForURL((url) => url.searchParams.get("range") === "custom"),
      page.getByTestId("range-apply").click(),
    ]);
    await page.getByTestId("empty-state").waitFor();
    await page.goto(`${server.baseUrl}/en?range=custom&from=2026-02-10&to=2026-01-01`);
    await page.getByTestId("range-invalid").waitFor();

    await page.goto(`${server.baseUrl}/zh?range=30d`);
    await page.getByRole("heading", { name: "概览" }).waitFor();
    await page.getByRole("heading", { name: "每日请求数" }).waitFor();
    assert.equal(
      (await page.getByTestId("kpi-requests").getByTestId("kpi-value").innerText()).trim(),
      new Intl.NumberFormat("zh").format(seeded.records.length),
    );
    await assertChartColored(page, "chart-requests", BAR_MARKS);
    await assertTranslated(page, "zh overview");
    await page.screenshot({ path: `${screenshots}overview-zh.png`, fullPage: true });

    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.baseUrl}/en?range=7d`);
    await page.getByTestId("chart-requests").locator("svg.recharts-surface").first().waitFor();
    assert.ok(
      (await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)) <= 1,
      "the overview fits 390 px",
    );
    await page.screenshot({ path: `${screenshots}overview-mobile.png`, fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
    assert.deepEqual(watcher.errors, []);
  });

  it("lists calls newest first, pages by keyset, filters, and renders hostile text inert", async () => {
    const newestFirst = [...seeded.records].sort((a, b) => b.createdAt - a.createdAt).map((record) => record.requestId);
    await page.goto(`${server.baseUrl}/en/logs`);
    await page.getByRole("heading", { name: "Call logs" }).waitFor();
    await page.getByText(`Times are in ${TIME_ZONE}.`).waitFor();
    const firstPage = await page
      .getByTestId("log-row")
      .evaluateAll((rows) => rows.map((row) => row.getAttribute("data-request-id")));
    assert.deepEqual(firstPage, newestFirst.slice(0, 50));

    // Hostile content stays text: no dialog (watcher), no injected element, no javascript: link.
    const hostileError = page.locator('[data-testid="log-error"][data-request-id="req_hostile"]');
    assert.match(await hostileError.innerText(), /<script>alert\(1\)<\/script><img src=x onerror="alert\(2\)">/);
    assert.equal(await page.locator('a[href^="javascript:"], img[src="x"], b, i').count(), 0);
    const longCell = await page.locator('[data-testid="log-error"][data-request-id="req_long"]').innerText();
    assert.ok(longCell.length < 200, `a megabyte-long error is cut in the list (${longCell.length} chars)`);
    await assertTranslated(page, "en logs");
    await page.screenshot({ path: `${screenshots}logs-en.png`, fullPage: true });

    // Every row exactly once, following "Older" to the end.
    const seen = [...firstPage];
    for (let guard = 0; guard < 20; guard += 1) {
      const older = page.getByTestId("page-older");
      if ((await older.count()) === 0) break;
      const previous = page.url();
      await Promise.all([page.waitForURL((url) => url.toString() !== previous), older.click()]);
      seen.push(
        ...(await page
          .getByTestId("log-row")
          .evaluateAll((rows) => rows.map((row) => row.getAttribute("data-request-id") ?? ""))),
      );
    }
    assert.deepEqual(seen, newestFirst);

    // Filters: group + status class + text in the error, as the form submits them.
    await page.goto(`${server.baseUrl}/en/logs`);
    await page.getByTestId("filter-group").fill("smart");
    await page.getByTestId("filter-status").selectOption("5xx");
    await page.getByTestId("filter-q").fill("TIMEOUT after");
    await Promise.all([
      page.waitForURL((url) => url.searchParams.get("status") === "5xx"),
      page.getByTestId("filter-apply").click(),
    ]);
    const expected = newestFirst.filter((id) => {
      const record = seeded.records.find((entry) => entry.requestId === id);
      return (
        record &&
        record.groupName === "smart" &&
        record.status >= 500 &&
        record.status < 600 &&
        (record.error ?? "").toLowerCase().includes("timeout after")
      );
    });
    assert.ok(expected.length > 3);
    assert.deepEqual(
      await page.getByTestId("log-row").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-request-id"))),
      expected.slice(0, 50),
    );
    await page.getByTestId("filter-stream").selectOption("yes");
    await Promise.all([
      page.waitForURL((url) => url.searchParams.get("stream") === "yes"),
      page.getByTestId("filter-apply").click(),
    ]);
    const streaming = expected.filter((id) => seeded.records.find((record) => record.requestId === id)?.isStream);
    assert.equal(await page.getByTestId("log-row").count(), streaming.length);
    await page.getByTestId("filter-key").selectOption({ label: "batch-jobs" });
    await page.getByTestId("filter-provider").selectOption({ label: "alpha-provider" });
    await page.getByTestId("filter-q").fill("no such words");
    await Promise.all([
      page.waitForURL((url) => url.searchParams.get("q") === "no such words"),
      page.getByTestId("filter-apply").click(),
    ]);
    await page.getByTestId("empty-state").getByText("No calls match these filters").waitFor();

    await page.goto(`${server.baseUrl}/zh/logs`);
    await page.getByRole("heading", { name: "调用日志" }).waitFor();
    await assertTranslated(page, "zh logs");
    await page.screenshot({ path: `${screenshots}logs-zh.png`, fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.baseUrl}/en/logs`);
    await page.getByTestId("log-cards").waitFor();
    assert.equal(await page.getByTestId("log-card").count(), 50);
    assert.ok(
      (await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)) <= 1,
      "the logs fit 390 px",
    );
    await page.getByTestId("log-card").nth(2).scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${screenshots}logs-mobile.png` });
    await page.setViewportSize({ width: 1280, height: 800 });
    assert.deepEqual(watcher.errors, []);
  });

  it("shows one call's attempt chain, usage flags and stored bodies as inert text", async () => {
    await page.goto(`${server.baseUrl}/en/logs`);
    await Promise.all([
      page.waitForURL((url) => url.pathname === "/en/logs/req_chain"),
      page.locator('[data-testid="log-row"][data-request-id="req_chain"]').getByTestId("log-detail-link").click(),
    ]);
    await page.getByRole("heading", { name: "Call details" }).waitFor();
    const chain = page.getByTestId("attempt");
    assert.equal(await chain.count(), 2);
    assert.deepEqual(await chain.evaluateAll((items) => items.map((item) => item.getAttribute("data-outcome"))), [
      "failed",
      "ok",
    ]);
    assert.equal(await chain.first().getByTestId("attempt-provider").innerText(), "alpha-provider");
    assert.equal(await chain.first().getByTestId("attempt-status").innerText(), "503");
    assert.match(await chain.first().getByTestId("attempt-reason").innerText(), /503 Service Unavailable/);
    assert.equal(await chain.nth(1).getByTestId("attempt-provider").innerText(), "beta-provider");
    await page.getByTestId("detail-estimated").waitFor();
    assert.match(await page.getByTestId("detail-tokens").innerText(), /10 in · 42 out · 0 cached/);
    assert.equal(await page.getByTestId("detail-api").innerText(), "Chat completions");
    assert.match(await page.getByTestId("detail-request-body").innerText(), /"content": "hello"/);
    await assertTranslated(page, "en detail");
    await page.screenshot({ path: `${screenshots}logs-detail-en.png`, fullPage: true });

    await page.goto(`${server.baseUrl}/ja/logs/req_hostile`);
    await page.getByRole("heading", { name: "呼び出しの詳細" }).waitFor();
    assert.match(await page.getByTestId("detail-error").innerText(), /<script>alert\(1\)<\/script>/);
    assert.match(
      await page.getByTestId("detail-error").innerText(),
      /\u2407bell \uFFFDevil/,
      "control and bidi characters made visible",
    );
    assert.match(
      await page.getByTestId("detail-request-body").innerText(),
      /<a href=\\?"javascript:alert\(5\)\\?">click<\/a><script>alert\(7\)<\/script>/,
    );
    assert.match(await page.getByTestId("attempt-reason").innerText(), /<script>alert\("reason"\)<\/script>/);
    const response = await page.getByTestId("detail-response-body").innerText();
    assert.ok(response.length <= 200_100, "a megabyte body is shown shortened");
    await page.getByText("省略して表示しています").first().waitFor();
    assert.equal(await page.locator('a[href^="javascript:"], img[src="x"], b, i').count(), 0);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `the page does not scroll sideways (${overflow}px)`);
    await assertTranslated(page, "ja detail");
    await page.screenshot({ path: `${screenshots}logs-detail-hostile-ja.png` });

    await page.goto(`${server.baseUrl}/en/logs/req_missing`);
    await page.getByTestId("empty-state").getByText("This call is not in the log").waitFor();
    assert.deepEqual(watcher.errors, []);
  });

  it("exports the filtered rows as CSV to a signed-in admin only", async () => {
    await page.goto(`${server.baseUrl}/en/logs?group=smart`);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("log-export").click()]);
    const file = await download.path();
    assert.ok(file);
    const text = readFileSync(file, "utf8");
    assert.ok(text.startsWith("\uFEFFtime_utc,time_local,request_id,status,"), "a BOM, then the header");
    const lines = text.trim().split("\r\n");
    const smart = seeded.records.filter((record) => record.groupName === "smart");
    assert.equal(lines.length, smart.length + 1);
    const formula = lines.find((line) => line.includes("req_formula"));
    assert.ok(
      formula?.includes(`"'=cmd|' /C calc'!A0"`) || formula?.includes("'=cmd|' /C calc'!A0"),
      `key name neutralized: ${formula}`,
    );
    assert.ok(formula?.includes(`"'=HYPERLINK(""http://evil.example"",""x"")"`), `error neutralized: ${formula}`);
    assert.ok(!/,=|,\+|,@/.test(text.replace(/"[^"]*"/g, "")), "no unquoted cell starts a formula");

    const api = await page.request.get(`${server.baseUrl}/api/logs/export?status=5xx&q=timeout`);
    assert.equal(api.status(), 200);
    assert.match(api.headers()["content-type"] ?? "", /^text\/csv/);
    assert.match(api.headers()["content-disposition"] ?? "", /attachment; filename="call-logs-/);
    const failing = seeded.records.filter((record) => record.status >= 500 && (record.error ?? "").includes("timeout"));
    assert.equal((await api.text()).trim().split("\r\n").length, failing.length + 1);

    const unauthenticated: Record<string, string>[] = [
      {},
      { cookie: "authjs.session-token=forged" },
      { origin: server.baseUrl, "x-middleware-subrequest": "middleware" },
    ];
    for (const headers of unauthenticated) {
      const refused = await fetch(`${server.baseUrl}/api/logs/export`, { headers });
      assert.equal(refused.status, 401, JSON.stringify(headers));
      assert.match(refused.headers.get("content-type") ?? "", /application\/json/);
      const body = (await refused.json()) as { error?: { code?: string } };
      assert.equal(body.error?.code, "unauthorized");
    }
    assert.deepEqual(watcher.errors, []);
  });
});
