import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { describe, it } from "node:test";
import { AlertingBreakerBoard, type BreakerOpened } from "../../lib/alerts/breaker-board";
import { AlertDispatcher } from "../../lib/alerts/dispatcher";
import { ErrorRateWindows, LocalCooldown } from "../../lib/alerts/error-rate";
import type { Alert, AlertTarget } from "../../lib/alerts/events";
import { buildWebhookRequest } from "../../lib/alerts/payload";
import type { UpstreamRequest, UpstreamResponse } from "../../lib/gateway/types";
import { OutboundError } from "../../lib/http/outbound";

const T0 = 1_700_000_000_000;
const rule = { windowMs: 60_000, minRequests: 4, percent: 50 };
const breakerSettings = {
  failoverThreshold: 2,
  failoverSampleSize: 10,
  failoverWindowSeconds: 60,
  cooldownSeconds: 30,
};

function target(patch: Partial<AlertTarget> = {}): AlertTarget {
  return {
    id: 1,
    name: "ops",
    kind: "generic",
    url: "http://127.0.0.1:9/hook",
    secret: null,
    events: new Set(["breaker_opened"]),
    isEnabled: true,
    ...patch,
  };
}

function alert(patch: Partial<Alert> = {}): Alert {
  return {
    event: "breaker_opened",
    severity: "warning",
    key: "breaker_opened:1",
    summary: 'Circuit breaker opened for provider "a"',
    details: { provider: "a", reason: "failure_rate" },
    at: T0,
    ...patch,
  };
}

function answer(status: number): UpstreamResponse {
  return { status, headers: {}, body: (async function* () {})(), close: () => undefined };
}

/** A dispatcher over a fake network and an in-memory claim table. */
function dispatcherWith(statuses: (number | Error)[], targets: AlertTarget[] = [target()]) {
  const sent: UpstreamRequest[] = [];
  const claims = new Map<string, number>();
  const failures: string[] = [];
  const dispatcher = new AlertDispatcher({
    send: async (request) => {
      sent.push(request);
      const next = statuses.shift() ?? 200;
      if (next instanceof Error) throw next;
      return answer(next);
    },
    now: () => T0,
    loadTargets: async () => targets,
    claim: async (key, now, cooldownMs) => {
      const last = claims.get(key);
      if (last !== undefined && last > now - cooldownMs) return false;
      claims.set(key, now);
      return true;
    },
    cooldownMs: () => 600_000,
    gatewayName: "gw-test",
    onFailure: (name, detail) => failures.push(`${name}: ${detail}`),
    sleep: async () => undefined,
  });
  return { dispatcher, sent, claims, failures };
}

describe("error-rate window", () => {
  it("fires only at or above the threshold with at least the minimum requests", () => {
    const windows = new ErrorRateWindows();
    assert.equal(windows.record("g", true, T0, rule), null);
    assert.equal(windows.record("g", true, T0 + 10, rule), null);
    assert.equal(windows.record("g", false, T0 + 20, rule), null, "3 requests: below the minimum");
    assert.deepEqual(windows.record("g", false, T0 + 30, rule), { total: 4, errors: 2, percent: 50 });
  });

  it("forgets outcomes older than the window and keeps subjects apart", () => {
    const windows = new ErrorRateWindows();
    for (let index = 0; index < 4; index += 1) windows.record("g", true, T0 + index, rule);
    assert.equal(windows.record("other", true, T0 + 5, rule), null, "another group has its own window");
    assert.equal(windows.record("g", true, T0 + 61_000, rule), null, "the old failures left the window");
  });
});

describe("local cooldown", () => {
  it("lets a key through once per cooldown", () => {
    const cooldown = new LocalCooldown();
    assert.equal(cooldown.take("k", T0, 1_000), true);
    assert.equal(cooldown.take("k", T0 + 999, 1_000), false);
    assert.equal(cooldown.take("other", T0 + 999, 1_000), true);
    assert.equal(cooldown.take("k", T0 + 1_000, 1_000), true);
  });
});

describe("webhook payloads", () => {
  it("generic JSON carries event, severity, summary, details, at and gateway, signed over timestamp.body", () => {
    const request = buildWebhookRequest(target({ secret: "s3cret" }), alert(), "gw-1");
    const body = JSON.parse(request.body) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body), ["event", "severity", "summary", "details", "at", "gateway"]);
    assert.equal(body.at, new Date(T0).toISOString());
    const timestamp = request.headers["x-gateway-timestamp"]!;
    assert.equal(timestamp, String(T0 / 1000));
    const expected = createHmac("sha256", "s3cret").update(`${timestamp}.${request.body}`).digest("hex");
    assert.equal(request.headers["x-gateway-signature"], `sha256=${expected}`);
  });

  it("no secret, no signature header", () => {
    assert.equal(buildWebhookRequest(target(), alert(), "gw-1").headers["x-gateway-signature"], undefined);
  });

  it("Slack gets {text, blocks} with the summary and the details as fields", () => {
    const request = buildWebhookRequest(target({ kind: "slack", secret: "ignored" }), alert(), "gw-1");
    const body = JSON.parse(request.body) as { text: string; blocks: { type: string; fields?: { text: string }[] }[] };
    assert.match(body.text, /\[gw-1\] Circuit breaker opened for provider "a"/);
    assert.deepEqual(
      body.blocks.map((block) => block.type),
      ["section", "section", "context"],
    );
    assert.deepEqual(
      body.blocks[1]!.fields!.map((field) => field.text),
      ["*provider*\na", "*reason*\nfailure_rate"],
    );
    assert.equal(request.headers["x-gateway-signature"], undefined);
  });
});

