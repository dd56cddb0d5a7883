import assert from "node:assert/strict";
import { it } from "node:test";
import type { Kysely } from "kysely";
import { createDb } from "../../db/client";
import { createMigrator } from "../../db/migrate";
import { aggregateUsage } from "../../db/queries/usage-rollup";
import { getOverviewAnalytics } from "../../db/queries/analytics";
import { searchCallLogs, type CallLogFilters } from "../../db/queries/call-log-search";
import { getCallLog, insertCallLogs, type CallLogCursor, type CallLogEntry } from "../../db/queries/call-logs";
import { releaseJobLock, tryAcquireJobLock } from "../../db/queries/job-locks";
import { rebuildRollups } from "../../db/queries/rollup-rebuild";
import type { Database, UsageHourlyRow } from "../../db/schema";
import type { CallLogRecord } from "../../lib/gateway/types";
import { RETENTION_LOCK, runRetention, startRetentionJob } from "../../lib/server/retention-job";
import { describeEachDatabase, testDatabaseTargets } from "../support/test-database";
import { makeRecord } from "./call-log-records";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const BOUNDS = [100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000];

/** mulberry32: the same seed gives the same "random" history on every run and dialect. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

function randomRecord(random: () => number, id: string, base: number): CallLogRecord {
  // Edge values on purpose: bucket bounds exactly, fractions that round across a bound, nulls.
  const latency = pick(random, [
    0,
    99.6,
    100,
    100.4,
    250,
    251,
    777,
    2_500,
    9_999.5,
    30_000,
    30_001,
    120_000,
    random() * 40_000,
  ]);
  const ttft = random() < 0.4 ? null : pick(random, [1, 100, 249.5, 250.5, 4_000, 31_000, random() * 3_000]);
  return makeRecord({
    requestId: id,
    createdAt: base + Math.floor(random() * 3 * DAY),
    apiKeyId: pick(random, [null, 1, 2, 3]),
    apiKeyName: "k",
    groupName: pick(random, [null, "smart", "fast", "名前 with ' quote"]),
    providerName: pick(random, [null, "p1", "p2", "p3"]),
    providerId: pick(random, [null, 1, 2, 3]),
    status: pick(random, [200, 200, 201, 399, 400, 429, 499, 500, 502, 504]),
    isStream: random() < 0.5,
    latencyMs: latency,
    ttftMs: ttft,
    promptTokens: Math.floor(random() * 5_000),
    completionTokens: Math.floor(random() * 2_000),
    cachedTokens: Math.floor(random() * 100),
    cost: Math.round(random() * 1e6) / 1e7,
  });
}

type Expected = Map<string, Record<string, number>>;

/** The rollups computed independently of db/queries/usage-rollup.ts, from the records themselves. */
function expectedRollups(records: readonly CallLogRecord[]): Expected {
  const rows: Expected = new Map();
  const bucket = (ms: number) => {
    const index = BOUNDS.findIndex((bound) => ms <= bound);
    return index === -1 ? "gt_30000" : `le_${BOUNDS[index]}`;
  };
  for (const record of records) {
    const hour = Math.floor(record.createdAt / HOUR) * HOUR;
    const key = `${hour}|${record.groupName ?? ""}|${record.providerName ?? ""}|${record.apiKeyId ?? 0}`;
    const row = rows.get(key) ?? {};
    const add = (column: string, value: number) => (row[column] = (row[column] ?? 0) + value);
    const latency = Math.round(record.latencyMs);
    add("requests", 1);
    add(record.status < 400 ? "successes" : "failures", 1);
    add("total_latency_ms", latency);
    add("latency_count", 1);
    add(`lat_${bucket(latency)}`, 1);
    if (record.ttftMs !== null) {
      const ttft = Math.round(record.ttftMs);
      add("total_ttft_ms", ttft);
      add("ttft_count", 1);
      add(`ttft_${bucket(ttft)}`, 1);
    }
    add("prompt_tokens", record.promptTokens);
    add("completion_tokens", record.completionTokens);
    add("cached_tokens", record.cachedTokens);
    add("cost", record.cost);
    rows.set(key, row);
  }
  return rows;
}

const COUNTERS = [
  "requests",
  "successes",
  "failures",
  "total_latency_ms",
  "latency_count",
  "total_ttft_ms",
  "ttft_count",
  "prompt_tokens",
  "completion_tokens",
  "cached_tokens",
  ...["le_100", "le_250", "le_500", "le_1000", "le_2500", "le_5000", "le_10000", "le_30000", "gt_30000"].flatMap(
    (b) => [`lat_${b}`, `ttft_${b}`],
  ),
];

