import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { handleChatCompletions } from "../../../lib/gateway/chat-completions";
import { GatewayError, toErrorResponse } from "../../../lib/gateway/errors";
import { readBearerToken } from "../../../lib/gateway/authenticate";
import { createFakeUpstream } from "./fake-upstream";
import { CLIENT_KEY, HELLO, chatRequest, makeProvider, makeRuntime, makeSnapshot, readJson } from "./gateway-fixture";

const NOW = Date.now();

function setup() {
  const upstream = createFakeUpstream({});
  const snapshot = makeSnapshot({
    providers: [makeProvider(1)],
    members: [{ providerId: 1, priority: 1, weight: 1 }],
    extraGroups: [{ id: 2, name: "secret-group", members: [] }],
    keys: [
      { key: CLIENT_KEY, config: {} },
      { key: "sk-disabled-key", config: { isEnabled: false } },
      { key: "sk-expired-key", config: { expiresAt: NOW - 1 } },
      { key: "sk-future-key", config: { expiresAt: NOW + 60_000, groupIds: new Set([1]) } },
    ],
  });
  return { upstream, ...makeRuntime(snapshot, upstream.send) };
}

function assertErrorShape(body: Record<string, unknown>): Record<string, unknown> {
  const error = body.error as Record<string, unknown>;
  assert.deepEqual(Object.keys(error).sort(), ["code", "message", "param", "type"]);
  return error;
}

describe("requests refused before any provider is called", () => {
  const keyCases: [string, string | null, Record<string, string>?][] = [
    ["missing key", null],
    ["malformed header", null, { authorization: "Basic abc" }],
    ["empty bearer", null, { authorization: "Bearer " }],
    ["unknown key", "sk-unknown-key-should-not-echo"],
    ["disabled key", "sk-disabled-key"],
    ["expired key", "sk-expired-key"],
  ];
  for (const [name, key, headers] of keyCases) {
    it(`answers one identical 401 for a ${name}, never echoing the key`, async () => {
      const { runtime, logs, upstream } = setup();
      const response = await handleChatCompletions(chatRequest(HELLO, { key, headers }), runtime);
      assert.equal(response.status, 401);
      assert.equal(response.headers.get("content-type"), "application/json");
      assert.match(response.headers.get("x-request-id") ?? "", /^req_[0-9a-f]{32}$/);
      const text = await response.text();
      assert.deepEqual(JSON.parse(text), {
        error: {
          message:
            "Incorrect API key provided. Send a gateway key as `Authorization: Bearer <key>` or `x-api-key: <key>`.",
          type: "invalid_request_error",
          param: null,
          code: "invalid_api_key",
        },
      });
      assert.ok(!text.includes("sk-"), "the key is never echoed");
      assert.equal(upstream.calls.length, 0);
      assert.equal(logs.length, 1);
      assert.equal(logs[0]!.status, 401);
      assert.equal(logs[0]!.apiKeyId, null);
      assert.equal(logs[0]!.requestId, response.headers.get("x-request-id"));
    });
  }

  it("accepts a key whose expiry is still ahead and records its use", async () => {
    const { runtime, keyTouches } = setup();
    const response = await handleChatCompletions(
      chatRequest({ ...HELLO, model: "nope" }, { key: "sk-future-key" }),
      runtime,
    );
    assert.equal(response.status, 404);
    assert.deepEqual(keyTouches, [4]);
  });

  it("gives unknown and forbidden groups the same 404", async () => {
    const { runtime, logs, upstream } = setup();
    const unknown = await handleChatCompletions(chatRequest({ ...HELLO, model: "no-such-group" }), runtime);
    const forbidden = await handleChatCompletions(chatRequest({ ...HELLO, model: "secret-group" }), runtime);
    assert.equal(unknown.status, 404);
    assert.equal(forbidden.status, 404);
    const unknownError = assertErrorShape(await readJson(unknown));
    const forbiddenError = assertErrorShape(await readJson(forbidden));
    assert.equal(unknownError.code, "model_not_found");
    assert.equal(unknownError.message, "The model `no-such-group` does not exist or you do not have access to it.");
    assert.equal(forbiddenError.message, "The model `secret-group` does not exist or you do not have access to it.");
    assert.equal(forbiddenError.code, unknownError.code);
    assert.equal(upstream.calls.length, 0);
    assert.deepEqual(
      logs.map((log) => [log.status, log.apiKeyId]),
      [
        [404, 1],
        [404, 1],
      ],
    );
  });

  const bodyCases: [string, string, string, string | null][] = [
    ["malformed JSON", '{"model":', "invalid_json", null],
    ["a body that is not JSON", "hello there", "invalid_json", null],
    ["a JSON array", "[1,2]", "invalid_json", null],
    ["an empty body", "", "invalid_json", null],
    ["missing messages", JSON.stringify({ model: "chat" }), "invalid_request", "messages"],
    ["empty messages", JSON.stringify({ model: "chat", messages: [] }), "invalid_request", "messages"],
    [
      "a message that is not an object",
      JSON.stringify({ model: "chat", messages: ["hi"] }),
      "invalid_request",
      "messages.0",
    ],
    ["stream that is not a boolean", JSON.stringify({ ...HELLO, stream: "yes" }), "invalid_request", "stream"],
    ["negative max_tokens", JSON.stringify({ ...HELLO, max_tokens: -1 }), "invalid_request", "max_tokens"],
    [
      "fractional max_completion_tokens",
      JSON.stringify({ ...HELLO, max_completion_tokens: 1.5 }),
      "invalid_request",
      "max_completion_tokens",
    ],
    ["missing model", JSON.stringify({ messages: HELLO.messages }), "invalid_request", "model"],
    ["empty model", JSON.stringify({ ...HELLO, model: "" }), "invalid_request", "model"],
  ];
  for (const [name, body, code, param] of bodyCases) {
    it(`answers 400 ${code} for ${name}`, async () => {
      const { runtime, logs, upstream } = setup();
      const response = await handleChatCompletions(chatRequest(body), runtime);
      assert.equal(response.status, 400);
      const error = assertErrorShape(await readJson(response));
      assert.equal(error.code, code);
      assert.equal(error.param, param);
      assert.equal(error.type, "invalid_request_error");
      assert.equal(upstream.calls.length, 0);
      assert.equal(logs.length, 1);
      assert.equal(logs[0]!.status, 400);
      assert.equal(logs[0]!.apiKeyId, 1);
    });
  }

  it("refuses a body whose Content-Length is over the limit with 413", async () => {
    const { runtime, logs } = setup();
    runtime.maxBodyBytes = 100;
    const response = await handleChatCompletions(chatRequest({ ...HELLO, padding: "x".repeat(500) }), runtime);
    assert.equal(response.status, 413);
    assert.equal(assertErrorShape(await readJson(response)).code, "request_too_large");
    assert.equal(logs[0]!.status, 413);
  });

  it("refuses a chunked body without Content-Length as soon as it passes the limit", async () => {
    const { runtime } = setup();
    runtime.maxBodyBytes = 1_000;
    let pulls = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls += 1;
        controller.enqueue(new Uint8Array(400).fill(32));
        if (pulls > 1_000) controller.close();
      },
    });
    const request = new Request("http://gateway.test/v1/chat/completions", {
      method: "POST",
      headers: { authorization: `Bearer ${CLIENT_KEY}` },
      body,
      duplex: "half",
    } as RequestInit & { duplex: "half" });
    const response = await handleChatCompletions(request, runtime);
    assert.equal(response.status, 413);
    assert.ok(pulls < 10, `reading stopped early (pulled ${pulls} chunks)`);
  });

  it("serves 503 while shutting down", async () => {
    const { runtime, logs } = setup();
    runtime.isShuttingDown = () => true;
    const response = await handleChatCompletions(chatRequest(HELLO), runtime);
    assert.equal(response.status, 503);
    assert.equal(assertErrorShape(await readJson(response)).code, "server_shutting_down");
    assert.equal(logs.length, 1);
  });
});