describe("AlertDispatcher", () => {
  it("sends an alert key once per cooldown", async () => {
    const { dispatcher, sent } = dispatcherWith([]);
    await dispatcher.refresh();
    dispatcher.emit(alert());
    dispatcher.emit(alert({ at: T0 + 1_000 }));
    await dispatcher.drain();
    assert.equal(sent.length, 1);
    dispatcher.emit(alert({ key: "breaker_opened:2" }));
    await dispatcher.drain();
    assert.equal(sent.length, 2, "another subject is another alert");
  });

  it("sends nothing when another process already claimed the key", async () => {
    const { dispatcher, sent, claims } = dispatcherWith([]);
    await dispatcher.refresh();
    claims.set("breaker_opened:1", T0 - 1_000);
    dispatcher.emit(alert());
    await dispatcher.drain();
    assert.equal(sent.length, 0);
  });

  it("retries a 5xx or a connection error, then gives up and reports it", async () => {
    const { dispatcher, sent, failures } = dispatcherWith([503, new OutboundError("connection_refused"), 500]);
    await dispatcher.refresh();
    dispatcher.emit(alert());
    await dispatcher.drain();
    assert.equal(sent.length, 3, "one try and two retries");
    assert.deepEqual(failures, ["ops: http_status 500"]);
  });

  it("does not retry a 4xx other than 429", async () => {
    const { dispatcher, sent } = dispatcherWith([404]);
    await dispatcher.refresh();
    dispatcher.emit(alert());
    await dispatcher.drain();
    assert.equal(sent.length, 1);
  });

  it("ignores events no enabled target wants", async () => {
    const { dispatcher, sent } = dispatcherWith(
      [],
      [target({ isEnabled: false }), target({ id: 2, events: new Set(["error_rate"]) })],
    );
    await dispatcher.refresh();
    assert.equal(dispatcher.wants("breaker_opened"), false);
    dispatcher.emit(alert());
    await dispatcher.drain();
    assert.equal(sent.length, 0);
  });

  it("the test delivery reports status and latency, or a closed error code", async () => {
    const { dispatcher } = dispatcherWith([204, 500, new OutboundError("address_blocked")]);
    assert.deepEqual(await dispatcher.sendTest(target(), alert({ event: "test" })), {
      ok: true,
      status: 204,
      latencyMs: 0,
    });
    assert.deepEqual(await dispatcher.sendTest(target(), alert({ event: "test" })), {
      ok: false,
      status: 500,
      latencyMs: 0,
      error: "http_status",
    });
    const blocked = await dispatcher.sendTest(target(), alert({ event: "test" }));
    assert.equal(blocked.ok === false && blocked.error, "address_blocked");
  });
});

describe("AlertingBreakerBoard", () => {
  it("tells once when a breaker opens, not while it stays open, and again when a probe reopens it", () => {
    const opened: BreakerOpened[] = [];
    const board = new AlertingBreakerBoard((event) => opened.push(event));
    board.recordFailure(1, T0, breakerSettings);
    assert.equal(opened.length, 0, "below the threshold");
    board.recordFailure(1, T0 + 1, breakerSettings, null, "HTTP 503");
    assert.deepEqual(opened, [
      { providerId: 1, reason: "failure_rate", openUntil: T0 + 1 + 30_000, lastFailure: "HTTP 503", at: T0 + 1 },
    ]);
    board.recordFailure(1, T0 + 2, breakerSettings);
    assert.equal(opened.length, 1, "already open");
    board.recordFailure(1, T0 + 40_000, breakerSettings);
    assert.equal(opened.length, 2);
    assert.equal(opened[1]!.reason, "probe_failed");
  });

  it("tells a Retry-After rest with its reason", () => {
    const opened: BreakerOpened[] = [];
    const board = new AlertingBreakerBoard((event) => opened.push(event));
    board.recordFailure(7, T0, breakerSettings, 5_000);
    assert.equal(opened[0]!.reason, "retry_after");
    assert.equal(opened[0]!.openUntil, T0 + 5_000);
  });
});
