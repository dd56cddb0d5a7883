import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { jsonSchema, stepCountIs, streamText, tool } from "ai";
import OpenAI, { BadRequestError } from "openai";
import { startGateway, waitForLogRow, type Gateway } from "../support/seed";

// Chat completions from OpenAI clients to a group whose providers speak Anthropic's Messages API:
// the request is translated to Messages and the answer and the stream back to chat completions.

const ANTHROPIC = "anthropic-mock";

type Json = Record<string, unknown>;

describe("chat completions to an Anthropic provider", () => {
  let gw: Gateway;
  let key: string;
  let client: OpenAI;

  before(async () => {
    gw = await startGateway({
      async seed(s, mock) {
        await s.endpoint(ANTHROPIC, mock.url, undefined, { protocol: "anthropic" });
        await s.group("claude", [
          { model: "ca-basic", endpoint: ANTHROPIC, priceInput: 3, priceOutput: 15, priceCached: 0.3 },
        ]);
        await s.group("claude-backup", [{ model: "ca-down", endpoint: ANTHROPIC }, "ca-openai"]);
        key = await s.key("openai-app", { groups: ["claude", "claude-backup"] });
      },
    });
    client = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: key, maxRetries: 0 });
  });

  after(async () => {
    await gw?.stop();
  });

  it("translates a chat request to Messages and the answer back, with Anthropic's cache tokens in the usage", async () => {
    gw.mock.setBehavior("ca-basic", {
      text: "Hello from Claude",
      usage: {
        prompt_tokens: 100,
        completion_tokens: 7,
        cache_read_input_tokens: 1000,
        cache_creation_input_tokens: 50,
      },
    });
    const { data: completion, response } = await client.chat.completions
      .create({
        model: "claude",
        messages: [
          { role: "system", content: "You are terse." },
          {
            role: "user",
            content: [
              { type: "text", text: "Hello" },
              { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
            ],
          },
        ],
        temperature: 1.5,
        stop: "END",
        user: "user-42",
      })
      .withResponse();
    assert.equal(completion.object, "chat.completion");
    assert.equal(completion.choices[0]!.message.content, "Hello from Claude");
    assert.equal(completion.choices[0]!.finish_reason, "stop");
    assert.deepEqual(
      [
        completion.usage?.prompt_tokens,
        completion.usage?.completion_tokens,
        completion.usage?.prompt_tokens_details?.cached_tokens,
      ],
      [1150, 7, 1000],
    );
    const call = gw.mock.callsFor("ca-basic").at(-1)!;
    assert.equal(call.path, "/v1/messages");
    assert.equal(call.headers["x-api-key"], gw.canaryKey);
    assert.equal(call.headers["anthropic-version"], "2023-06-01");
    assert.deepEqual(call.body, {
      model: "ca-basic",
      max_tokens: 4096,
      system: "You are terse.",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Hello" },
            { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
          ],
        },
      ],
      temperature: 1,
      stop_sequences: ["END"],
      metadata: { user_id: "user-42" },
    });
    const row = await waitForLogRow(gw.db, response.headers.get("x-request-id")!);
    assert.equal(row.api, "chat.completions");
    assert.equal(row.cacheWriteTokens, 50);
    assert.equal(row.cachedTokens, 1000);
    // 100 × 3 + 1000 × 0.3 + 7 × 15, per 1M tokens (no cache-write price set).
    assert.ok(Math.abs(row.cost - (300 + 300 + 105) / 1e6) < 1e-12, `cost ${row.cost}`);
  });

  it("streams Anthropic's events back as chat.completion chunks, usage chunk and [DONE]", async () => {
    gw.mock.setBehavior("ca-basic", {
      chunks: ["Streaming", " from", " Claude"],
      reasoning: ["Thinking first."],
      usage: { prompt_tokens: 20, completion_tokens: 3 },
    });
    const stream = await client.chat.completions.create({
      model: "claude",
      messages: [{ role: "user", content: "Go" }],
      stream: true,
      stream_options: { include_usage: true },
      reasoning_effort: "low",
    });
    let text = "";
    let reasoning = "";
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      assert.equal(chunk.object, "chat.completion.chunk");
      const choice = chunk.choices[0];
      text += choice?.delta.content ?? "";
      reasoning += (choice?.delta as { reasoning_content?: string } | undefined)?.reasoning_content ?? "";
      finish = choice?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(text, "Streaming from Claude");
    assert.equal(reasoning, "Thinking first.");
    assert.equal(finish, "stop");
    assert.deepEqual([usage?.prompt_tokens, usage?.completion_tokens], [20, 3]);
    const sent = gw.mock.callsFor("ca-basic").at(-1)!.body as Json;
    assert.equal(sent.stream, true);
    // reasoning_effort "low" is a thinking budget, with room for the answer beyond it.
    assert.deepEqual(sent.thinking, { type: "enabled", budget_tokens: 1024 });
    assert.ok((sent.max_tokens as number) > 1024);
  });

  it("round-trips a tool call: tool_use becomes tool_calls, the tool result goes back as tool_result", async () => {
    gw.mock.setBehavior("ca-basic", {
      toolCalls: [{ id: "toolu_01", name: "get_weather", arguments: { city: "Paris" } }],
    });
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: "function",
        function: {
          name: "get_weather",
          description: "Weather for a city",
          parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
        },
      },
    ];
    const question = { role: "user" as const, content: "Weather in Paris?" };
    const first = await client.chat.completions.create({
      model: "claude",
      messages: [question],
      tools,
      tool_choice: "required",
    });
    const call = first.choices[0]!.message.tool_calls?.[0];
    assert.equal(first.choices[0]!.finish_reason, "tool_calls");
    assert.ok(call && call.type === "function");
    assert.deepEqual(
      [call.id, call.function.name, JSON.parse(call.function.arguments)],
      ["toolu_01", "get_weather", { city: "Paris" }],
    );
    const asked = gw.mock.callsFor("ca-basic").at(-1)!.body as Json;
    assert.deepEqual(asked.tool_choice, { type: "any" });
    assert.deepEqual(asked.tools, [
      {
        name: "get_weather",
        description: "Weather for a city",
        input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
      },
    ]);

    gw.mock.setBehavior("ca-basic", { text: "It is sunny in Paris." });
    const second = await client.chat.completions.create({
      model: "claude",
      tools,
      messages: [
        question,
        first.choices[0]!.message,
        { role: "tool", tool_call_id: "toolu_01", content: '{"sky":"sunny"}' },
      ],
    });
    assert.equal(second.choices[0]!.message.content, "It is sunny in Paris.");
    const followUp = gw.mock.callsFor("ca-basic").at(-1)!.body as { messages: Json[] };
    assert.deepEqual(followUp.messages.slice(1), [
      {
        role: "assistant",
        content: [{ type: "tool_use", id: "toolu_01", name: "get_weather", input: { city: "Paris" } }],
      },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_01", content: '{"sky":"sunny"}' }] },
    ]);
  });

  it("streams tool calls to the ai SDK, which runs the tool and finishes the turn", async () => {
    const provider = createOpenAICompatible({ name: "gateway", baseURL: `${gw.baseUrl}/v1`, apiKey: key });
    gw.mock.queue(
      "ca-basic",
      { toolCalls: [{ id: "toolu_02", name: "add", arguments: { a: 2, b: 3 } }] },
      { chunks: ["The sum ", "is 5."] },
    );
    const result = streamText({
      model: provider("claude"),
      prompt: "Add 2 and 3",
      tools: {
        add: tool({
          inputSchema: jsonSchema<{ a: number; b: number }>({
            type: "object",
            properties: { a: { type: "number" }, b: { type: "number" } },
            required: ["a", "b"],
          }),
          execute: async ({ a, b }) => String(a + b),
        }),
      },
      stopWhen: stepCountIs(2),
      maxRetries: 0,
    });
    assert.equal(await result.text, "The sum is 5.");
    const steps = await result.steps;
    assert.equal(steps.length, 2);
    assert.deepEqual(steps[0]!.toolCalls[0]?.input, { a: 2, b: 3 });
    const second = gw.mock.callsFor("ca-basic").at(-1)!.body as { messages: Json[] };
    const toolTurn = second.messages.at(-1)!;
    assert.equal(toolTurn.role, "user");
    assert.deepEqual((toolTurn.content as Json[])[0], { type: "tool_result", tool_use_id: "toolu_02", content: "5" });
  });

  it("fails over from a failing Anthropic provider to an OpenAI-compatible one inside one stream", async () => {
    gw.mock.setBehavior("ca-down", { status: 529 });
    gw.mock.setBehavior("ca-openai", { chunks: ["Rescued", " by OpenAI"] });
    const { data: stream, response } = await client.chat.completions
      .create({ model: "claude-backup", messages: [{ role: "user", content: "Hi" }], stream: true })
      .withResponse();
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    assert.equal(text, "Rescued by OpenAI");
    const row = await waitForLogRow(gw.db, response.headers.get("x-request-id")!);
    assert.deepEqual(
      row.attempts.map((attempt) => [attempt.providerName, attempt.status, attempt.outcome]),
      [
        ["ca-down", 529, "failed"],
        ["ca-openai", 200, "ok"],
      ],
    );
  });

  it("gives an Anthropic 400 back in OpenAI's error shape, with its message", async () => {
    gw.mock.setBehavior("ca-basic", { status: 400, error: { message: "messages: roles must alternate" } });
    await assert.rejects(
      client.chat.completions.create({ model: "claude", messages: [{ role: "user", content: "Hi" }] }),
      (error: unknown) => {
        assert.ok(error instanceof BadRequestError);
        assert.equal(error.message, "400 messages: roles must alternate");
        assert.equal(error.type, "invalid_request_error");
        return true;
      },
    );
  });
});
