// Waiting in tests: polling helpers and the log-row waits every API test uses.
import type { Kysely } from "kysely";
import { type CallLogDetail, countCallLogs, getCallLog } from "../../../db/queries/call-logs";
import { listKeywords } from "../../../db/queries/keywords";
import type { Database } from "../../../db/schema";

/** Every provider key starts with this; it must never be found outside the mock's request log. */
export const CANARY_PREFIX = "sk-canary-";
export const MOCK_ENDPOINT = "mock";
export const REQUEST_ID_PATTERN = /^req_[0-9a-f]{32}$/;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns something other than undefined/false. */
export async function waitUntil<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs: number,
  describe: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${describe}`);
    await sleep(25);
  }
}

export function waitForLogRows(db: Kysely<Database>, count: number, timeoutMs = 5_000): Promise<number> {
  return waitUntil(
    async () => {
      const n = await countCallLogs(db);
      return n >= count ? n : undefined;
    },
    timeoutMs,
    `${count} call log rows`,
  );
}

export function waitForLogRow(db: Kysely<Database>, requestId: string, timeoutMs = 5_000): Promise<CallLogDetail> {
  return waitUntil(() => getCallLog(db, requestId), timeoutMs, `the log row of ${requestId}`);
}

export async function keywordHitCount(db: Kysely<Database>, keywordId: number): Promise<number> {
  const keyword = (await listKeywords(db)).find((entry) => entry.id === keywordId);
  return keyword?.hitCount ?? -1;
}