async function storedRollups(db: Kysely<Database>): Promise<Map<string, UsageHourlyRow>> {
  const rows = await db.selectFrom("usage_hourly").selectAll().execute();
  return new Map(
    rows.map((row) => [
      `${Number(row.hour_start)}|${row.group_name}|${row.provider_name}|${Number(row.api_key_id)}`,
      row,
    ]),
  );
}

function assertRollupsEqual(actual: Map<string, UsageHourlyRow>, expected: Expected, context: string): void {
  assert.deepEqual(
    [...actual.keys()].sort(),
    [...expected.keys()].sort(),
    `${context}: the same (hour, group, provider, key) rows`,
  );
  for (const [key, want] of expected) {
    const row = actual.get(key) as unknown as Record<string, number>;
    for (const column of COUNTERS)
      assert.equal(Number(row[column]), want[column] ?? 0, `${context}: ${column} of ${key}`);
    assert.ok(Math.abs(Number(row.cost) - (want.cost ?? 0)) < 1e-9, `${context}: cost of ${key}`);
  }
}

function sameRollups(a: Map<string, UsageHourlyRow>, b: Map<string, UsageHourlyRow>, context: string): void {
  assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort(), context);
  for (const [key, row] of a) {
    const other = b.get(key) as unknown as Record<string, number>;
    const mine = row as unknown as Record<string, number>;
    for (const column of COUNTERS)
      assert.equal(Number(mine[column]), Number(other[column]), `${context}: ${column} of ${key}`);
    assert.ok(Math.abs(Number(mine.cost) - Number(other.cost)) < 1e-9, `${context}: cost of ${key}`);
  }
}

/** usage_hours and usage_daily must be exact sums of usage_hourly (migration 0002). */
async function assertCoarserRollupsConsistent(db: Kysely<Database>, context: string): Promise<void> {
  const hourly = [...(await storedRollups(db)).values()] as unknown as Record<string, number>[];
  const sumBy = (key: (row: Record<string, number>) => string) => {
    const sums = new Map<string, Record<string, number>>();
    for (const row of hourly) {
      const target = sums.get(key(row)) ?? {};
      for (const column of [...COUNTERS, "cost"]) target[column] = (target[column] ?? 0) + Number(row[column]);
      sums.set(key(row), target);
    }
    return sums;
  };
  const byHour = sumBy((row) => String(Number(row.hour_start)));
  const hours = await db.selectFrom("usage_hours").selectAll().execute();
  assert.equal(hours.length, byHour.size, `${context}: one usage_hours row per hour`);
  for (const row of hours as unknown as Record<string, number>[]) {
    const want = byHour.get(String(Number(row.hour_start)));
    assert.ok(want, `${context}: usage_hours ${row.hour_start} has hourly rows`);
    for (const column of COUNTERS) assert.equal(Number(row[column]), want[column], `${context}: usage_hours.${column}`);
    assert.ok(Math.abs(Number(row.cost) - (want.cost ?? 0)) < 1e-9);
  }
  const dayKey = (row: Record<string, unknown>, day: number) =>
    `${day}|${row.group_name}|${row.provider_name}|${Number(row.api_key_id)}`;
  const byDay = sumBy((row) => dayKey(row, Math.floor(Number(row.hour_start) / DAY) * DAY));
  const days = await db.selectFrom("usage_daily").selectAll().execute();
  assert.equal(days.length, byDay.size, `${context}: one usage_daily row per day and group/provider/key`);
  for (const row of days as unknown as Record<string, number>[]) {
    const want = byDay.get(dayKey(row, Number(row.day_start)));
    assert.ok(want, `${context}: usage_daily row ${dayKey(row, Number(row.day_start))} has hourly rows`);
    for (const column of COUNTERS) assert.equal(Number(row[column]), want[column], `${context}: usage_daily.${column}`);
  }
}

