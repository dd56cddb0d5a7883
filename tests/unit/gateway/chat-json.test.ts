import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { handleChatCompletions } from "../../../lib/gateway/chat-completions";
import type { ProviderConfig } from "../../../lib/gateway/types";
import type { Settings } from "../../../db/settings-schema";
import { completionBody, createFakeUpstream, type UpstreamScript } from "./fake-upstream";
import { HELLO, chatRequest, findSecrets, makeProvider, makeRuntime, makeSnapshot, readJson } from "./gateway-fixture";

const JSON_OK: UpstreamScript = {
  status: 200,
  headers: { "content-type": "application/json" },
  body: [completionBody("Hello!")],
};

function twoProviders(
  first: UpstreamScript,
  options: {
    settings?: Partial<Settings>;
    keywords?: { id: number; keyword: string }[];
    providers?: ProviderConfig[];
  } = {},
) {
  const upstream = createFakeUpstream({ "p1.test": first, "p2.test": JSON_OK });
  const snapshot = makeSnapshot({
    providers: options.providers ?? [makeProvider(1), makeProvider(2)],
    members: [
      { providerId: 1, priority: 1, weight: 1 },
      { providerId: 2, priority: 2, weight: 1 },
    ],
    settings: options.settings,
    keywords: options.keywords,
  });
  return { upstream, ...makeRuntime(snapshot, upstream.send) };
}

describe("non-streaming failover triggers", () => {
  const triggers: [string, UpstreamScript, number | null][] = [
    ["connection refused", { error: "connection_refused" }, null],
    ["connection reset mid-body", { status: 200, body: ['{"id":"x",', { reset: true }] }, 200],
    ["a 500", { status: 500, body: ['{"error":{"message":"boom"}}'] }, 500],
    ["a 503", { status: 503, body: [] }, 503],
    ["a 401 from the provider", { status: 401, body: ['{"error":{"message":"bad key sk-upstream-canary-1"}}'] }, 401],
    ["a 403 from the provider", { status: 403, body: [] }, 403],
    ["a 404 from the provider", { status: 404, body: [] }, 404],
    ["a 302 redirect", { status: 302, headers: { location: "http://elsewhere.test/" }, body: [] }, 302],
    ["a 429", { status: 429, headers: { "retry-after": "3" }, body: [] }, 429],
    ["a 200 with HTML", { status: 200, body: ["<html><body>Bad gateway</body></html>"] }, 200],
    ["a 200 with an empty body", { status: 200, body: [] }, 200],
    ["a 200 with truncated JSON", { status: 200, body: ['{"id":"x","choices":[{"mess'] }, 200],
    ["a 200 with an error object", { status: 200, body: ['{"error":{"message":"overloaded"}}'] }, 200],
    ["a 200 without choices", { status: 200, body: ['{"id":"x","object":"chat.completion"}'] }, 200],
    ["a 200 with an empty answer", { status: 200, body: [completionBody("")] }, 200],
    [
      "slow headers (first-token timeout)",
      { headersDelayMs: 10_000, status: 200, body: [completionBody("late")] },
      null,
    ],
    ["a stalled body (total timeout)", { status: 200, body: ['{"id":', { stall: true }] }, 200],
  ];
  for (const [name, script, status] of triggers) {
    it(`fails over to priority 2 on ${name}`, async () => {
      const { runtime, logs, upstream } = twoProviders(script, { settings: { totalTimeoutMs: 300 } });
      const response = await handleChatCompletions(chatRequest(HELLO), runtime);
      assert.equal(response.status, 200);
      const text = await response.text();
      assert.equal(text, completionBody("Hello!"), "the good provider's bytes come back unchanged");
      assert.equal(upstream.callsTo("p1.test").length, 1);
      assert.equal(upstream.callsTo("p2.test").length, 1);
      assert.equal(logs.length, 1);
      const log = logs[0]!;
      assert.equal(log.providerId, 2);
      assert.deepEqual(
        log.attempts.map((a) => [a.providerId, a.outcome, a.status]),
        [
          [1, "failed", status],
          [2, "ok", 200],
        ],
      );
      assert.equal(log.promptTokens, 12, "billed once, from the answering provider's usage");
      assert.equal(runtime.breakers.view(1, Date.now()).recentFailures, 1, "counted against provider 1");
      assert.ok(!findSecrets(JSON.stringify(log)), "no key or URL in the log row");
    });
  }

  it("rests a 429 provider for its Retry-After", async () => {
    const { runtime } = twoProviders({ status: 429, headers: { "retry-after": "120" }, body: [] });
    await handleChatCompletions(chatRequest(HELLO), runtime);
    const until = runtime.breakers.openUntil(1)!;
    assert.ok(until - Date.now() > 110_000, "rested about two minutes");
  });

  it("fails over on a failure keyword in the answer text, case-insensitively", async () => {
    const { runtime, logs, keywordHits } = twoProviders(
      { status: 200, body: [completionBody("Sorry, I am OVERLOADED right now")] },
      { keywords: [{ id: 7, keyword: "overloaded" }] },
    );
    const response = await handleChatCompletions(chatRequest(HELLO), runtime);
    assert.equal(response.status, 200);
    assert.equal(logs[0]!.providerId, 2);
    assert.deepEqual(
      keywordHits.map((hit) => hit.id),
      [7],
    );
  });

  it("does not match a keyword that appears only in ids or model names", async () => {
    const body = JSON.stringify({
      id: "chatcmpl-overloaded",
      model: "overloaded-model",
      choices: [{ index: 0, message: { role: "assistant", content: "All fine" }, finish_reason: "stop" }],
    });
    const { runtime, logs, keywordHits } = twoProviders(
      { status: 200, body: [body] },
      { keywords: [{ id: 7, keyword: "overloaded" }] },
    );
    await handleChatCompletions(chatRequest(HELLO), runtime);
    assert.equal(logs[0]!.providerId, 1);
    assert.equal(keywordHits.length, 0);
  });

  it("accepts a tool-call answer without text content", async () => {
    const body = JSON.stringify({
      id: "x",
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: null,
            tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{}" } }],
          },
        },
      ],
    });
    const { runtime, logs } = twoProviders({ status: 200, body: [body] });
    const response = await handleChatCompletions(chatRequest(HELLO), runtime);
    assert.equal(await response.text(), body);
    assert.equal(logs[0]!.providerId, 1);
  });
});

