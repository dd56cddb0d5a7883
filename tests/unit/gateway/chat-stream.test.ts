import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { handleChatCompletions } from "../../../lib/gateway/chat-completions";
import type { Settings } from "../../../db/settings-schema";
import {
  DONE,
  ROLE_CHUNK,
  STOP_CHUNK,
  USAGE_CHUNK,
  contentChunk,
  createFakeUpstream,
  sseData,
  type UpstreamScript,
} from "./fake-upstream";
import { chatRequest, findSecrets, makeProvider, makeRuntime, makeSnapshot, waitFor } from "./gateway-fixture";

const STREAM = { model: "chat", messages: [{ role: "user", content: "Count to three" }], stream: true };
const SSE = { "content-type": "text/event-stream" };

const GOOD_EVENTS = [
  sseData(ROLE_CHUNK),
  sseData(contentChunk("one ")),
  sseData(contentChunk("two")),
  sseData(STOP_CHUNK),
  sseData(USAGE_CHUNK),
  DONE,
];
const GOOD: UpstreamScript = { status: 200, headers: SSE, body: GOOD_EVENTS };

function setup(
  first: UpstreamScript,
  options: { second?: UpstreamScript; settings?: Partial<Settings>; keywords?: { id: number; keyword: string }[] } = {},
) {
  const upstream = createFakeUpstream({ "p1.test": first, "p2.test": options.second ?? GOOD });
  const snapshot = makeSnapshot({
    providers: [makeProvider(1), makeProvider(2)],
    members: [
      { providerId: 1, priority: 1, weight: 1 },
      { providerId: 2, priority: 2, weight: 1 },
    ],
    settings: options.settings,
    keywords: options.keywords,
  });
  return { upstream, ...makeRuntime(snapshot, upstream.send) };
}

function withoutUsage(events: string[]): string {
  return events.filter((event) => event !== sseData(USAGE_CHUNK)).join("");
}

function lastEvent(text: string): string {
  const events = text.split("\n\n").filter((event) => event.length > 0);
  return events[events.length - 1] ?? "";
}

