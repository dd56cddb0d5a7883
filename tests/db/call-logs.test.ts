import assert from "node:assert/strict";
import { it } from "node:test";
import { sql } from "kysely";
import { countCallLogs, getCallLog, insertCallLogs } from "../../db/queries/call-logs";
import { deleteBodyBatch, deleteCallLogBatch } from "../../db/queries/retention";
import { bucketStart } from "../../db/dialect";
import { describeEachDatabase } from "../support/test-database";
import { makeRecord, makeVariedRecords } from "./call-log-records";

const HOUR = 3_600_000;

describeEachDatabase("call logs", (context) => {
  it("stores rows with their attempts and, separately, their bodies", async () => {
    const record = makeRecord({
      requestId: "req_detail",
      isStream: true,
      ttftMs: 180,
      isUsageEstimated: true,
      isIncomplete: true,
      error: "upstream closed the stream",
      attempts: [
        {
          providerId: 2,
          providerName: "p2",
          status: 503,
          latencyMs: 30,
          outcome: "failed",
          reason: "503 from upstream",
        },
        { providerId: 1, providerName: "p1", status: 200, latencyMs: 400, outcome: "ok", reason: null },
      ],
      requestBody: '{"model":"smart"}',
      responseBody: "data: {}",
    });
    await insertCallLogs(context.db, [record, makeRecord({ requestId: "req_nobody" })]);
    const stored = await getCallLog(context.db, "req_detail");
    assert.ok(stored);
    const { id, requestBody, responseBody, ...rest } = stored;
    assert.ok(id > 0);
    assert.deepEqual({ ...rest, requestBody, responseBody }, record);
    assert.equal((await getCallLog(context.db, "req_nobody"))?.requestBody, null);
    const bodies = await context.db.selectFrom("call_log_bodies").select("request_id").execute();
    assert.deepEqual(
      bodies.map((b) => b.request_id),
      ["req_detail"],
    );
    assert.equal(await countCallLogs(context.db), 2);
    assert.equal(await getCallLog(context.db, "missing"), undefined);
  });

  it("keeps hourly rollups equal to aggregates of the raw rows, across batches", async () => {
    const records = makeVariedRecords(240);
    await insertCallLogs(context.db, records.slice(0, 100));
    await insertCallLogs(context.db, records.slice(100));
    // A replayed batch (a retry after an ambiguous failure) must not count twice.
    await insertCallLogs(context.db, records.slice(90, 110));
    assert.equal(await countCallLogs(context.db), 240);

    const raw = await context.db
      .selectFrom("call_logs")
      .select((eb) => [
        bucketStart(eb.ref("created_at"), HOUR).as("hour"),
        eb.fn.coalesce("group_name", sql.lit("")).as("group_name"),
        eb.fn.coalesce("provider_name", sql.lit("")).as("provider_name"),
        eb.fn.coalesce("api_key_id", sql.lit(0)).as("api_key_id"),
        eb.fn.countAll<number>().as("requests"),
        eb.fn.sum<number>(eb.case().when("status", "<", 400).then(1).else(0).end()).as("successes"),
        eb.fn.sum<number>("latency_ms").as("total_latency_ms"),
        eb.fn.sum<number>(eb.fn.coalesce("ttft_ms", sql.lit(0))).as("total_ttft_ms"),
        eb.fn.count<number>("ttft_ms").as("ttft_count"),
        eb.fn.sum<number>("prompt_tokens").as("prompt_tokens"),
        eb.fn.sum<number>("completion_tokens").as("completion_tokens"),
        eb.fn.sum<number>("cached_tokens").as("cached_tokens"),
        eb.fn.sum<number>("cost").as("cost"),
      ])
      .groupBy(["hour", "group_name", "provider_name", "api_key_id"])
      .execute();
    const rollups = await context.db.selectFrom("usage_hourly").selectAll().execute();
    assert.equal(rollups.length, raw.length);
    const key = (hour: number, group: string, provider: string, apiKey: number) =>
      `${hour}|${group}|${provider}|${apiKey}`;
    const byKey = new Map(
      rollups.map((row) => [key(row.hour_start, row.group_name, row.provider_name, row.api_key_id), row]),
    );
    for (const expected of raw) {
      const row = byKey.get(
        key(Number(expected.hour), expected.group_name, expected.provider_name, Number(expected.api_key_id)),
      );
      assert.ok(row, "a rollup row exists for every raw group");
      assert.equal(row.requests, Number(expected.requests));
      assert.equal(row.successes, Number(expected.successes));
      assert.equal(row.failures, Number(expected.requests) - Number(expected.successes));
      assert.equal(row.total_latency_ms, Number(expected.total_latency_ms));
      assert.equal(row.latency_count, Number(expected.requests));
      assert.equal(row.total_ttft_ms, Number(expected.total_ttft_ms));
      assert.equal(row.ttft_count, Number(expected.ttft_count));
      assert.equal(row.prompt_tokens, Number(expected.prompt_tokens));
      assert.equal(row.completion_tokens, Number(expected.completion_tokens));
      assert.equal(row.cached_tokens, Number(expected.cached_tokens));
      assert.ok(Math.abs(row.cost - Number(expected.cost)) < 1e-9);
      const latencyBuckets =
        row.lat_le_100 +
        row.lat_le_250 +
        row.lat_le_500 +
        row.lat_le_1000 +
        row.lat_le_2500 +
        row.lat_le_5000 +
        row.lat_le_10000 +
        row.lat_le_30000 +
        row.lat_gt_30000;
      assert.equal(latencyBuckets, row.requests, "each request lands in exactly one latency bucket");
      const ttftBuckets =
        row.ttft_le_100 +
        row.ttft_le_250 +
        row.ttft_le_500 +
        row.ttft_le_1000 +
        row.ttft_le_2500 +
        row.ttft_le_5000 +
        row.ttft_le_10000 +
        row.ttft_le_30000 +
        row.ttft_gt_30000;
      assert.equal(ttftBuckets, row.ttft_count);
    }
    const slow = await context.db
      .selectFrom("call_logs")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("latency_ms", ">", 30_000)
      .executeTakeFirstOrThrow();
    const slowRollup = await context.db
      .selectFrom("usage_hourly")
      .select((eb) => eb.fn.sum<number>("lat_gt_30000").as("n"))
      .executeTakeFirstOrThrow();
    assert.equal(Number(slowRollup.n), Number(slow.n));
  });

  it("deletes rows and bodies older than the cutoff in batches, keeping newer ones", async () => {
    const records = Array.from({ length: 25 }, (_, index) =>
      makeRecord({ requestId: `r${index}`, createdAt: index * 1_000, requestBody: "{}", responseBody: "{}" }),
    );
    await insertCallLogs(context.db, records);
    const drain = async (step: () => Promise<number>, batchSize: number) => {
      const batches: number[] = [];
      for (let deleted = batchSize; deleted === batchSize;) batches.push((deleted = await step()));
      return batches;
    };
    assert.deepEqual(await drain(() => deleteCallLogBatch(context.db, 20_000, 6), 6), [6, 6, 6, 2]);
    assert.equal(await countCallLogs(context.db), 5);
    assert.deepEqual(await drain(() => deleteBodyBatch(context.db, 10_000, 4), 4), [4, 4, 2]);
    const bodies = await context.db.selectFrom("call_log_bodies").select("request_id").execute();
    assert.equal(bodies.length, 15);
    assert.equal(await deleteCallLogBatch(context.db, 20_000, 6), 0);
    const rollup = await context.db
      .selectFrom("usage_hourly")
      .select((eb) => eb.fn.sum<number>("requests").as("n"))
      .executeTakeFirstOrThrow();
    assert.equal(Number(rollup.n), 25, "rollups outlive the rows they summarize");
  });
});