describe("client errors from upstream", () => {
  it("relays a 400 as is, without failover and without counting it", async () => {
    const body =
      '{"error":{"message":"context length exceeded","type":"invalid_request_error","code":"context_length_exceeded"}}';
    const { runtime, logs, upstream } = twoProviders({ status: 400, body: [body] });
    const response = await handleChatCompletions(chatRequest(HELLO), runtime);
    assert.equal(response.status, 400);
    assert.equal(response.headers.get("content-type"), "application/json");
    assert.equal(await response.text(), body);
    assert.equal(upstream.callsTo("p2.test").length, 0);
    assert.equal(runtime.breakers.view(1, Date.now()).recentFailures, 0);
    assert.equal(logs[0]!.status, 400);
    assert.deepEqual(
      logs[0]!.attempts.map((a) => a.outcome),
      ["client_error"],
    );
  });

  it("fails over on a 422 whose error message holds a failure keyword", async () => {
    const { runtime, logs } = twoProviders(
      { status: 422, body: ['{"error":{"message":"Upstream quota exhausted"}}'] },
      { keywords: [{ id: 3, keyword: "quota exhausted" }] },
    );
    const response = await handleChatCompletions(chatRequest(HELLO), runtime);
    assert.equal(response.status, 200);
    assert.equal(logs[0]!.providerId, 2);
  });
});