describe("streaming before commit", () => {
  it("sends no headers until the first meaningful event, then the buffered events in order", async () => {
    const { runtime, upstream } = setup({
      status: 200,
      headers: SSE,
      body: [": keep-alive\n\n", sseData(ROLE_CHUNK), { delayMs: 60 }, ...GOOD_EVENTS.slice(1)],
    });
    const started = Date.now();
    const response = await handleChatCompletions(chatRequest(STREAM), runtime);
    assert.ok(Date.now() - started >= 50, "the response waited for the first content delta");
    assert.equal(response.headers.get("content-type"), "text/event-stream; charset=utf-8");
    assert.equal(response.headers.get("cache-control"), "no-cache, no-transform");
    assert.equal(response.headers.get("x-accel-buffering"), "no");
    const text = await response.text();
    assert.equal(text, ": keep-alive\n\n" + withoutUsage(GOOD_EVENTS));
    assert.equal(upstream.calls.length, 1);
  });

  const preCommitFailures: [string, UpstreamScript][] = [
    [
      "an in-band error after the role chunk",
      { status: 200, headers: SSE, body: [sseData(ROLE_CHUNK), sseData({ error: { message: "overloaded" } })] },
    ],
    ["a stall before the first event", { status: 200, headers: SSE, body: [{ stall: true }] }],
    ["a reset before any content", { status: 200, headers: SSE, body: [sseData(ROLE_CHUNK), { reset: true }] }],
    ["a 500", { status: 500, body: ["oops"] }],
    ["a 429", { status: 429, body: [] }],
    ["end of stream without content", { status: 200, headers: SSE, body: [sseData(ROLE_CHUNK), sseData(STOP_CHUNK)] }],
    ["[DONE] without content", { status: 200, headers: SSE, body: [sseData(ROLE_CHUNK), DONE] }],
    [
      "a JSON body instead of a stream",
      { status: 200, headers: { "content-type": "application/json" }, body: ['{"error":{"message":"nope"}}'] },
    ],
    [
      "an in-band error in the same chunk as the first content",
      { status: 200, headers: SSE, body: [sseData(contentChunk("Hi")) + sseData({ error: { message: "x" } })] },
    ],
  ];
  for (const [name, script] of preCommitFailures) {
    it(`fails over invisibly on ${name}`, async () => {
      const { runtime, logs, upstream } = setup(script);
      const response = await handleChatCompletions(chatRequest(STREAM), runtime);
      assert.equal(response.status, 200);
      assert.equal(await response.text(), withoutUsage(GOOD_EVENTS), "the client sees only the good provider");
      assert.equal(upstream.callsTo("p2.test").length, 1);
      await waitFor(() => logs.length === 1);
      assert.deepEqual(
        logs[0]!.attempts.map((a) => [a.providerId, a.outcome]),
        [
          [1, "failed"],
          [2, "ok"],
        ],
      );
      assert.equal(logs[0]!.isIncomplete, false);
      assert.equal(
        upstream.callsTo("p1.test")[0]!.isClosed || upstream.callsTo("p1.test")[0]!.wasAborted,
        true,
        "the failed upstream was released",
      );
    });
  }

  it("fails over when the first content holds a failure keyword split across chunks", async () => {
    const { runtime, logs, keywordHits } = setup(
      { status: 200, headers: SSE, body: [sseData(contentChunk("I am over")), sseData(contentChunk("LOADED now"))] },
      { keywords: [{ id: 5, keyword: "overloaded" }] },
    );
    const response = await handleChatCompletions(chatRequest(STREAM), runtime);
    // The first chunk commits ("I am over" is clean), so the split keyword ends the stream after commit.
    const text = await response.text();
    assert.ok(text.startsWith(sseData(contentChunk("I am over"))));
    assert.ok(!text.includes("LOADED"), "the event holding the keyword is not forwarded");
    assert.match(lastEvent(text), /^data: \{"error":/);
    await waitFor(() => logs.length === 1);
    assert.deepEqual(
      keywordHits.map((hit) => hit.id),
      [5],
    );
    assert.equal(logs[0]!.isIncomplete, true);
  });

  it("fails over before commit on a keyword in the first content delta", async () => {
    const { runtime, logs } = setup(
      { status: 200, headers: SSE, body: [sseData(ROLE_CHUNK), sseData(contentChunk("Rate LIMIT reached"))] },
      { keywords: [{ id: 1, keyword: "rate limit" }] },
    );
    const response = await handleChatCompletions(chatRequest(STREAM), runtime);
    assert.equal(await response.text(), withoutUsage(GOOD_EVENTS));
    await waitFor(() => logs.length === 1);
    assert.equal(logs[0]!.providerId, 2);
  });

  it("ignores a keyword that appears only in ids and model names", async () => {
    const chunk = { ...contentChunk("fine"), id: "overloaded-1", model: "overloaded" };
    const { runtime, logs, keywordHits } = setup(
      { status: 200, headers: SSE, body: [sseData(chunk), DONE] },
      { keywords: [{ id: 1, keyword: "overloaded" }] },
    );
    const response = await handleChatCompletions(chatRequest(STREAM), runtime);
    assert.equal(await response.text(), sseData(chunk) + DONE);
    await waitFor(() => logs.length === 1);
    assert.equal(logs[0]!.providerId, 1);
    assert.equal(keywordHits.length, 0);
  });
});

describe("streaming after commit", () => {
  const breaks: [string, UpstreamScript, string][] = [
    [
      "a reset",
      { status: 200, headers: SSE, body: [sseData(contentChunk("one ")), { reset: true }] },
      "upstream_error",
    ],
    [
      "an idle upstream",
      { status: 200, headers: SSE, body: [sseData(contentChunk("one ")), { stall: true }] },
      "upstream_timeout",
    ],
    [
      "an in-band error",
      { status: 200, headers: SSE, body: [sseData(contentChunk("one ")), sseData({ error: { message: "boom" } })] },
      "upstream_error",
    ],
    [
      "an end without [DONE] or finish_reason",
      { status: 200, headers: SSE, body: [sseData(contentChunk("one "))] },
      "upstream_error",
    ],
  ];
  for (const [name, script, code] of breaks) {
    it(`ends with one error event and no [DONE] on ${name}, without splicing another provider`, async () => {
      const { runtime, logs, upstream } = setup(script);
      const response = await handleChatCompletions(chatRequest(STREAM), runtime);
      assert.equal(response.status, 200);
      const text = await response.text();
      assert.ok(text.startsWith(sseData(contentChunk("one "))));
      assert.ok(!text.includes("data: [DONE]"));
      assert.equal(text.match(/"error"/g)?.length, 1);
      const error = (JSON.parse(lastEvent(text).slice(6)) as { error: Record<string, unknown> }).error;
      assert.deepEqual(Object.keys(error).sort(), ["code", "message", "param", "type"]);
      assert.equal(error.code, code);
      assert.match(String(error.message), /provider-1/);
      assert.ok(!findSecrets(text));
      assert.equal(upstream.callsTo("p2.test").length, 0);
      await waitFor(() => logs.length === 1);
      assert.equal(logs[0]!.isIncomplete, true);
      assert.equal(logs[0]!.status, 200);
      assert.equal(logs[0]!.attempts[0]!.outcome, "failed");
      assert.equal(runtime.breakers.view(1, Date.now()).recentFailures, 1);
    });
  }

  it("treats a clean end after finish_reason as complete even without [DONE]", async () => {
    const { runtime, logs } = setup({
      status: 200,
      headers: SSE,
      body: [sseData(contentChunk("one")), sseData(STOP_CHUNK)],
    });
    const text = await (await handleChatCompletions(chatRequest(STREAM), runtime)).text();
    assert.equal(text, sseData(contentChunk("one")) + sseData(STOP_CHUNK));
    await waitFor(() => logs.length === 1);
    assert.equal(logs[0]!.isIncomplete, false);
  });

  it("ends the stream at the total deadline", async () => {
    const body = [sseData(contentChunk("a"))];
    for (let i = 0; i < 100; i += 1) body.push(sseData(contentChunk("b")), { delayMs: 20 } as never);
    const { runtime, logs } = setup({ status: 200, headers: SSE, body }, { settings: { totalTimeoutMs: 200 } });
    const text = await (await handleChatCompletions(chatRequest(STREAM), runtime)).text();
    assert.match(lastEvent(text), /upstream_timeout/);
    await waitFor(() => logs.length === 1);
    assert.match(logs[0]!.error ?? "", /total timeout/);
  });
});

describe("streaming usage", () => {
  it("removes the usage chunk the client did not ask for but bills its exact usage", async () => {
    const { runtime, logs, upstream } = setup(GOOD);
    const text = await (await handleChatCompletions(chatRequest(STREAM), runtime)).text();
    assert.ok(!text.includes('"usage"'));
    assert.deepEqual(upstream.calls[0]!.body.stream_options, { include_usage: true });
    await waitFor(() => logs.length === 1);
    const log = logs[0]!;
    assert.deepEqual(
      [log.promptTokens, log.completionTokens, log.cachedTokens, log.isUsageEstimated],
      [10, 5, 4, false],
    );
    assert.equal(log.cost, (6 * 1 + 4 * 0.5 + 5 * 2) / 1_000_000);
  });

  it("keeps the usage chunk when the client asked for it", async () => {
    const { runtime, upstream } = setup(GOOD);
    const request = chatRequest({ ...STREAM, stream_options: { include_usage: true, extra: 1 } });
    const text = await (await handleChatCompletions(request, runtime)).text();
    assert.equal(text, GOOD_EVENTS.join(""));
    assert.deepEqual(upstream.calls[0]!.body.stream_options, { include_usage: true, extra: 1 });
  });

  it("estimates usage when the provider sends none, and marks it", async () => {
    const { runtime, logs } = setup({
      status: 200,
      headers: SSE,
      body: [sseData(contentChunk("12345678")), sseData(STOP_CHUNK), DONE],
    });
    await (await handleChatCompletions(chatRequest(STREAM), runtime)).text();
    await waitFor(() => logs.length === 1);
    const log = logs[0]!;
    assert.equal(log.isUsageEstimated, true);
    assert.equal(log.completionTokens, 2);
    assert.equal(log.promptTokens, Math.ceil("Count to three".length / 4));
    assert.ok(log.ttftMs !== null && log.ttftMs >= 0);
  });
});

describe("SSE framing passes through byte for byte", () => {
  const variants: [string, string[]][] = [
    ["CRLF line ends", [`data: ${JSON.stringify(contentChunk("a"))}\r\n\r\n`, "data: [DONE]\r\n\r\n"]],
    ["CR line ends", [`data: ${JSON.stringify(contentChunk("a"))}\r\r`, "data: [DONE]\r\r"]],
    [
      "comments, ids and event names",
      [": ping\n\n", `id: 7\nevent: message\ndata: ${JSON.stringify(contentChunk("a"))}\n\n`, ":x\n\n", DONE],
    ],
    ["no space after the colon", [`data:${JSON.stringify(contentChunk("a"))}\n\n`, "data:[DONE]\n\n"]],
    ["multi-line data", [`data: {"choices":[{"index":0,\ndata: "delta":{"content":"a"}}]}\n\n`, DONE]],
    ["unicode split inside a multibyte character", [sseData(contentChunk("héllo wörld ✓ 你好")), DONE]],
  ];
  for (const [name, events] of variants) {
    it(`relays ${name} unchanged, whole and split at every byte`, async () => {
      const whole = events.join("");
      const bytes = Buffer.from(whole, "utf8");
      const splits: UpstreamScript["body"][] = [[whole], Array.from(bytes, (byte) => Uint8Array.of(byte))];
      for (const body of splits) {
        const { runtime, logs } = setup({ status: 200, headers: SSE, body });
        const response = await handleChatCompletions(chatRequest(STREAM), runtime);
        assert.deepEqual(Buffer.from(await response.arrayBuffer()), bytes);
        await waitFor(() => logs.length === 1);
        assert.equal(logs[0]!.providerId, 1);
        assert.equal(logs[0]!.isIncomplete, false);
      }
    });
  }
});

describe("client disconnects", () => {
  it("aborts the upstream at once before commit and logs 499", async () => {
    const { runtime, logs, upstream } = setup(
      { status: 200, headers: SSE, body: [sseData(ROLE_CHUNK), { stall: true }] },
      { settings: { firstTokenTimeoutMs: 5_000 } },
    );
    const controller = new AbortController();
    const pending = handleChatCompletions(chatRequest(STREAM, { signal: controller.signal }), runtime);
    await waitFor(() => upstream.calls.length === 1);
    controller.abort();
    const response = await pending;
    assert.equal(response.status, 499);
    assert.equal(upstream.calls[0]!.wasAborted, true);
    assert.equal(upstream.callsTo("p2.test").length, 0, "no failover for a client that left");
    assert.equal(logs.length, 1);
    assert.equal(logs[0]!.status, 499);
  });

  it("aborts the upstream after commit and logs 499 with the usage so far", async () => {
    const { runtime, logs, upstream } = setup(
      { status: 200, headers: SSE, body: [sseData(contentChunk("12345678")), { stall: true }] },
      { settings: { firstTokenTimeoutMs: 5_000 } },
    );
    const controller = new AbortController();
    const response = await handleChatCompletions(chatRequest(STREAM, { signal: controller.signal }), runtime);
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await waitFor(() => logs.length === 1);
    assert.equal(upstream.calls[0]!.wasAborted, true);
    assert.equal(logs[0]!.status, 499);
    assert.equal(logs[0]!.completionTokens, 2);
    assert.equal(logs[0]!.isUsageEstimated, true);
  });

  it("aborts the upstream when the response body is cancelled", async () => {
    const { runtime, logs, upstream } = setup(
      { status: 200, headers: SSE, body: [sseData(contentChunk("a")), { stall: true }] },
      { settings: { firstTokenTimeoutMs: 5_000 } },
    );
    const response = await handleChatCompletions(chatRequest(STREAM), runtime);
    const reader = response.body!.getReader();
    await reader.read();
    await reader.cancel();
    await waitFor(() => logs.length === 1);
    assert.equal(upstream.calls[0]!.wasAborted, true);
    assert.equal(logs[0]!.status, 499);
  });

  it("does not read upstream faster than a slow client reads", async () => {
    const body = Array.from({ length: 500 }, (_, i) => sseData(contentChunk(`t${i} `)));
    const { runtime, upstream } = setup({ status: 200, headers: SSE, body: [...body, DONE] });
    const response = await handleChatCompletions(chatRequest(STREAM), runtime);
    const reader = response.body!.getReader();
    await reader.read();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(
      upstream.calls[0]!.chunksDelivered <= 4,
      `read ${upstream.calls[0]!.chunksDelivered} chunks ahead of the client`,
    );
    await reader.cancel();
  });
});

describe("what goes upstream", () => {
  it("forwards the body unchanged except model, from the provider's configuration only", async () => {
    const { runtime, upstream } = setup(GOOD);
    const body = {
      ...STREAM,
      tools: [{ type: "function", function: { name: "f", parameters: {} } }],
      response_format: { type: "json_object" },
      api_base: "http://evil.test",
      base_url: "http://evil.test",
      provider_id: 2,
      custom_field: { nested: [1, 2] },
    };
    const request = chatRequest(body, {
      headers: { "x-portkey-custom-host": "http://evil.test", "x-api-key": "client-secret", cookie: "a=b" },
    });
    await (await handleChatCompletions(request, runtime)).text();
    const call = upstream.calls[0]!;
    // The destination and the credentials come from the configuration; an `x-*` header is
    // forwarded by the default rule but chooses nothing, and the client's key never passes.
    assert.equal(call.url, "http://p1.test/v1/chat/completions");
    assert.deepEqual(call.headers, {
      "x-portkey-custom-host": "http://evil.test",
      authorization: "Bearer sk-upstream-canary-1",
      "content-type": "application/json",
      accept: "text/event-stream",
    });
    assert.deepEqual(call.body, { ...body, model: "upstream-model-1", stream_options: { include_usage: true } });
  });
});
