import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { handleChatCompletions } from "../../../lib/gateway/chat-completions";
import { completionBody, contentChunk, createFakeUpstream, DONE, sseData, type UpstreamScript } from "./fake-upstream";
import { HELLO, chatRequest, makeProvider, makeRuntime, makeSnapshot, waitFor } from "./gateway-fixture";

const JSON_OK: UpstreamScript = { status: 200, body: [completionBody("Hello!")] };

function setup(script: UpstreamScript, settings = {}) {
  const upstream = createFakeUpstream({ "p1.test": script, "p2.test": JSON_OK });
  const snapshot = makeSnapshot({
    providers: [makeProvider(1), makeProvider(2)],
    members: [
      { providerId: 1, priority: 1, weight: 1 },
      { providerId: 2, priority: 2, weight: 1 },
    ],
    settings,
  });
  return { upstream, ...makeRuntime(snapshot, upstream.send) };
}

describe("call log rows", () => {
  it("writes exactly one row per request across a mixed batch", async () => {
    const { runtime, logs } = setup(JSON_OK);
    const requests = [
      chatRequest(HELLO),
      chatRequest(HELLO, { key: null }),
      chatRequest("{bad"),
      chatRequest({ ...HELLO, model: "unknown" }),
      chatRequest({ ...HELLO, stream: true }),
      chatRequest(HELLO),
    ];
    const responses = await Promise.all(requests.map((request) => handleChatCompletions(request, runtime)));
    await Promise.all(responses.map((response) => response.text()));
    await waitFor(() => logs.length >= requests.length);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(logs.length, requests.length);
    assert.deepEqual(
      new Set(logs.map((log) => log.requestId)),
      new Set(responses.map((response) => response.headers.get("x-request-id"))),
    );
  });

  it("fills every field of a successful non-streaming row", async () => {
    const { runtime, logs } = setup(JSON_OK);
    const response = await handleChatCompletions(chatRequest(HELLO), runtime);
    await response.text();
    const log = logs[0]!;
    assert.equal(log.requestId, response.headers.get("x-request-id"));
    assert.deepEqual(
      [log.apiKeyId, log.apiKeyName, log.groupName, log.providerId, log.providerName, log.status, log.isStream],
      [1, "key-1", "chat", 1, "provider-1", 200, false],
    );
    assert.deepEqual(
      [log.promptTokens, log.completionTokens, log.cachedTokens, log.isUsageEstimated, log.isIncomplete],
      [12, 3, 0, false, false],
    );
    assert.equal(log.cost, (12 * 1 + 3 * 2) / 1_000_000);
    assert.ok(log.latencyMs >= 0 && log.ttftMs !== null && log.ttftMs >= 0);
    assert.equal(log.error, null);
    assert.equal(log.requestBody, null, "bodies are not stored unless the setting is on");
    assert.equal(log.responseBody, null);
  });

  it("estimates and marks usage when a JSON answer has none", async () => {
    const { runtime, logs } = setup({ status: 200, body: [completionBody("12345678", null)] });
    await (await handleChatCompletions(chatRequest(HELLO), runtime)).text();
    assert.deepEqual([logs[0]!.completionTokens, logs[0]!.promptTokens, logs[0]!.isUsageEstimated], [2, 3, true]);
  });

  it("stores bodies truncated to bodyMaxBytes when the setting is on", async () => {
    const { runtime, logs } = setup(JSON_OK, { storeBodies: true, bodyMaxBytes: 20 });
    await (await handleChatCompletions(chatRequest(HELLO), runtime)).text();
    assert.equal(logs[0]!.requestBody, JSON.stringify(HELLO).slice(0, 20));
    assert.equal(logs[0]!.responseBody, completionBody("Hello!").slice(0, 20));
  });

  it("stores the streamed bytes the client received", async () => {
    const events = [sseData(contentChunk("hi")), DONE];
    const { runtime, logs } = setup({ status: 200, body: events }, { storeBodies: true, bodyMaxBytes: 4_096 });
    await (await handleChatCompletions(chatRequest({ ...HELLO, stream: true }), runtime)).text();
    await waitFor(() => logs.length === 1);
    assert.equal(logs[0]!.responseBody, events.join(""));
    assert.equal(logs[0]!.isStream, true);
  });

  it("logs 499 and calls no other provider when the client leaves during a JSON attempt", async () => {
    const { runtime, logs, upstream } = setup({ headersDelayMs: 5_000, status: 200 }, { firstTokenTimeoutMs: 10_000 });
    const controller = new AbortController();
    const pending = handleChatCompletions(chatRequest(HELLO, { signal: controller.signal }), runtime);
    await waitFor(() => upstream.calls.length === 1);
    controller.abort();
    const response = await pending;
    assert.equal(response.status, 499);
    assert.equal(upstream.calls[0]!.wasAborted, true);
    assert.equal(upstream.callsTo("p2.test").length, 0);
    assert.equal(logs.length, 1);
    assert.equal(logs[0]!.status, 499);
  });
});

describe("half-open probing through the request path", () => {
  it("lets one request probe a half-open provider while a concurrent one goes elsewhere", async () => {
    const { runtime, upstream, logs } = setup({ headersDelayMs: 60, status: 200, body: [completionBody("probe ok")] });
    const settings = runtime.getSnapshot().settings;
    const past = Date.now() - (settings.cooldownSeconds * 1000 + 1);
    for (let i = 0; i < settings.failoverThreshold; i += 1) runtime.breakers.recordFailure(1, past, settings);
    const [probe, other] = await Promise.all([
      handleChatCompletions(chatRequest(HELLO), runtime),
      handleChatCompletions(chatRequest(HELLO), runtime),
    ]);
    assert.equal(await probe.text(), completionBody("probe ok"));
    assert.equal(await other.text(), completionBody("Hello!"));
    assert.equal(upstream.callsTo("p1.test").length, 1);
    assert.equal(runtime.breakers.view(1, Date.now()).state, "closed", "the successful probe closed the breaker");
    assert.deepEqual(logs.map((log) => log.providerId).sort(), [1, 2]);
  });
});
