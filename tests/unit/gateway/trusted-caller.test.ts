import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { handleChatCompletions, handleChatCompletionsAs } from "../../../lib/gateway/chat-completions";
import type { CallLogRecord, TrustedCaller } from "../../../lib/gateway/types";
import {
  DONE,
  ROLE_CHUNK,
  STOP_CHUNK,
  USAGE_CHUNK,
  completionBody,
  contentChunk,
  createFakeUpstream,
  sseData,
  type UpstreamScript,
} from "./fake-upstream";
import { HELLO, chatRequest, makeProvider, makeRuntime, makeSnapshot, readJson, waitFor } from "./gateway-fixture";

const JSON_OK: UpstreamScript = {
  status: 200,
  headers: { "content-type": "application/json" },
  body: [completionBody("Hello!")],
};
const SSE = { "content-type": "text/event-stream" };
const STREAM_OK: UpstreamScript = {
  status: 200,
  headers: SSE,
  body: [
    sseData(ROLE_CHUNK),
    sseData(contentChunk("Hi ")),
    sseData(contentChunk("there")),
    sseData(STOP_CHUNK),
    sseData(USAGE_CHUNK),
    DONE,
  ],
};

/** Group "chat" (p1 then p2) and group "private" (p2), which the only key may not call. */
function setup(first: UpstreamScript = JSON_OK, second: UpstreamScript = JSON_OK) {
  const upstream = createFakeUpstream({ "p1.test": first, "p2.test": second });
  const snapshot = makeSnapshot({
    providers: [makeProvider(1), makeProvider(2)],
    members: [
      { providerId: 1, priority: 1, weight: 1 },
      { providerId: 2, priority: 2, weight: 1 },
    ],
    extraGroups: [{ id: 2, name: "private", members: [{ providerId: 2, priority: 1, weight: 1 }] }],
  });
  return { upstream, ...makeRuntime(snapshot, upstream.send) };
}

function playground(seen: CallLogRecord[] = []): TrustedCaller {
  return { name: "dashboard playground", onLogged: (record) => void seen.push(record) };
}

describe("trusted in-process callers", () => {
  it("are served without a key, on a group no key may call, and logged by name with no key id", async () => {
    const { runtime, logs, keyTouches, upstream } = setup();
    const response = await handleChatCompletionsAs(
      chatRequest({ ...HELLO, model: "private" }, { key: null }),
      runtime,
      playground(),
    );
    assert.equal(response.status, 200);
    assert.equal(((await readJson(response)).choices as unknown[]).length, 1);
    assert.equal(upstream.callsTo("p2.test").length, 1);
    assert.equal(logs.length, 1);
    assert.equal(logs[0]!.apiKeyId, null);
    assert.equal(logs[0]!.apiKeyName, "dashboard playground");
    assert.equal(logs[0]!.groupName, "private");
    assert.deepEqual(keyTouches, [], "no key was used, so none is marked as used");
  });

  it("ignores whatever Authorization header the request carries", async () => {
    const { runtime, logs } = setup();
    const response = await handleChatCompletionsAs(
      chatRequest(HELLO, { key: "sk-not-a-real-key" }),
      runtime,
      playground(),
    );
    assert.equal(response.status, 200);
    assert.equal(logs[0]!.apiKeyName, "dashboard playground");
  });

  it("leave /v1 unchanged: without a key the same request is refused with 401", async () => {
    const { runtime, logs, upstream } = setup();
    const response = await handleChatCompletions(chatRequest({ ...HELLO, model: "private" }, { key: null }), runtime);
    assert.equal(response.status, 401);
    assert.equal(upstream.calls.length, 0);
    assert.equal(logs[0]!.apiKeyName, null);
  });

  it("go through failover and hand the finished row, attempts included, to onLogged after the sink", async () => {
    const { runtime, logs } = setup({ status: 503, body: [] });
    const seen: CallLogRecord[] = [];
    let sinkHadRowFirst = false;
    const caller: TrustedCaller = {
      name: "dashboard playground",
      onLogged(record) {
        sinkHadRowFirst = logs.includes(record);
        seen.push(record);
      },
    };
    const response = await handleChatCompletionsAs(chatRequest(HELLO, { key: null }), runtime, caller);
    assert.equal(response.status, 200);
    assert.equal(seen.length, 1);
    assert.equal(sinkHadRowFirst, true);
    assert.equal(seen[0]!.requestId, response.headers.get("x-request-id"));
    assert.equal(seen[0]!.providerName, "provider-2");
    assert.deepEqual(
      seen[0]!.attempts.map((a) => [a.providerName, a.status, a.outcome]),
      [
        ["provider-1", 503, "failed"],
        ["provider-2", 200, "ok"],
      ],
    );
    assert.equal(seen[0]!.promptTokens, 12);
    assert.ok(seen[0]!.cost > 0);
  });

  it("see the row of a stream before its body ends, so the caller can report it at the finish", async () => {
    const { runtime } = setup(STREAM_OK);
    const seen: CallLogRecord[] = [];
    const response = await handleChatCompletionsAs(
      chatRequest({ ...HELLO, stream: true, stream_options: { include_usage: true } }, { key: null }),
      runtime,
      playground(seen),
    );
    assert.equal(seen.length, 0, "the row is not final while the stream is open");
    const reader = response.body!.getReader();
    let text = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    assert.match(text, /Hi /);
    assert.equal(seen.length, 1, "the row was handed over before the body closed");
    assert.equal(seen[0]!.isStream, true);
    assert.equal(seen[0]!.completionTokens, 5);
    assert.ok(seen[0]!.ttftMs !== null);
  });

  it("get the row of a rejected request too (unknown group → 404)", async () => {
    const { runtime, upstream } = setup();
    const seen: CallLogRecord[] = [];
    const response = await handleChatCompletionsAs(
      chatRequest({ ...HELLO, model: "nope" }, { key: null }),
      runtime,
      playground(seen),
    );
    assert.equal(response.status, 404);
    assert.equal(upstream.calls.length, 0);
    assert.equal(seen[0]!.status, 404);
    assert.equal(seen[0]!.apiKeyName, "dashboard playground");
  });

  it("get every provider's failure when all fail, and the client still gets one error answer", async () => {
    const { runtime } = setup({ status: 503, body: [] }, { status: 500, body: [] });
    const seen: CallLogRecord[] = [];
    const response = await handleChatCompletionsAs(chatRequest(HELLO, { key: null }), runtime, playground(seen));
    assert.equal(response.status, 502);
    assert.equal(((await readJson(response)).error as { code: string }).code, "upstream_error");
    assert.deepEqual(
      seen[0]!.attempts.map((a) => a.status),
      [503, 500],
    );
  });

  it("are refused while the server drains, like everyone else", async () => {
    const { runtime, upstream } = setup();
    const response = await handleChatCompletionsAs(
      chatRequest(HELLO, { key: null }),
      { ...runtime, isShuttingDown: () => true },
      playground(),
    );
    assert.equal(response.status, 503);
    assert.equal(upstream.calls.length, 0);
  });

  it("cannot break the request or lose the row with a throwing observer", async () => {
    const { runtime, logs } = setup();
    const caller: TrustedCaller = {
      name: "dashboard playground",
      onLogged() {
        throw new Error("observer bug");
      },
    };
    const response = await handleChatCompletionsAs(chatRequest(HELLO, { key: null }), runtime, caller);
    assert.equal(response.status, 200);
    await waitFor(() => logs.length === 1);
  });
});
