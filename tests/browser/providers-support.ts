import assert from "node:assert/strict";
import type { BrowserContext, Page } from "playwright-core";
import type { CallLogRecord } from "../../lib/gateway/types";
import { screenshotDir, watchPage } from "../support/browser";

/* Helpers of tests/browser/providers.test.ts. */

export const CANARY = "sk-canary-PROVIDERS-123";
export const screenshots = screenshotDir;

export interface CollectedBody {
  url: string;
  text: string;
}

/** Every response body the browser receives, read as text, so the canary can be searched for. */
export function collectBodies(page: Page, sink: CollectedBody[], pending: Promise<void>[]): void {
  page.on("response", (response) => {
    pending.push(
      response
        .text()
        .then((text) => void sink.push({ url: response.url(), text }))
        .catch(() => undefined),
    );
  });
}

export function callRecord(providerName: string, status: number, createdAt: number): CallLogRecord {
  return {
    requestId: `seed-${Math.random()}`,
    createdAt,
    apiKeyId: null,
    apiKeyName: null,
    groupName: "seed",
    providerId: null,
    providerName,
    status,
    isStream: false,
    latencyMs: 120,
    ttftMs: null,
    promptTokens: 10,
    completionTokens: 5,
    cachedTokens: 0,
    cacheWriteTokens: 0,
    billedUnits: 0,
    billedUnit: "none",
    api: "chat.completions",
    cost: 0,
    isUsageEstimated: false,
    isIncomplete: false,
    error: null,
    attempts: [],
    requestBody: null,
    responseBody: null,
  };
}

/** Sends chat requests until three were answered by the (failing) provider: its breaker opens. */
export async function failThreeTimes(baseUrl: string, key: string, group: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  let failures = 0;
  while (failures < 3) {
    assert.ok(Date.now() < deadline, "the gateway took up the new group and key");
    const response = await fetch(`${baseUrl}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: group, messages: [{ role: "user", content: "hi" }] }),
    });
    const text = await response.text();
    assert.ok(!text.includes(CANARY));
    // 401/404 until the server's one-second config poll has seen the new key and group.
    if (response.status >= 500) failures += 1;
    else await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The same pages at 390 px wide, signed in with the same session. */
export async function checkPhoneLayout(
  desktop: BrowserContext,
  baseUrl: string,
  bodies: CollectedBody[],
  pending: Promise<void>[],
): Promise<void> {
  const browser = desktop.browser();
  assert.ok(browser);
  const phone = await browser.newContext({
    viewport: { width: 390, height: 844 },
    storageState: await desktop.storageState(),
  });
  const page = await phone.newPage();
  const watcher = watchPage(page);
  collectBodies(page, bodies, pending);
  for (const section of ["providers", "credentials"] as const) {
    await page.goto(`${baseUrl}/en/${section}`);
    const firstRow = page.getByTestId(section === "providers" ? "provider-row" : "credential-row").first();
    await firstRow.waitFor();
    const box = await firstRow.boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 390, `${section} rows fit a 390 px screen`);
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(scrollWidth <= 390, `${section} does not scroll sideways (${scrollWidth} px)`);
    await page.screenshot({ path: `${screenshots}${section}-mobile.png`, fullPage: true });
  }
  assert.deepEqual(watcher.errors, []);
  await phone.close();
}
