import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { CallLogDetail } from "../../db/queries/call-logs";
import { startGateway, type Gateway } from "../support/seed";

const METRICS_TOKEN = "scrape-token-0123456789";
const messages = [{ role: "user", content: "Say hello" }];

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * A small parser of the Prometheus text format (0.0.4): `# HELP`/`# TYPE` lines, then
 * `name{label="value",…} number`, label values with \\, \" and \n escapes.
 */
function parsePrometheusText(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const typeLine = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (typeLine) types.set(typeLine[1]!, typeLine[2]!);
    if (line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)( \d+)?$/.exec(line);
    assert.ok(match, `a valid sample line: ${line}`);
    const labels: Record<string, string> = {};
    const labelPattern = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/g;
    for (const label of (match[3] ?? "").matchAll(labelPattern)) {
      labels[label[1]!] = label[2]!.replace(/\\(.)/g, (_, char: string) => (char === "n" ? "\n" : char));
    }
    const raw = match[4]!;
    const value = raw === "+Inf" ? Infinity : raw === "-Inf" ? -Infinity : Number(raw);
    assert.ok(!Number.isNaN(value) || raw === "NaN", `a number: ${line}`);
    samples.push({ name: match[1]!, labels, value });
  }
  return { samples, types };
}

function find(samples: Sample[], name: string, labels: Record<string, string> = {}): Sample[] {
  return samples.filter(
    (sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
}

function total(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return find(samples, name, labels).reduce((sum, sample) => sum + sample.value, 0);
}

const statusClass = (status: number) => `${Math.floor(status / 100)}xx`;

describe("/metrics, /api/ready and /api/health over HTTP", () => {
  let gw: Gateway;
  let key: string;
  let rows: CallLogDetail[] = [];

  before(async () => {
    gw = await startGateway({
      settings: {
        metricsToken: METRICS_TOKEN,
        maxAttempts: 3,
        failoverThreshold: 2,
        failoverWindowSeconds: 60,
        cooldownSeconds: 600,
      },
      async seed(s) {
        await s.group("mx-chat", [
          { model: "mx-a", priceInput: 2, priceOutput: 4 },
          { model: "mx-b", priceInput: 1, priceOutput: 1 },
        ]);
        await s.group("mx-down", ["mx-broken"]);
        key = await s.key("metrics-test", { groups: ["mx-chat", "mx-down"] });
      },
    });
    gw.mock.setBehavior("mx-broken", { status: 500 });
  });

  after(async () => {
    await gw?.stop();
  });

  async function scrape(authorization?: string): Promise<Response> {
    return fetch(`${gw.baseUrl}/metrics`, { headers: authorization ? { authorization } : {} });
  }

  it("answers /api/health and /api/ready", async () => {
    const health = await fetch(`${gw.baseUrl}/api/health`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: "ok" });
    const ready = await fetch(`${gw.baseUrl}/api/ready`);
    assert.equal(ready.status, 200);
    assert.equal(ready.headers.get("cache-control"), "no-store");
    const body = (await ready.json()) as {
      status: string;
      checks: Record<string, string>;
      logQueue: { queued: number; dropped: number };
    };
    assert.equal(body.status, "ready");
    assert.deepEqual(body.checks, { database: "ok", migrations: "ok", logQueue: "ok" });
    assert.equal(body.logQueue.dropped, 0);
    assert.equal(typeof body.logQueue.queued, "number");
  });

  it("refuses a scrape without the token, or with a wrong one, with 401 JSON", async () => {
    for (const authorization of [
      undefined,
      "Bearer wrong-token",
      `Basic ${METRICS_TOKEN}`,
      `Bearer ${METRICS_TOKEN}x`,
    ]) {
      const response = await scrape(authorization);
      assert.equal(response.status, 401, `refused: ${authorization}`);
      assert.match(response.headers.get("content-type") ?? "", /application\/json/);
      assert.match(response.headers.get("www-authenticate") ?? "", /^Bearer/);
      const body = (await response.json()) as { error: { code: string } };
      assert.equal(body.error.code, "invalid_metrics_token");
    }
  });

  it("counts traffic with a failover exactly as the log rows record it", async () => {
    const sent: number[] = [];
    for (let i = 0; i < 3; i += 1) sent.push((await gw.chat(key, { model: "mx-chat", messages })).status);
    // One failover: mx-a answers 503 once, mx-b serves.
    gw.mock.queue("mx-a", { status: 503 });
    sent.push((await gw.chat(key, { model: "mx-chat", messages })).status);
    const stream = await gw.stream(key, { model: "mx-chat", messages, stream: true }).finished;
    sent.push(stream.status);
    // Two failures open mx-broken's breaker (threshold 2).
    for (let i = 0; i < 2; i += 1) sent.push((await gw.chat(key, { model: "mx-down", messages })).status);
    sent.push((await gw.chat("sk-not-a-key", { model: "mx-chat", messages })).status);
    assert.deepEqual(sent.map(statusClass), ["2xx", "2xx", "2xx", "2xx", "2xx", "5xx", "5xx", "4xx"]);
    rows = await gw.settle();
    assert.equal(rows.length, sent.length);

    const response = await scrape(`Bearer ${METRICS_TOKEN}`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    gw.assertNoSecret(text, "/metrics");
    const { samples, types } = parsePrometheusText(text);
    assert.equal(types.get("gateway_requests_total"), "counter");
    assert.equal(types.get("gateway_request_duration_seconds"), "histogram");
    assert.equal(types.get("gateway_breaker_state"), "gauge");

    // Requests: one series per (group, final provider, status class), counted like the rows.
    const expected = new Map<string, number>();
    for (const row of rows) {
      const label = JSON.stringify([row.groupName ?? "", row.providerName ?? "", statusClass(row.status)]);
      expected.set(label, (expected.get(label) ?? 0) + 1);
    }
    const actual = new Map(
      find(samples, "gateway_requests_total").map((sample) => [
        JSON.stringify([sample.labels.group, sample.labels.provider, sample.labels.status_class]),
        sample.value,
      ]),
    );
    assert.deepEqual(actual, expected);
    assert.equal(total(samples, "gateway_requests_total"), sent.length);
    assert.deepEqual(
      [...new Set(find(samples, "gateway_requests_total").map((sample) => sample.labels.api))],
      ["chat.completions"],
      "every request is labelled with its API",
    );
    assert.equal(
      total(samples, "gateway_requests_total", { group: "mx-chat", provider: "mx-a", status_class: "2xx" }),
      4,
    );
    assert.equal(
      total(samples, "gateway_requests_total", { group: "mx-chat", provider: "mx-b", status_class: "2xx" }),
      1,
    );
    assert.equal(total(samples, "gateway_requests_total", { group: "mx-down", status_class: "5xx" }), 2);
    assert.equal(total(samples, "gateway_requests_total", { group: "", provider: "", status_class: "4xx" }), 1);

    // Failovers and attempts.
    assert.equal(total(samples, "gateway_failovers_total", { group: "mx-chat" }), 1);
    assert.equal(total(samples, "gateway_failovers_total"), 1);
    assert.equal(total(samples, "gateway_upstream_attempts_total", { provider: "mx-a", outcome: "failed" }), 1);
    assert.equal(total(samples, "gateway_upstream_attempts_total", { provider: "mx-b", outcome: "ok" }), 1);
    assert.equal(total(samples, "gateway_upstream_attempts_total", { provider: "mx-broken", outcome: "failed" }), 2);

    // Latency and time to first token: one observation per request (per request that had a first token).
    assert.equal(total(samples, "gateway_request_duration_seconds_count"), rows.length);
    const latencySum = rows.reduce((sum, row) => sum + row.latencyMs, 0) / 1000;
    assert.ok(
      Math.abs(total(samples, "gateway_request_duration_seconds_sum") - latencySum) < 0.01 * rows.length,
      "latency sum",
    );
    assert.equal(total(samples, "gateway_request_duration_seconds_bucket", { le: "+Inf" }), rows.length);
    const withTtft = rows.filter((row) => row.ttftMs !== null);
    assert.ok(withTtft.length >= 1, "the stream has a time to first token");
    assert.equal(total(samples, "gateway_time_to_first_token_seconds_count"), withTtft.length);

    // Tokens and cost.
    const sum = (pick: (row: CallLogDetail) => number) => rows.reduce((acc, row) => acc + pick(row), 0);
    assert.equal(
      total(samples, "gateway_tokens_total", { type: "prompt" }),
      sum((row) => row.promptTokens),
    );
    assert.equal(
      total(samples, "gateway_tokens_total", { type: "completion" }),
      sum((row) => row.completionTokens),
    );
    assert.ok(sum((row) => row.promptTokens) > 0);
    assert.equal(
      total(samples, "gateway_tokens_total", { group: "mx-chat", provider: "mx-b", type: "prompt" }),
      sum((row) => (row.providerName === "mx-b" ? row.promptTokens : 0)),
    );
    assert.ok(Math.abs(total(samples, "gateway_cost_total") - sum((row) => row.cost)) < 1e-9, "cost");
    assert.ok(total(samples, "gateway_cost_total", { provider: "mx-a" }) > 0);

    // Breakers, and the log writer.
    assert.equal(total(samples, "gateway_breaker_state", { provider: "mx-broken" }), 1, "open after two failures");
    assert.equal(total(samples, "gateway_breaker_state", { provider: "mx-a" }), 0, "one failure leaves it closed");
    assert.equal(total(samples, "gateway_breaker_state", { provider: "mx-b" }), 0);
    assert.equal(total(samples, "gateway_log_queue_depth"), 0);
    assert.equal(total(samples, "gateway_log_rows_dropped_total"), 0);
    assert.ok(total(samples, "gateway_log_rows_written_total") >= rows.length);
    assert.ok(find(samples, "process_cpu_user_seconds_total").length === 1, "process metrics too");
  });

  it("stays ready after the traffic", async () => {
    const ready = await fetch(`${gw.baseUrl}/api/ready`);
    assert.equal(ready.status, 200);
    const body = (await ready.json()) as { logQueue: { queued: number; dropped: number } };
    assert.deepEqual(body.logQueue, { ...body.logQueue, queued: 0, dropped: 0 });
  });
});
