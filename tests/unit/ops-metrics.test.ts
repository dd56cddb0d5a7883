import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Registry } from "prom-client";
import { hasBearerToken } from "../../lib/metrics/bearer";
import { createMetricsLogSink, statusClass } from "../../lib/metrics/log-sink";
import { getGatewayMetrics } from "../../lib/metrics/registry";
import type { CallLogRecord } from "../../lib/gateway/types";
import { parseExpiry } from "../../scripts/cli/output";
import { makeRecord } from "../db/call-log-records";

describe("metrics helpers", () => {
  it("accepts only the exact bearer token", () => {
    assert.equal(hasBearerToken("Bearer s3cret-token", "s3cret-token"), true);
    assert.equal(hasBearerToken("bearer   s3cret-token ", "s3cret-token"), true);
    for (const header of [
      null,
      "",
      "Bearer",
      "Bearer s3cret",
      "Bearer s3cret-token-x",
      "Basic s3cret-token",
      "s3cret-token",
    ]) {
      assert.equal(hasBearerToken(header, "s3cret-token"), false, String(header));
    }
  });

  it("classes statuses, a client that went away included", () => {
    assert.deepEqual([200, 299, 400, 401, 499, 502, 504, 0].map(statusClass), [
      "2xx",
      "2xx",
      "4xx",
      "4xx",
      "4xx",
      "5xx",
      "5xx",
      "other",
    ]);
  });

  it("counts a record, then hands it on unchanged; failovers skip providers an open breaker skipped", async () => {
    const metrics = getGatewayMetrics();
    const pushed: CallLogRecord[] = [];
    const sink = createMetricsLogSink({ push: (record) => pushed.push(record) }, metrics);
    const before = async (name: string) =>
      ((await metrics.registry.getSingleMetric(name)?.get())?.values ?? []).reduce((sum, v) => sum + v.value, 0);
    const failoversBefore = await before("gateway_failovers_total");
    const record = makeRecord({
      attempts: [
        { providerId: 1, providerName: "a", status: null, latencyMs: 0, outcome: "skipped", reason: "breaker open" },
        { providerId: 2, providerName: "b", status: 503, latencyMs: 10, outcome: "failed", reason: "503" },
        { providerId: 3, providerName: "c", status: 200, latencyMs: 10, outcome: "ok", reason: null },
      ],
    });
    sink.push(record);
    assert.equal(pushed[0], record);
    assert.equal((await before("gateway_failovers_total")) - failoversBefore, 1);
    assert.ok(metrics.registry instanceof Registry);
  });

  it("a failing metric never costs the log row", () => {
    const pushed: CallLogRecord[] = [];
    const broken = { ...getGatewayMetrics(), requests: null } as unknown as ReturnType<typeof getGatewayMetrics>;
    createMetricsLogSink({ push: (record) => pushed.push(record) }, broken).push(makeRecord());
    assert.equal(pushed.length, 1);
  });
});

describe("CLI --expires", () => {
  const now = Date.UTC(2026, 0, 1);
  it("reads durations, ISO dates and never", () => {
    assert.equal(parseExpiry("30d", now), now + 30 * 86_400_000);
    assert.equal(parseExpiry("12h", now), now + 12 * 3_600_000);
    assert.equal(parseExpiry("2w", now), now + 14 * 86_400_000);
    assert.equal(parseExpiry("never", now), null);
    assert.equal(parseExpiry("2027-06-01", now), Date.UTC(2027, 5, 1));
  });
  it("refuses the past, zero and nonsense", () => {
    for (const value of ["2025-01-01", "0d", "soon", "30x", "-5d"])
      assert.throws(() => parseExpiry(value, now), /--expires/);
  });
});
