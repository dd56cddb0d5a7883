import assert from "node:assert/strict";
import { setTimeout as delay } from "node:timers/promises";
import { it } from "node:test";
import { sql } from "kysely";
import { createApiKey, getApiKey } from "../../db/queries/api-keys";
import { countCallLogs } from "../../db/queries/call-logs";
import { createKeyword, listKeywords } from "../../db/queries/keywords";
import type { Executor } from "../../db/schema";
import { createBufferedCounters, createLogWriter } from "../../lib/log-writer";
import { describeEachDatabase } from "../support/test-database";
import { makeRecord } from "./call-log-records";

async function waitFor(check: () => Promise<boolean>, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await delay(10);
  }
}

/** Makes a table vanish and come back: a real database error, on both dialects. */
async function hideTable(db: Executor, table: string): Promise<() => Promise<void>> {
  await sql`alter table ${sql.table(table)} rename to ${sql.table(`${table}_away`)}`.execute(db);
  return async () => {
    await sql`alter table ${sql.table(`${table}_away`)} rename to ${sql.table(table)}`.execute(db);
  };
}

const records = (count: number, prefix: string) =>
  Array.from({ length: count }, (_, index) => makeRecord({ requestId: `${prefix}${index}` }));

describeEachDatabase("log writer", (context) => {
  it("writes off the request path: push returns at once and rows land after the interval", async () => {
    const writer = createLogWriter({ db: context.db, flushIntervalMs: 30 });
    for (const record of records(5, "a")) writer.push(record);
    assert.equal(await countCallLogs(context.db), 0);
    assert.equal(writer.stats().queued, 5);
    await waitFor(async () => (await countCallLogs(context.db)) === 5);
    assert.deepEqual(writer.stats(), { queued: 0, dropped: 0, written: 5, failedBatches: 0 });
    await writer.close();
  });

  it("writes a full batch without waiting for the interval", async () => {
    const writer = createLogWriter({ db: context.db, batchSize: 50, flushIntervalMs: 60_000 });
    for (const record of records(120, "b")) writer.push(record);
    await waitFor(async () => (await countCallLogs(context.db)) >= 100);
    await writer.close();
    assert.equal(await countCallLogs(context.db), 120);
    assert.equal(writer.stats().written, 120);
  });

  it("keeps a failed batch queued and retries it once the database is back", async () => {
    const errors: unknown[] = [];
    const writer = createLogWriter({ db: context.db, flushIntervalMs: 20, onError: (error) => errors.push(error) });
    const restore = await hideTable(context.db, "call_logs");
    for (const record of records(8, "c")) writer.push(record);
    await assert.rejects(writer.flush());
    assert.equal(writer.stats().queued, 8);
    assert.ok(writer.stats().failedBatches >= 1);
    assert.ok(errors.length >= 1, "onError heard about it");
    await restore();
    await waitFor(async () => writer.stats().queued === 0);
    assert.equal(await countCallLogs(context.db), 8);
    assert.equal(writer.stats().dropped, 0);
    await writer.close();
  });

  it("loses nothing through many failed retries while the database stays down", async () => {
    const writer = createLogWriter({ db: context.db, flushIntervalMs: 5, maxBackoffMs: 20 });
    const restore = await hideTable(context.db, "call_logs");
    for (const record of records(10, "f")) writer.push(record);
    await waitFor(async () => writer.stats().failedBatches >= 6);
    assert.deepEqual({ queued: writer.stats().queued, dropped: writer.stats().dropped }, { queued: 10, dropped: 0 });
    await restore();
    await waitFor(async () => writer.stats().queued === 0);
    assert.equal(await countCallLogs(context.db), 10);
    await writer.close();
  });

  it("drops and counts rows only beyond maxQueue", async () => {
    const writer = createLogWriter({ db: context.db, flushIntervalMs: 10, maxQueue: 3, closeTimeoutMs: 2_000 });
    const restore = await hideTable(context.db, "call_logs");
    for (const record of records(5, "d")) writer.push(record);
    assert.deepEqual({ queued: writer.stats().queued, dropped: writer.stats().dropped }, { queued: 3, dropped: 2 });
    await restore();
    await writer.close();
    assert.equal(await countCallLogs(context.db), 3);
    assert.equal(writer.stats().written, 3);
  });

  it("flushes everything on close, and counts later pushes as dropped", async () => {
    const writer = createLogWriter({ db: context.db, flushIntervalMs: 60_000 });
    for (const record of records(10, "e")) writer.push(record);
    await writer.close();
    assert.equal(await countCallLogs(context.db), 10);
    writer.push(makeRecord({ requestId: "late" }));
    assert.equal(writer.stats().dropped, 1);
  });

  it("drops a row the database can never take, after retrying it alone, and writes the rest", async () => {
    const writer = createLogWriter({ db: context.db, flushIntervalMs: 10 });
    writer.push(makeRecord({ requestId: "good1" }));
    writer.push(makeRecord({ requestId: "poison", status: Number.NaN }));
    writer.push(makeRecord({ requestId: "good2" }));
    await waitFor(async () => writer.stats().queued === 0);
    assert.equal(await countCallLogs(context.db), 2);
    assert.equal(writer.stats().dropped, 1);
    assert.equal(writer.stats().written, 2);
    await writer.close();
  });
});

describeEachDatabase("buffered counters", (context) => {
  it("flushes keyword hits and key last-use times about every interval", async () => {
    const keyword = await createKeyword(context.db, { keyword: "refuse" });
    const key = await createApiKey(context.db, { name: "k", allGroups: true, groupIds: [], expiresAt: null });
    const counters = createBufferedCounters({ db: context.db, flushIntervalMs: 20 });
    counters.recordHit(keyword, 1_000);
    counters.recordHit(keyword, 3_000);
    counters.recordHit(keyword, 2_000);
    counters.touch(key.id, 7_000);
    counters.touch(key.id, 6_000);
    await waitFor(async () => (await listKeywords(context.db))[0]?.hitCount === 3);
    assert.equal((await listKeywords(context.db))[0]?.lastHitAt, 3_000);
    await waitFor(async () => (await getApiKey(context.db, key.id))?.lastUsedAt === 7_000);
    await counters.close();
  });

  it("keeps counts through a failed flush and writes them on the next one", async () => {
    const keyword = await createKeyword(context.db, { keyword: "refuse" });
    const errors: unknown[] = [];
    const counters = createBufferedCounters({
      db: context.db,
      flushIntervalMs: 60_000,
      onError: (error) => errors.push(error),
    });
    const restore = await hideTable(context.db, "failure_keywords");
    counters.recordHit(keyword, 1_000);
    counters.recordHit(keyword, 1_500);
    await assert.rejects(counters.flush());
    counters.recordHit(keyword, 1_200);
    await restore();
    await counters.close();
    const [stored] = await listKeywords(context.db);
    assert.equal(stored?.hitCount, 3);
    assert.equal(stored?.lastHitAt, 1_500);
  });
});
