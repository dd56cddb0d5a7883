import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { playgroundRequestSchema } from "../../../lib/playground/chat-request";
import { readPlaygroundError } from "../../../lib/playground/playground-error";
import { PLAYGROUND_CALLER_NAME, streamPlaygroundChat } from "../../../lib/playground/stream-chat";
import { readTurnMetadata } from "../../../lib/playground/turn-metadata";
import {
  DONE,
  ROLE_CHUNK,
  STOP_CHUNK,
  USAGE_CHUNK,
  contentChunk,
  createFakeUpstream,
  sseData,
  type UpstreamScript,
} from "../gateway/fake-upstream";
import { findSecrets, makeProvider, makeRuntime, makeSnapshot, waitFor } from "../gateway/gateway-fixture";

const SSE = { "content-type": "text/event-stream" };
const GOOD: UpstreamScript = {
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
const HELLO = [{ id: "m1", role: "user" as const, parts: [{ type: "text" as const, text: "hello" }] }];

type Chunk = { type: string; [field: string]: unknown };

function setup(first: UpstreamScript, second: UpstreamScript = GOOD) {
  const upstream = createFakeUpstream({ "p1.test": first, "p2.test": second });
  const snapshot = makeSnapshot({
    providers: [makeProvider(1), makeProvider(2)],
    members: [
      { providerId: 1, priority: 1, weight: 1 },
      { providerId: 2, priority: 2, weight: 1 },
    ],
    // The playground is not limited to any key's groups.
    keys: [],
  });
  return { upstream, ...makeRuntime(snapshot, upstream.send) };
}

/** The UI message stream's chunks, in order. */
async function readChunks(response: Response): Promise<Chunk[]> {
  const text = await response.text();
  assert.ok(!findSecrets(text), "no provider key or address reaches the browser");
  return text
    .split("\n\n")
    .map((event) => event.replace(/^data: /, ""))
    .filter((data) => data.length > 0 && data !== "[DONE]")
    .map((data) => JSON.parse(data) as Chunk);
}

function textOf(chunks: Chunk[]): string {
  return chunks
    .filter((chunk) => chunk.type === "text-delta")
    .map((chunk) => chunk.delta)
    .join("");
}

describe("playground turns through the gateway core", () => {
  it("streams the answer and attaches the turn's log row at the finish", async () => {
    const { runtime, logs } = setup(GOOD);
    const response = await streamPlaygroundChat({
      runtime,
      group: "chat",
      messages: HELLO,
      signal: new AbortController().signal,
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("x-vercel-ai-ui-message-stream"), "v1");
    const chunks = await readChunks(response);
    assert.equal(textOf(chunks), "Hi there");
    const finish = chunks.find((chunk) => chunk.type === "finish");
    const turn = readTurnMetadata(finish?.messageMetadata);
    assert.ok(turn, "the finish carries valid turn metadata");
    assert.equal(logs.length, 1, "one gateway request, one log row");
    assert.equal(turn.requestId, logs[0]!.requestId);
    assert.equal(turn.providerName, "provider-1");
    assert.deepEqual([turn.promptTokens, turn.completionTokens, turn.cachedTokens], [10, 5, 4]);
    assert.equal(turn.cost, logs[0]!.cost);
    assert.ok(turn.cost > 0);
    assert.ok(turn.ttftMs !== null && turn.latencyMs >= turn.ttftMs);
    assert.equal(logs[0]!.apiKeyId, null);
    assert.equal(logs[0]!.apiKeyName, PLAYGROUND_CALLER_NAME);
    assert.equal(logs[0]!.isStream, true);
  });

  it("fails over like any client request and reports the attempt chain", async () => {
    const { runtime, upstream } = setup({ status: 503, body: [] });
    const chunks = await readChunks(
      await streamPlaygroundChat({ runtime, group: "chat", messages: HELLO, signal: new AbortController().signal }),
    );
    assert.equal(textOf(chunks), "Hi there");
    const turn = readTurnMetadata(chunks.find((chunk) => chunk.type === "finish")?.messageMetadata);
    assert.equal(turn?.providerName, "provider-2");
    assert.deepEqual(
      turn?.attempts.map((a) => [a.providerName, a.status, a.outcome]),
      [
        ["provider-1", 503, "failed"],
        ["provider-2", 200, "ok"],
      ],
    );
    assert.equal(upstream.calls.length, 2, "the SDK does not retry on top of the gateway");
  });

  it("reports a translated code and the attempts when every provider fails, without retrying", async () => {
    const { runtime, upstream, logs } = setup(
      { status: 503, body: [] },
      { status: 500, body: ['{"error":{"message":"boom"}}'] },
    );
    const chunks = await readChunks(
      await streamPlaygroundChat({ runtime, group: "chat", messages: HELLO, signal: new AbortController().signal }),
    );
    const error = chunks.find((chunk) => chunk.type === "error");
    assert.ok(error);
    const parsed = readPlaygroundError(String(error.errorText));
    assert.equal(parsed.code, "upstream_error");
    assert.deepEqual(
      parsed.turn?.attempts.map((a) => a.status),
      [503, 500],
    );
    assert.equal(upstream.calls.length, 2);
    assert.equal(logs.length, 1);
  });

  it("marks a stream that broke after content as interrupted, keeping the text sent", async () => {
    const { runtime } = setup({
      status: 200,
      headers: SSE,
      body: [sseData(ROLE_CHUNK), sseData(contentChunk("Hi ")), { reset: true }],
    });
    const chunks = await readChunks(
      await streamPlaygroundChat({ runtime, group: "chat", messages: HELLO, signal: new AbortController().signal }),
    );
    assert.equal(textOf(chunks), "Hi ");
    assert.equal(
      readPlaygroundError(String(chunks.find((chunk) => chunk.type === "error")?.errorText)).code,
      "interrupted",
    );
  });

  it("passes the whole conversation on and aborts the upstream call when the browser stops", async () => {
    const slow: UpstreamScript = {
      status: 200,
      headers: SSE,
      body: [sseData(ROLE_CHUNK), sseData(contentChunk("Hi ")), { stall: true }],
    };
    const { runtime, upstream, logs } = setup(slow);
    const stop = new AbortController();
    const messages = [
      ...HELLO,
      { id: "m2", role: "assistant" as const, parts: [{ type: "text" as const, text: "Hello!" }] },
      { id: "m3", role: "user" as const, parts: [{ type: "text" as const, text: "And now?" }] },
    ];
    const response = await streamPlaygroundChat({ runtime, group: "chat", messages, signal: stop.signal });
    const reader = response.body!.getReader();
    let received = "";
    while (!received.includes('"delta":"Hi "')) {
      const { value, done } = await reader.read();
      assert.ok(!done, "the first words arrive before the stall");
      received += new TextDecoder().decode(value);
    }
    stop.abort();
    await reader.cancel().catch(() => undefined);
    await waitFor(() => logs.length === 1);
    assert.equal(logs[0]!.status, 499);
    assert.equal(upstream.calls[0]!.wasAborted || upstream.calls[0]!.isClosed, true);
    assert.deepEqual(upstream.calls[0]!.body.messages, [
      { role: "user", content: "hello" },
      { role: "assistant", content: "Hello!" },
      { role: "user", content: "And now?" },
    ]);
  });
});

describe("playground request body", () => {
  it("keeps text parts, drops other parts and unknown fields", () => {
    const parsed = playgroundRequestSchema.parse({
      id: "chat-1",
      trigger: "submit-message",
      group: " chat ",
      messages: [
        {
          id: "a",
          role: "assistant",
          metadata: { x: 1 },
          parts: [{ type: "step-start" }, { type: "text", text: "Hi", state: "done" }],
        },
      ],
    });
    assert.deepEqual(parsed, {
      group: "chat",
      messages: [{ id: "a", role: "assistant", parts: [{ type: "text", text: "Hi" }] }],
    });
  });

  it("refuses system or tool roles, no messages, and a missing group", () => {
    for (const body of [
      { group: "chat", messages: [{ id: "a", role: "system", parts: [] }] },
      { group: "chat", messages: [] },
      { messages: HELLO },
      { group: "", messages: HELLO },
    ]) {
      assert.equal(playgroundRequestSchema.safeParse(body).success, false, JSON.stringify(body));
    }
  });

  it("reads any error text it does not know as unexpected", () => {
    assert.deepEqual(readPlaygroundError("TypeError: fetch failed"), { code: "unexpected" });
    assert.deepEqual(readPlaygroundError('{"code":"made_up"}'), { code: "unexpected" });
    assert.deepEqual(readPlaygroundError('{"code":"unauthorized","message":"Sign in"}'), { code: "unauthorized" });
  });
});
