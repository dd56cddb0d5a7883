import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BreakerBoard } from "../../lib/gateway/breaker";
import type { ConfigSnapshot, GatewayRuntime, ProviderConfig } from "../../lib/gateway/types";
import { redactDetail, runProviderTest } from "../../lib/server/provider-test";
import { defaultSettings } from "../../db/settings-schema";
import { completionBody, createFakeUpstream } from "./gateway/fake-upstream";
import { DEFAULT_HEADER_RULE } from "../../lib/gateway/forward-headers";

const KEY = "sk-canary-unit-0123456789";

function provider(overrides: Partial<ProviderConfig> = {}): ProviderConfig {
  return {
    id: 1,
    name: "p",
    baseUrl: "http://up.test/v1",
    protocol: "openai",
    apiKey: KEY,
    upstreamModel: "up-model",
    priceInput: 0,
    priceOutput: 0,
    priceCached: 0,
    priceCacheWrite: 0,
    priceUnit: "none",
    pricePerUnit: 0,
    kinds: new Set(["chat"]),
    isEnabled: false,
    connectTimeoutMs: null,
    firstTokenTimeoutMs: null,
    totalTimeoutMs: null,
    extraHeaders: {},
    forwardHeaders: DEFAULT_HEADER_RULE,
    streamUsage: true,
    ...overrides,
  };
}

function state(keywords: ConfigSnapshot["keywords"] = []): { runtime: GatewayRuntime } {
  const snapshot: ConfigSnapshot = {
    version: 1,
    providers: new Map(),
    groupsByName: new Map(),
    keysByHash: new Map(),
    keywords,
    settings: defaultSettings,
  };
  const runtime = { getSnapshot: () => snapshot, breakers: new BreakerBoard() } as unknown as GatewayRuntime;
  return { runtime };
}

describe("provider test", () => {
  it("sends the one-token ping to the provider's URL with its key and extra headers", async () => {
    const upstream = createFakeUpstream({
      "up.test": { status: 200, headers: { "content-type": "application/json" }, body: [completionBody("p")] },
    });
    const result = await runProviderTest(provider({ extraHeaders: { "X-Title": "t" } }), upstream.send, state());
    assert.equal(result.isOk, true);
    assert.equal(result.status, 200);
    assert.equal(result.problem, null);
    assert.ok(result.latencyMs >= 0);
    const [call] = upstream.calls;
    assert.equal(call?.url, "http://up.test/v1/chat/completions");
    assert.equal(call?.headers.authorization, `Bearer ${KEY}`);
    assert.equal(call?.headers["X-Title"], "t");
    assert.deepEqual(call?.body, { model: "up-model", messages: [{ role: "user", content: "ping" }], max_tokens: 1 });
  });

  it("tests an Anthropic endpoint on /v1/messages with x-api-key, and reads Anthropic's answers and errors", async () => {
    const message = JSON.stringify({
      type: "message",
      role: "assistant",
      content: [{ type: "text", text: "p" }],
      stop_reason: "max_tokens",
      usage: { input_tokens: 8, output_tokens: 1 },
    });
    const upstream = createFakeUpstream({
      "up.test": { status: 200, headers: { "content-type": "application/json" }, body: [message] },
    });
    const anthropic = provider({ protocol: "anthropic", baseUrl: "http://up.test" });
    const result = await runProviderTest(anthropic, upstream.send, state());
    assert.equal(result.isOk, true);
    const [call] = upstream.calls;
    assert.equal(call?.url, "http://up.test/v1/messages");
    assert.equal(call?.headers["x-api-key"], KEY);
    assert.equal(call?.headers.authorization, undefined);
    assert.equal(call?.headers["anthropic-version"], "2023-06-01");

    const overloaded = JSON.stringify({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } });
    const busy = createFakeUpstream({ "up.test": { status: 529, body: [overloaded] } });
    const failed = await runProviderTest(anthropic, busy.send, state());
    assert.deepEqual([failed.status, failed.problem, failed.detail], [529, "httpError", "Overloaded"]);
  });

  it("shows an error status with the upstream's message, never the key it echoes", async () => {
    const body = JSON.stringify({
      error: { message: `Incorrect API key provided: ${KEY}. Also ${KEY.slice(3, 15)}…` },
    });
    const upstream = createFakeUpstream({
      "up.test": { status: 401, headers: { "content-type": "application/json" }, body: [body] },
    });
    const result = await runProviderTest(provider(), upstream.send, state());
    assert.equal(result.isOk, false);
    assert.equal(result.status, 401);
    assert.equal(result.problem, "httpError");
    assert.equal(result.detail, "Incorrect API key provided: ••••. Also ••••…");
  });

  it("counts a 200 without a usable answer as a failure, with the gateway's reason", async () => {
    const upstream = createFakeUpstream({ "up.test": { status: 200, body: ["<html>oops</html>"] } });
    const result = await runProviderTest(provider(), upstream.send, state());
    assert.equal(result.problem, "invalidAnswer");
    assert.equal(result.detail, "HTML instead of JSON");
  });

  it("applies failure keywords to the answer without counting a hit", async () => {
    const upstream = createFakeUpstream({ "up.test": { status: 200, body: [completionBody("quota exceeded")] } });
    const result = await runProviderTest(provider(), upstream.send, state([{ id: 1, keyword: "QUOTA" }]));
    assert.equal(result.problem, "invalidAnswer");
  });

  it("reports connection errors and the provider's own first-token timeout", async () => {
    const refused = await runProviderTest(
      provider({ baseUrl: "http://nowhere.test/v1" }),
      createFakeUpstream({}).send,
      state(),
    );
    assert.equal(refused.problem, "connectionRefused");
    assert.equal(refused.status, null);

    const slow = createFakeUpstream({ "up.test": { headersDelayMs: Number.POSITIVE_INFINITY } });
    const startedAt = Date.now();
    const timedOut = await runProviderTest(provider({ firstTokenTimeoutMs: 100 }), slow.send, state());
    assert.equal(timedOut.problem, "firstTokenTimeout");
    assert.ok(Date.now() - startedAt < 2_000);
    assert.equal(slow.calls[0]?.wasAborted, true);
  });

  it("refuses to send when the stored key no longer decrypts", async () => {
    const upstream = createFakeUpstream({});
    const result = await runProviderTest(provider({ apiKey: "" }), upstream.send, state());
    assert.equal(result.problem, "keyUnreadable");
    assert.equal(upstream.calls.length, 0);
  });
});

describe("redactDetail", () => {
  it("masks any eight-character run of a secret and flattens control characters", () => {
    assert.equal(redactDetail(`a\u0000b\r\n\tc ${KEY.slice(5, 13)} d`, [KEY]), "a b c •••• d");
  });

  it("cuts long text to the limit with an ellipsis", () => {
    const text = redactDetail("x".repeat(1_000), [], 50);
    assert.equal(text.length, 50);
    assert.ok(text.endsWith("…"));
  });
});