describe("when every provider fails", () => {
  function allFailing(scripts: UpstreamScript[], settings: Partial<Settings> = {}) {
    const hosts = Object.fromEntries(scripts.map((script, index) => [`p${index + 1}.test`, script]));
    const upstream = createFakeUpstream(hosts);
    const snapshot = makeSnapshot({
      providers: scripts.map((_, index) => makeProvider(index + 1)),
      members: scripts.map((_, index) => ({ providerId: index + 1, priority: index + 1, weight: 1 })),
      settings: { maxAttempts: 5, ...settings },
    });
    return { upstream, ...makeRuntime(snapshot, upstream.send) };
  }

  it("answers 429 with the shortest Retry-After when all were rate limited", async () => {
    const { runtime, logs } = allFailing([
      { status: 429, headers: { "retry-after": "30" }, body: [] },
      { status: 429, headers: { "retry-after": "5" }, body: [] },
      { status: 429, body: [] },
    ]);
    const response = await handleChatCompletions(chatRequest(HELLO), runtime);
    assert.equal(response.status, 429);
    assert.equal(response.headers.get("retry-after"), "5");
    assert.equal(((await readJson(response)).error as Record<string, unknown>).code, "rate_limited");
    assert.equal(logs[0]!.status, 429);
    assert.equal(logs[0]!.attempts.length, 3);
  });

  it("answers 504 when the last failure was a timeout", async () => {
    const { runtime } = allFailing([{ status: 500, body: [] }, { headersDelayMs: 10_000 }]);
    const response = await handleChatCompletions(chatRequest(HELLO), runtime);
    assert.equal(response.status, 504);
    assert.equal(((await readJson(response)).error as Record<string, unknown>).code, "upstream_timeout");
  });

  it("answers 502 with the last reason, naming the provider but never its URL or key", async () => {
    const { runtime, logs } = allFailing([
      { status: 429, body: [] },
      { error: "connection_refused" },
      { status: 503, body: ['{"error":"sk-upstream-canary"}'] },
    ]);
    const response = await handleChatCompletions(chatRequest(HELLO), runtime);
    assert.equal(response.status, 502);
    const text = await response.text();
    const error = (JSON.parse(text) as { error: Record<string, unknown> }).error;
    assert.equal(error.code, "upstream_error");
    assert.match(String(error.message), /provider-3.*HTTP 503/);
    assert.ok(!findSecrets(text));
    assert.equal(logs[0]!.status, 502);
    assert.equal(logs[0]!.error, error.message);
  });

  it("stops after maxAttempts real attempts", async () => {
    const { runtime, upstream, logs } = allFailing(
      [{ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 }],
      { maxAttempts: 2 },
    );
    const response = await handleChatCompletions(chatRequest(HELLO), runtime);
    assert.equal(response.status, 502);
    assert.equal(upstream.calls.length, 2);
    assert.equal(logs[0]!.attempts.length, 2);
  });

  it("answers 503 when the group has no enabled provider, calling nobody", async () => {
    const upstream = createFakeUpstream({ "p1.test": JSON_OK });
    const snapshot = makeSnapshot({
      providers: [makeProvider(1, { isEnabled: false })],
      members: [{ providerId: 1, priority: 1, weight: 1 }],
    });
    const { runtime, logs } = makeRuntime(snapshot, upstream.send);
    const response = await handleChatCompletions(chatRequest(HELLO), runtime);
    assert.equal(response.status, 503);
    assert.equal(((await readJson(response)).error as Record<string, unknown>).code, "no_provider_available");
    assert.equal(upstream.calls.length, 0);
    assert.equal(logs.length, 1);
  });
});

describe("breaker-aware routing", () => {
  it("skips an open provider and logs the skip", async () => {
    const { runtime, logs, upstream } = twoProviders(JSON_OK);
    for (let i = 0; i < 3; i += 1) runtime.breakers.recordFailure(1, Date.now(), runtime.getSnapshot().settings);
    await handleChatCompletions(chatRequest(HELLO), runtime);
    assert.equal(upstream.callsTo("p1.test").length, 0);
    assert.deepEqual(
      logs[0]!.attempts.map((a) => [a.providerId, a.outcome]),
      [
        [1, "skipped"],
        [2, "ok"],
      ],
    );
    assert.match(logs[0]!.attempts[0]!.reason ?? "", /^circuit open until \d{4}-/);
  });

  it("tries the provider whose cooldown ends first when all are open", async () => {
    const { runtime, logs, upstream } = twoProviders(JSON_OK);
    const settings = runtime.getSnapshot().settings;
    const now = Date.now();
    runtime.breakers.recordFailure(1, now, settings, 90_000);
    runtime.breakers.recordFailure(2, now, settings, 10_000);
    const response = await handleChatCompletions(chatRequest(HELLO), runtime);
    assert.equal(response.status, 200);
    assert.equal(upstream.callsTo("p1.test").length, 0);
    assert.equal(upstream.callsTo("p2.test").length, 1);
    assert.deepEqual(
      logs[0]!.attempts.map((a) => [a.providerId, a.outcome]),
      [
        [1, "skipped"],
        [2, "skipped"],
        [2, "ok"],
      ],
    );
  });

  it("never calls a disabled provider even when it has top priority", async () => {
    const { runtime, upstream, logs } = twoProviders(JSON_OK, {
      providers: [makeProvider(1, { isEnabled: false }), makeProvider(2)],
    });
    await handleChatCompletions(chatRequest(HELLO), runtime);
    assert.equal(upstream.callsTo("p1.test").length, 0);
    assert.deepEqual(
      logs[0]!.attempts.map((a) => a.providerId),
      [2],
    );
  });
});