/** Writes a random history: batches of random sizes, some replayed (as a retried batch would be). */
async function writeRandomHistory(
  db: Kysely<Database>,
  seed: number,
  count: number,
  base: number,
): Promise<CallLogRecord[]> {
  const random = prng(seed);
  const records = Array.from({ length: count }, (_, index) => randomRecord(random, `s${seed}_${index}`, base));
  const written: CallLogRecord[][] = [];
  for (let offset = 0; offset < records.length;) {
    const size = 1 + Math.floor(random() * 60);
    const batch = records.slice(offset, offset + size);
    // A replay of an earlier batch, alone or mixed into a new one, must not count twice.
    const replay = written.length > 0 && random() < 0.3 ? pick(random, written) : [];
    await insertCallLogs(db, random() < 0.5 ? [...batch, ...replay] : batch);
    if (random() < 0.2 && replay.length > 0) await insertCallLogs(db, replay);
    written.push(batch);
    offset += size;
  }
  return records;
}

describeEachDatabase("analytics rollups", (context) => {
  for (const seed of [1, 2, 3]) {
    it(`rollups equal aggregates of the raw rows after a random mix of writes (seed ${seed})`, async () => {
      const records = await writeRandomHistory(context.db, seed, 400, Date.UTC(2026, 2, 28));
      assertRollupsEqual(await storedRollups(context.db), expectedRollups(records), `seed ${seed}`);
      await assertCoarserRollupsConsistent(context.db, `seed ${seed}`);
    });
  }

  it("a rebuild from the raw rows equals the incremental rollups, in any batch size", async () => {
    const base = Date.UTC(2026, 5, 1, 0, 0, 0);
    const records = await writeRandomHistory(context.db, 7, 500, base);
    const incremental = await storedRollups(context.db);
    // Damage them: a lost row, a wrong counter, a row for an hour without log rows.
    await context.db
      .deleteFrom("usage_hourly")
      .where("hour_start", "=", Math.floor((records[0]?.createdAt ?? 0) / HOUR) * HOUR)
      .execute();
    await context.db.updateTable("usage_hourly").set({ requests: 999_999 }).execute();
    await context.db.updateTable("usage_hours").set({ failures: 5 }).execute();
    await context.db.deleteFrom("usage_daily").where("group_name", "=", "smart").execute();
    const result = await rebuildRollups(context.db, { from: base, to: base + 3 * DAY, hoursPerBatch: 5 });
    assert.equal(result.hours, 72);
    sameRollups(await storedRollups(context.db), incremental, "rebuilt");
    await assertCoarserRollupsConsistent(context.db, "rebuilt");
    await rebuildRollups(context.db, { from: base, to: base + 3 * DAY, hoursPerBatch: 72 });
    sameRollups(await storedRollups(context.db), incremental, "rebuilt in one batch");
  });

  it("a default rebuild keeps the rollups of hours whose rows retention already deleted", async () => {
    const base = Date.UTC(2026, 6, 1);
    const records = Array.from({ length: 48 }, (_, index) =>
      makeRecord({ requestId: `r${index}`, createdAt: base + index * HOUR + 30 * 60_000 }),
    );
    await insertCallLogs(context.db, records);
    const before = await storedRollups(context.db);
    // Retention took the rows of the first eleven hours; the oldest left is at 11:30, so
    // hour 11 may have lost rows too and only hours from 12:00 can be recounted.
    await context.db
      .deleteFrom("call_logs")
      .where("created_at", "<", base + 10 * HOUR + 45 * 60_000)
      .execute();
    await context.db
      .updateTable("usage_hourly")
      .set({ requests: 7 })
      .where("hour_start", ">=", base + 12 * HOUR)
      .execute();
    const result = await rebuildRollups(context.db);
    assert.equal(result.from, base + 12 * HOUR, "starts at the first whole hour of the remaining rows");
    sameRollups(await storedRollups(context.db), before, "hours before the rows' start untouched, later ones repaired");
  });

  it("overview queries read the rollups and agree with the rows", async () => {
    const base = Date.UTC(2026, 7, 10);
    const records = await writeRandomHistory(context.db, 11, 300, base);
    const analytics = await getOverviewAnalytics(context.db, { from: base, to: base + 3 * DAY });
    const total = (select: (record: CallLogRecord) => number) =>
      records.reduce((sum, record) => sum + select(record), 0);
    assert.equal(
      analytics.hourly.reduce((sum, hour) => sum + hour.requests, 0),
      records.length,
    );
    assert.equal(
      analytics.byGroup.reduce((sum, row) => sum + row.successes, 0),
      total((record) => (record.status < 400 ? 1 : 0)),
    );
    assert.equal(
      analytics.byProvider.reduce((sum, row) => sum + row.promptTokens, 0),
      total((record) => record.promptTokens),
    );
    assert.ok(
      Math.abs(analytics.byKey.reduce((sum, row) => sum + row.cost, 0) - total((record) => record.cost)) < 1e-9,
    );
    const smart = analytics.byGroup.find((row) => row.groupName === "smart");
    assert.equal(smart?.requests, records.filter((record) => record.groupName === "smart").length);
    const noGroup = analytics.byGroup.find((row) => row.groupName === "");
    assert.equal(noGroup?.requests, records.filter((record) => record.groupName === null).length);
    // A range cut mid-day reads whole days from usage_daily and the ends from usage_hourly.
    const cut = { from: base + 5 * HOUR, to: base + 2 * DAY + 7 * HOUR };
    const inCut = records.filter((record) => record.createdAt >= cut.from && record.createdAt < cut.to);
    const cutAnalytics = await getOverviewAnalytics(context.db, cut);
    for (const rows of [cutAnalytics.byGroup, cutAnalytics.byProvider, cutAnalytics.byKey, cutAnalytics.hourly]) {
      assert.equal(
        rows.reduce((sum, row) => sum + row.requests, 0),
        inCut.length,
      );
    }
    const fastCut = cutAnalytics.byGroup.find((row) => row.groupName === "fast");
    assert.equal(
      fastCut?.completionTokens,
      inCut.filter((record) => record.groupName === "fast").reduce((sum, record) => sum + record.completionTokens, 0),
    );
    const keyTwo = cutAnalytics.byKey.find((row) => row.apiKeyId === 2);
    assert.equal(keyTwo?.failures, inCut.filter((record) => record.apiKeyId === 2 && record.status >= 400).length);
    const hours = await getOverviewAnalytics(context.db, { from: base + DAY, to: base + DAY + HOUR });
    assert.equal(hours.hourly.length <= 1, true);
    assert.equal(
      hours.hourly[0]?.requests ?? 0,
      records.filter((record) => record.createdAt >= base + DAY && record.createdAt < base + DAY + HOUR).length,
    );
  });
});