describe("error responses", () => {
  it("map each code to its status once, with Retry-After on 429", async () => {
    const cases: [GatewayError, number][] = [
      [new GatewayError("invalid_json"), 400],
      [new GatewayError("invalid_request", "bad", { param: "stream" }), 400],
      [new GatewayError("invalid_api_key"), 401],
      [new GatewayError("model_not_found"), 404],
      [new GatewayError("request_too_large"), 413],
      [new GatewayError("rate_limited", undefined, { retryAfterSeconds: 7 }), 429],
      [new GatewayError("upstream_error"), 502],
      [new GatewayError("no_provider_available"), 503],
      [new GatewayError("upstream_timeout"), 504],
      [new GatewayError("server_shutting_down"), 503],
    ];
    for (const [error, status] of cases) {
      const response = toErrorResponse(error, "req_x");
      assert.equal(response.status, status);
      assert.equal(response.headers.get("x-request-id"), "req_x");
      assert.equal(response.headers.get("retry-after"), error.code === "rate_limited" ? "7" : null);
      const body = (await response.json()) as { error: Record<string, unknown> };
      assert.equal(body.error.code, error.code);
    }
  });

  it("reads Bearer tokens case-insensitively and rejects anything else", () => {
    assert.equal(readBearerToken("Bearer sk-abc"), "sk-abc");
    assert.equal(readBearerToken("bearer   sk-abc  "), "sk-abc");
    assert.equal(readBearerToken("Bearer a b"), null);
    assert.equal(readBearerToken("Token sk-abc"), null);
    assert.equal(readBearerToken(`Bearer ${"x".repeat(300)}`), null);
    assert.equal(readBearerToken(null), null);
  });
});
