import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { generateText, streamText } from "ai";
import OpenAI, {
  APIError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  RateLimitError,
} from "openai";
import { REQUEST_ID_PATTERN, startGateway, type Gateway } from "../support/seed";

// Real client libraries pointed at the gateway: only the base URL and the key change.

const TEXT = "Hello from the mock, relayed to a real client.";
const messages = [{ role: "user" as const, content: "Say hello" }];

describe("real OpenAI clients against the gateway", () => {
  let gw: Gateway;
  let key: string;
  let narrowKey: string;
  let client: OpenAI;

  before(async () => {
    gw = await startGateway({
      async seed(s) {
        await s.group("cl-chat", ["cl-chat"]);
        await s.group("cl-second", ["cl-second"]);
        await s.group("cl-rate", ["cl-429"]);
        await s.group("cl-down", ["cl-500"]);
        await s.group("cl-hidden", ["cl-hidden"]);
        await s.group("cl-slow", ["cl-slow"]);
        key = await s.key("sdk", { groups: ["cl-chat", "cl-second", "cl-rate", "cl-down", "cl-slow"] });
        narrowKey = await s.key("narrow", { groups: ["cl-second"] });
      },
    });
    gw.mock.setBehavior("cl-chat", { text: TEXT, usage: { prompt_tokens: 12, completion_tokens: 9 } });
    gw.mock.setBehavior("cl-429", { status: 429, headers: { "retry-after": "5" } });
    gw.mock.setBehavior("cl-500", { status: 500 });
    gw.mock.setBehavior("cl-slow", { chunks: ["one", " two", " three", " four", " five"], chunkDelayMs: 250 });
    client = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: key, maxRetries: 0 });
  });

  after(async () => {
    await gw?.stop();
  });

  /** Runs a call the SDK must reject, tracks its row, and returns the error. */
  async function rejection(call: () => Promise<unknown>): Promise<APIError> {
    try {
      await call();
    } catch (error) {
      assert.ok(error instanceof APIError, `an APIError, got ${String(error)}`);
      assert.match(error.requestID ?? "", REQUEST_ID_PATTERN, "the SDK reads our request id");
      gw.track(error.requestID ?? null);
      return error;
    }
    assert.fail("the call should have been rejected");
  }

  const chatCalls = () => gw.mock.callsFor("cl-chat").length;

  it("openai: chat.completions.create returns the mock's answer and usage", async () => {
    const callsBefore = chatCalls();
    const completion = await client.chat.completions.create({ model: "cl-chat", messages });
    assert.equal(completion.choices[0]?.message.content, TEXT);
    assert.deepEqual([completion.usage?.prompt_tokens, completion.usage?.completion_tokens], [12, 9]);
    assert.equal(chatCalls() - callsBefore, 1);
    assert.match(completion._request_id ?? "", REQUEST_ID_PATTERN);
    gw.track(completion._request_id ?? null);
    const [row] = await gw.settle();
    assert.equal(row?.status, 200);
    assert.deepEqual([row?.promptTokens, row?.completionTokens], [12, 9]);
  });

  it("openai: a streamed completion yields the mock's text chunk by chunk, with usage when asked", async () => {
    const callsBefore = chatCalls();
    const { data: stream, request_id } = await client.chat.completions
      .create({ model: "cl-chat", messages, stream: true, stream_options: { include_usage: true } })
      .withResponse();
    let text = "";
    let chunks = 0;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      chunks += 1;
      text += chunk.choices[0]?.delta.content ?? "";
      usage = chunk.usage ?? usage;
    }
    assert.equal(text, TEXT);
    assert.ok(chunks > 3, `streamed in ${chunks} chunks`);
    assert.equal(usage?.completion_tokens, 9);
    assert.equal(chatCalls() - callsBefore, 1);
    gw.track(request_id);
    const [row] = await gw.settle();
    assert.equal(row?.isStream, true);
    assert.equal(row?.completionTokens, 9);
  });

  it("openai: models.list() returns exactly the key's groups", async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    assert.deepEqual(ids.sort(), ["cl-chat", "cl-down", "cl-rate", "cl-second", "cl-slow"]);
    assert.ok(!ids.includes("cl-hidden"));
    const narrow = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: narrowKey, maxRetries: 0 });
    const narrowIds: string[] = [];
    for await (const model of narrow.models.list()) narrowIds.push(model.id);
    assert.deepEqual(narrowIds, ["cl-second"]);
    await gw.settle();
  });

  it("openai: raises BadRequestError for our 400, with the param", async () => {
    const error = await rejection(() => client.chat.completions.create({ model: "cl-chat", messages, max_tokens: -1 }));
    assert.ok(error instanceof BadRequestError);
    assert.equal(error.status, 400);
    assert.equal(error.param, "max_tokens");
    await gw.settle();
  });

  it("openai: raises AuthenticationError for a bad key", async () => {
    const stranger = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: `sk-${"x".repeat(48)}`, maxRetries: 0 });
    const error = await rejection(() => stranger.chat.completions.create({ model: "cl-chat", messages }));
    assert.ok(error instanceof AuthenticationError);
    assert.equal(error.code, "invalid_api_key");
    await gw.settle();
  });

  it("openai: raises NotFoundError for a group the key may not call", async () => {
    const error = await rejection(() => client.chat.completions.create({ model: "cl-hidden", messages }));
    assert.ok(error instanceof NotFoundError);
    assert.equal(error.code, "model_not_found");
    assert.equal(gw.mock.callsFor("cl-hidden").length, 0);
    await gw.settle();
  });

  it("openai: raises RateLimitError with Retry-After when every provider is rate limited", async () => {
    const error = await rejection(() => client.chat.completions.create({ model: "cl-rate", messages }));
    assert.ok(error instanceof RateLimitError);
    assert.equal(error.headers?.get("retry-after"), "5");
    assert.equal(gw.mock.callsFor("cl-429").length, 1);
    await gw.settle();
  });

  it("openai: raises InternalServerError (an APIError with the status) when every provider fails", async () => {
    const error = await rejection(() => client.chat.completions.create({ model: "cl-down", messages }));
    assert.ok(error instanceof InternalServerError);
    assert.ok([502, 503, 504].includes(error.status ?? 0), `status ${error.status}`);
    assert.equal(gw.mock.callsFor("cl-500").length, 1);
    await gw.settle();
  });

  it("ai SDK: generateText and streamText through createOpenAICompatible get the mock's text", async () => {
    const callsBefore = chatCalls();
    const provider = createOpenAICompatible({ name: "gateway", baseURL: `${gw.baseUrl}/v1`, apiKey: key });
    const generated = await generateText({ model: provider("cl-chat"), prompt: "Say hello", maxRetries: 0 });
    assert.equal(generated.text, TEXT);
    gw.track(generated.response.headers?.["x-request-id"] ?? null);

    const streamed = streamText({ model: provider("cl-chat"), prompt: "Say hello", maxRetries: 0 });
    const pieces: string[] = [];
    for await (const piece of streamed.textStream) pieces.push(piece);
    assert.equal(pieces.join(""), TEXT);
    assert.ok(pieces.length > 1, "arrived in pieces");
    gw.track((await streamed.response).headers?.["x-request-id"] ?? null);

    const rows = await gw.settle();
    assert.deepEqual(
      rows.map((row) => [row.status, row.isStream]),
      [
        [200, false],
        [200, true],
      ],
    );
    assert.equal(chatCalls() - callsBefore, 2);
    assert.equal(gw.mock.callsFor("cl-chat").at(-1)?.headers.authorization, `Bearer ${gw.canaryKey}`);
  });

  it("openai: a stream reaches the SDK as it is produced, not buffered until the upstream ends", async () => {
    // The SDK asks for gzip; neither compression nor the relay may hold the events back.
    const { data: stream, request_id } = await client.chat.completions
      .create({ model: "cl-slow", messages, stream: true })
      .withResponse();
    let text = "";
    let wasUpstreamOpenAtFirstContent: boolean | null = null;
    for await (const chunk of stream) {
      const piece = chunk.choices[0]?.delta.content ?? "";
      if (piece && wasUpstreamOpenAtFirstContent === null)
        wasUpstreamOpenAtFirstContent = gw.mock.callsFor("cl-slow")[0]?.finishedAt === null;
      text += piece;
    }
    assert.equal(text, "one two three four five");
    assert.equal(wasUpstreamOpenAtFirstContent, true, "the first content arrived while the upstream was still sending");
    assert.equal(gw.mock.callsFor("cl-slow").length, 1);
    gw.track(request_id);
    await gw.settle();
  });
});