describeEachDatabase("retention", (context) => {
  const now = Date.UTC(2026, 10, 26, 12, 0, 0);

  async function seedAges(): Promise<CallLogRecord[]> {
    const records = Array.from({ length: 80 }, (_, index) =>
      makeRecord({
        requestId: `age${index}`,
        createdAt: now - index * 12 * HOUR - 1_000,
        requestBody: `{"n":${index}}`,
        responseBody: "{}",
      }),
    );
    await insertCallLogs(context.db, records);
    return records;
  }

  it("deletes rows and bodies past their retention in batches, keeping the newest rows and every rollup", async () => {
    const records = await seedAges();
    const rollupsBefore = await storedRollups(context.db);
    let pauses = 0;
    const result = await runRetention(context.db, { logRetentionDays: 30, bodyRetentionDays: 7 }, now, {
      batchSize: 4,
      pause: async () => void (pauses += 1),
    });
    const keep = records.filter((record) => record.createdAt >= now - 30 * DAY);
    const keepBodies = records.filter((record) => record.createdAt >= now - 7 * DAY);
    assert.equal(result.deletedLogs, records.length - keep.length);
    assert.equal(result.deletedBodies, records.length - keepBodies.length);
    assert.equal(result.isComplete, true);
    assert.ok(pauses >= 10, "yields between batches");
    const rows = await context.db.selectFrom("call_logs").select("request_id").execute();
    assert.deepEqual(rows.map((row) => row.request_id).sort(), keep.map((record) => record.requestId).sort());
    const bodies = await context.db.selectFrom("call_log_bodies").select("request_id").execute();
    assert.deepEqual(bodies.map((row) => row.request_id).sort(), keepBodies.map((record) => record.requestId).sort());
    assert.equal((await getCallLog(context.db, "age0"))?.requestBody, '{"n":0}');
    sameRollups(await storedRollups(context.db), rollupsBefore, "rollups untouched by retention");
    const again = await runRetention(context.db, { logRetentionDays: 30, bodyRetentionDays: 7 }, now, { batchSize: 4 });
    assert.equal(again.deletedLogs + again.deletedBodies, 0);
  });

  it("never keeps a body longer than its row, and stops when told to", async () => {
    const records = await seedAges();
    const stopped = await runRetention(context.db, { logRetentionDays: 3, bodyRetentionDays: 30 }, now, {
      batchSize: 5,
      shouldContinue: () => false,
    });
    assert.equal(stopped.isComplete, false);
    assert.equal(stopped.deletedLogs + stopped.deletedBodies, 0);
    await runRetention(context.db, { logRetentionDays: 3, bodyRetentionDays: 30 }, now, {
      batchSize: 5,
      pause: async () => undefined,
    });
    const keep = records.filter((record) => record.createdAt >= now - 3 * DAY).length;
    const bodies = await context.db.selectFrom("call_log_bodies").select("request_id").execute();
    assert.equal(bodies.length, keep);
  });

  it("runs on one instance only: the job skips while another holds the lock", async () => {
    await seedAges();
    const job = startRetentionJob(context.db, () => ({ logRetentionDays: 1, bodyRetentionDays: 1 }), {
      firstRunMs: 3_600_000,
      intervalMs: 3_600_000,
    });
    try {
      assert.equal(await tryAcquireJobLock(context.db, RETENTION_LOCK, "other-instance", 60_000), true);
      assert.equal(await job.runNow(), null, "skipped while another instance holds the lock");
      await releaseJobLock(context.db, RETENTION_LOCK, "other-instance");
      const result = await job.runNow();
      assert.ok(result && result.deletedLogs > 0);
      assert.equal(
        await tryAcquireJobLock(context.db, RETENTION_LOCK, "other-instance", 60_000),
        false,
        "the job holds the lock now",
      );
    } finally {
      await job.stop();
    }
    assert.equal(
      await tryAcquireJobLock(context.db, RETENTION_LOCK, "other-instance", 60_000),
      true,
      "released on stop",
    );
  });
});

