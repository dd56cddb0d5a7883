import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { escapeLike, toStoredText } from "../../db/dialect";
import { insertCallLogs, getCallLog } from "../../db/queries/call-logs";
import { aggregateUsage, hourStart } from "../../db/queries/usage-rollup";
import { bucketIndex, estimatePercentile, LATENCY_BUCKET_COLUMNS } from "../../db/queries/usage-buckets";
import { describeEachDatabase } from "../support/test-database";
import { makeRecord } from "./call-log-records";

describe("dialect helpers", () => {
  it("escapes LIKE wildcards and the escape character", () => {
    assert.equal(escapeLike("50%_off\\"), "50\\%\\_off\\\\");
  });

  it("replaces NUL characters, which PostgreSQL text refuses", () => {
    assert.equal(toStoredText("a\u0000b"), "a\uFFFDb");
    assert.equal(toStoredText(null), null);
  });
});

describe("latency buckets", () => {
  it("puts a duration in the first bucket whose bound holds it", () => {
    assert.equal(LATENCY_BUCKET_COLUMNS[bucketIndex(0)], "lat_le_100");
    assert.equal(LATENCY_BUCKET_COLUMNS[bucketIndex(100)], "lat_le_100");
    assert.equal(LATENCY_BUCKET_COLUMNS[bucketIndex(101)], "lat_le_250");
    assert.equal(LATENCY_BUCKET_COLUMNS[bucketIndex(30_000)], "lat_le_30000");
    assert.equal(LATENCY_BUCKET_COLUMNS[bucketIndex(30_001)], "lat_gt_30000");
  });

  it("estimates p95 inside the bucket that holds it", () => {
    // 90 fast requests (≤100 ms) and 10 between 1 s and 2.5 s: p95 lies in the 2.5 s bucket.
    const counts = [90, 0, 0, 0, 10, 0, 0, 0, 0];
    const p95 = estimatePercentile(counts, 0.95);
    assert.ok(p95 !== null && p95 > 1_000 && p95 <= 2_500, `p95 ${p95}`);
    assert.equal(estimatePercentile(counts, 0.5), (100 * 50) / 90);
    assert.equal(estimatePercentile([0, 0, 0, 0, 0, 0, 0, 0, 4], 0.95), 30_000);
    assert.equal(estimatePercentile([0, 0, 0, 0, 0, 0, 0, 0, 0], 0.95), null);
  });

  it("pre-aggregates a batch per hour, group, provider and key; success is a status below 400", () => {
    const at = Date.UTC(2026, 0, 1, 10, 59, 59);
    const rows = aggregateUsage([
      makeRecord({ createdAt: at, status: 200, latencyMs: 90, ttftMs: 40 }),
      makeRecord({ createdAt: at - 1_000, status: 503, latencyMs: 40_000 }),
      makeRecord({ createdAt: at + 1_000, status: 200 }),
      makeRecord({ createdAt: at, groupName: null, providerName: null, apiKeyId: null, status: 401 }),
    ]);
    assert.equal(rows.length, 3);
    const main = rows.find((row) => row.hour_start === hourStart(at) && row.group_name === "smart");
    assert.equal(main?.requests, 2);
    assert.equal(main?.successes, 1);
    assert.equal(main?.failures, 1);
    assert.equal(main?.lat_le_100, 1);
    assert.equal(main?.lat_gt_30000, 1);
    assert.equal(main?.ttft_count, 1);
    assert.equal(main?.ttft_le_100, 1);
    const anonymous = rows.find((row) => row.group_name === "");
    assert.deepEqual([anonymous?.provider_name, anonymous?.api_key_id, anonymous?.failures], ["", 0, 1]);
  });
});

describeEachDatabase("stored text", (context) => {
  it("stores a log row whose error and body contain NUL characters", async () => {
    await insertCallLogs(context.db, [
      makeRecord({ requestId: "nul", error: "bad\u0000byte", requestBody: "{\u0000}", responseBody: null }),
    ]);
    const row = await getCallLog(context.db, "nul");
    assert.equal(row?.error, "bad\uFFFDbyte");
    assert.equal(row?.requestBody, "{\uFFFD}");
  });
});