describeEachDatabase("call log search and pagination", (context) => {
  const base = Date.UTC(2026, 9, 1);

  async function seedSearchRows(): Promise<CallLogEntry[]> {
    const random = prng(99);
    const errors = [
      null,
      "upstream answered 503",
      "first-token TIMEOUT after 30000 ms",
      "100% broken_thing",
      "rate limited (429)",
      "contains \\ backslash",
    ];
    const records = Array.from({ length: 260 }, (_, index) =>
      makeRecord({
        requestId: `q${index}`,
        // Few distinct timestamps: many rows share one, so pages split inside a timestamp.
        createdAt: base + Math.floor(random() * 12) * 60_000,
        groupName: pick(random, ["smart", "fast", null]),
        providerId: pick(random, [1, 2, null]),
        apiKeyId: pick(random, [1, 2, 3]),
        status: pick(random, [200, 200, 200, 400, 429, 499, 500, 502]),
        isStream: random() < 0.5,
        error: pick(random, errors),
      }),
    );
    // Inserted in shuffled batches, so id order and time order disagree.
    for (let offset = 0; offset < records.length; offset += 37)
      await insertCallLogs(context.db, records.slice(offset, offset + 37));
    const all: CallLogEntry[] = [];
    let before: CallLogCursor | undefined;
    for (;;) {
      const page = await searchCallLogs(context.db, { limit: 500, before });
      all.push(...page.rows);
      if (!page.next) break;
      before = page.next;
    }
    return all;
  }

  function matches(entry: CallLogEntry, filters: CallLogFilters): boolean {
    const classOf = (status: number) =>
      status === 499
        ? "499"
        : status >= 200 && status < 300
          ? "2xx"
          : status >= 400 && status < 499
            ? "4xx"
            : status >= 500 && status < 600
              ? "5xx"
              : "other";
    return (
      (filters.from === undefined || entry.createdAt >= filters.from) &&
      (filters.to === undefined || entry.createdAt < filters.to) &&
      (filters.groupName === undefined || entry.groupName === filters.groupName) &&
      (filters.providerId === undefined || entry.providerId === filters.providerId) &&
      (filters.apiKeyId === undefined || entry.apiKeyId === filters.apiKeyId) &&
      (filters.statusClass === undefined || classOf(entry.status) === filters.statusClass) &&
      (filters.isStream === undefined || entry.isStream === filters.isStream) &&
      (filters.errorText === undefined || (entry.error ?? "").toLowerCase().includes(filters.errorText.toLowerCase()))
    );
  }

  it("lists every row newest first, once, across pages split inside equal timestamps", async () => {
    const all = await seedSearchRows();
    assert.equal(all.length, 260);
    for (let index = 1; index < all.length; index += 1) {
      const [a, b] = [all[index - 1] as CallLogEntry, all[index] as CallLogEntry];
      assert.ok(
        a.createdAt > b.createdAt || (a.createdAt === b.createdAt && a.id > b.id),
        "ordered by (created_at, id) descending",
      );
    }
  });

  it("filters and pages without duplicates or gaps, also when the scan window cuts pages short", async () => {
    const all = await seedSearchRows();
    const cases: CallLogFilters[] = [
      {},
      { groupName: "smart" },
      { providerId: 2, statusClass: "5xx" },
      { apiKeyId: 3, groupName: "fast", isStream: true },
      { statusClass: "499" },
      { statusClass: "4xx", errorText: "RATE" },
      { groupName: "smart", statusClass: "5xx", errorText: "timeout" },
      { errorText: "100%" },
      { errorText: "_" },
      { errorText: "\\" },
      { errorText: "nothing like this" },
      { from: base + 3 * 60_000, to: base + 7 * 60_000, isStream: false },
      { from: base + 5 * 60_000, groupName: "fast", errorText: "503" },
    ];
    for (const filters of cases) {
      const expected = all.filter((entry) => matches(entry, filters)).map((entry) => entry.requestId);
      const shapes: [number | undefined, number][] = [
        [undefined, 1],
        [undefined, 7],
        [undefined, 500],
        [1, 7],
        [9, 1],
        [9, 7],
        [50, 7],
        [50, 500],
      ];
      for (const [scanLimit, limit] of shapes) {
        {
          const seen: string[] = [];
          let before: CallLogCursor | undefined;
          for (let guard = 0; guard < 2_000; guard += 1) {
            const page = await searchCallLogs(context.db, { ...filters, limit, before, scanLimit });
            assert.ok(page.rows.length <= limit);
            if (!page.isScanCapped && page.next)
              assert.equal(page.rows.length, limit, "only a capped scan returns a short page with more to come");
            seen.push(...page.rows.map((row) => row.requestId));
            if (!page.next) break;
            before = page.next;
          }
          const label = `${JSON.stringify(filters)} limit ${limit} scan ${scanLimit ?? "default"}`;
          assert.equal(new Set(seen).size, seen.length, `${label}: no duplicates`);
          assert.deepEqual(seen, expected, `${label}: every match, in order`);
        }
      }
    }
  });

  it("treats LIKE wildcards in the error text literally", async () => {
    await insertCallLogs(context.db, [
      makeRecord({ requestId: "pct", error: "100% broken", createdAt: base }),
      makeRecord({ requestId: "plain", error: "1000 broken", createdAt: base + 1 }),
      makeRecord({ requestId: "under", error: "a_b", createdAt: base + 2 }),
      makeRecord({ requestId: "ab", error: "axb", createdAt: base + 3 }),
    ]);
    const ids = async (errorText: string) =>
      (await searchCallLogs(context.db, { limit: 10, errorText })).rows.map((row) => row.requestId);
    assert.deepEqual(await ids("0%"), ["pct"]);
    assert.deepEqual(await ids("a_b"), ["under"]);
    assert.deepEqual(await ids("%"), ["pct"]);
    assert.deepEqual(await ids("x".repeat(10_000)), [], "long input is cut, not an error");
  });
});

for (const target of testDatabaseTargets()) {
  it(`migration 0002 fills usage_hours and usage_daily from existing hourly rollups [${target.label}]`, async () => {
    const database = await target.create();
    const db = createDb(database.url);
    try {
      // The app's own migrator: on Postgres it keeps its bookkeeping in this test's schema.
      const migrator = await createMigrator(db);
      assert.equal((await migrator.migrateTo("2026_11_26_0001_initial")).error, undefined);
      const random = prng(5);
      const records = Array.from({ length: 200 }, (_, index) =>
        randomRecord(random, `m${index}`, Date.UTC(2026, 3, 1)),
      );
      // What an installation of the first release holds: hourly rollups only.
      await db.insertInto("usage_hourly").values(aggregateUsage(records)).execute();
      assert.equal((await migrator.migrateToLatest()).error, undefined);
      await assertCoarserRollupsConsistent(db, "after migration");
      const analytics = await getOverviewAnalytics(db, { from: Date.UTC(2026, 3, 1), to: Date.UTC(2026, 3, 5) });
      assert.equal(
        analytics.hourly.reduce((sum, hour) => sum + hour.requests, 0),
        records.length,
      );
    } finally {
      await db.destroy();
      await database.cleanup();
    }
  });
}
