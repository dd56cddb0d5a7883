import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import { startGateway, waitForLogRow, type Gateway } from "../support/seed";

// POST /v1/messages with Anthropic's own SDK: passthrough to an Anthropic upstream, translation
// to an OpenAI-compatible one, failover across the two, keywords, usage with cache tokens, errors.

const ANTHROPIC = "anthropic-mock";

type Block = Anthropic.Messages.ContentBlock;
const textOf = (content: readonly Block[]): string =>
  content.map((block) => (block.type === "text" ? block.text : "")).join("");

describe("Anthropic Messages API over HTTP", () => {
  let gw: Gateway;
  let key: string;
  let client: Anthropic;

  before(async () => {
    gw = await startGateway({
      async seed(s, mock) {
        // Given with its /v1, as many operators paste it: the gateway appends /v1/messages to the root.
        await s.endpoint(ANTHROPIC, mock.url, undefined, { protocol: "anthropic" });
        await s.group("claude", [
          { model: "an-basic", endpoint: ANTHROPIC, priceInput: 3, priceOutput: 15, priceCached: 0.3 },
        ]);
        await s.group("translated", ["tr-basic"]);
        await s.group("mixed", [{ model: "mx-anthropic", endpoint: ANTHROPIC }, "mx-openai"]);
        await s.group("guarded", [{ model: "kw-anthropic", endpoint: ANTHROPIC }, "kw-openai"]);
        await s.keyword("model overloaded, try later");
        key = await s.key("claude-code", { groups: ["claude", "translated", "mixed", "guarded"] });
      },
    });
    client = new Anthropic({ baseURL: gw.baseUrl, apiKey: key, maxRetries: 0 });
  });

  after(async () => {
    await gw?.stop();
  });

  it("passes a Messages request to an Anthropic upstream byte for byte but for model, with cache usage priced", async () => {
    gw.mock.setBehavior("an-basic", {
      text: "Hi from Claude",
      usage: {
        prompt_tokens: 100,
        completion_tokens: 20,
        cache_read_input_tokens: 1000,
        cache_creation_input_tokens: 50,
      },
    });
    const system = [{ type: "text", text: "You are terse.", cache_control: { type: "ephemeral" } }];
    const raw = `{"model":"claude","max_tokens":64,  "system":${JSON.stringify(system)},"messages":[{"role":"user","content":"Hello \\u00e9"}]}`;
    const response = await fetch(`${gw.baseUrl}/v1/messages`, {
      method: "POST",
      headers: {
        "x-api-key": key,
        "anthropic-version": "2023-06-01",
        "anthropic-beta": "prompt-caching-2024-07-31",
        "content-type": "application/json",
      },
      body: raw,
    });
    assert.equal(response.status, 200);
    const message = (await response.json()) as Anthropic.Message;
    assert.equal(textOf(message.content), "Hi from Claude");
    const call = gw.mock.callsFor("an-basic").at(-1)!;
    assert.equal(call.path, "/v1/messages");
    assert.equal(call.rawBody, raw.replace('"model":"claude"', '"model":"an-basic"'));
    assert.equal(call.headers["x-api-key"], gw.canaryKey);
    assert.equal(call.headers.authorization, undefined);
    assert.equal(call.headers["anthropic-version"], "2023-06-01");
    assert.equal(call.headers["anthropic-beta"], "prompt-caching-2024-07-31");
    const row = await waitForLogRow(gw.db, response.headers.get("x-request-id")!);
    assert.equal(row.api, "messages");
    assert.equal(row.promptTokens, 1150);
    assert.equal(row.cachedTokens, 1000);
    assert.equal(row.cacheWriteTokens, 50);
    assert.equal(row.completionTokens, 20);
    // 100 × 3 + 1000 × 0.3 + 50 × 0 (no cache-write price set) + 20 × 15, per 1M tokens.
    assert.ok(Math.abs(row.cost - (300 + 300 + 300) / 1e6) < 1e-12, `cost ${row.cost}`);
  });

  it("relays an Anthropic stream as it comes; the SDK's accumulator equals the non-stream answer", async () => {
    gw.mock.setBehavior("an-basic", { text: "Streaming words one by one", reasoning: ["Let me think."] });
    const body = { model: "claude", max_tokens: 64, messages: [{ role: "user" as const, content: "Go" }] };
    const whole = await client.messages.create(body);
    const streamed = await client.messages.stream(body).finalMessage();
    assert.equal(textOf(streamed.content), "Streaming words one by one");
    assert.deepEqual(
      streamed.content.map((block) => block.type),
      whole.content.map((block) => block.type),
    );
    assert.equal(streamed.stop_reason, "end_turn");
  });

  it("translates a Claude Code-shaped request to an OpenAI-compatible provider and the answer back", async () => {
    gw.mock.setBehavior("tr-basic", {
      text: "Translated hello",
      usage: { prompt_tokens: 40, completion_tokens: 3, cached_tokens: 10 },
    });
    const request: Anthropic.Messages.MessageCreateParamsNonStreaming = {
      model: "translated",
      max_tokens: 1024,
      system: [
        { type: "text", text: "You are Claude Code." },
        { type: "text", text: "Be careful.", cache_control: { type: "ephemeral" } },
      ],
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What is in this image?" },
            { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
          ],
        },
      ],
      tools: [
        {
          name: "Read",
          description: "Read a file",
          input_schema: { type: "object", properties: { path: { type: "string" } }, required: ["path"] },
        },
        { name: "Bash", input_schema: { type: "object", properties: { command: { type: "string" } } } },
      ],
      tool_choice: { type: "auto" },
      stop_sequences: ["\n\nHuman:"],
      metadata: { user_id: "user-42" },
      thinking: { type: "enabled", budget_tokens: 8000 },
    };
    const message = await client.messages.create(request);
    assert.equal(message.type, "message");
    assert.equal(textOf(message.content), "Translated hello");
    assert.equal(message.stop_reason, "end_turn");
    assert.deepEqual(message.usage.input_tokens, 30);
    assert.equal(message.usage.cache_read_input_tokens, 10);
    assert.equal(message.usage.output_tokens, 3);
    const sent = gw.mock.callsFor("tr-basic").at(-1)!;
    assert.equal(sent.path, "/v1/chat/completions");
    assert.equal(sent.headers.authorization, `Bearer ${gw.canaryKey}`);
    const openai = sent.body as Record<string, unknown>;
    assert.deepEqual(openai.messages, [
      { role: "system", content: "You are Claude Code.\nBe careful." },
      {
        role: "user",
        content: [
          { type: "text", text: "What is in this image?" },
          { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
        ],
      },
    ]);
    assert.equal(openai.max_tokens, 1024);
    assert.deepEqual(openai.stop, ["\n\nHuman:"]);
    assert.equal(openai.user, "user-42");
    assert.equal(openai.reasoning_effort, "medium");
    assert.equal(openai.tool_choice, "auto");
    assert.deepEqual(
      (openai.tools as { function: { name: string } }[]).map((tool) => tool.function.name),
      ["Read", "Bash"],
    );

    // Claude Code streams: the same request with `stream: true`, accumulated by the SDK.
    const streamed = await client.messages.stream(request).finalMessage();
    assert.equal((gw.mock.callsFor("tr-basic").at(-1)!.body as { stream?: boolean }).stream, true);
    assert.deepEqual(
      [streamed.content, streamed.stop_reason, streamed.usage.input_tokens, streamed.usage.output_tokens],
      [message.content, message.stop_reason, message.usage.input_tokens, message.usage.output_tokens],
    );
  });

  it("round-trips a tool call through translation, streamed and not", async () => {
    gw.mock.setBehavior("tr-basic", { toolCalls: [{ id: "call_1", name: "Read", arguments: { path: "README.md" } }] });
    const body = {
      model: "translated",
      max_tokens: 256,
      messages: [{ role: "user" as const, content: "Read the readme" }],
      tools: [{ name: "Read", input_schema: { type: "object" as const, properties: { path: { type: "string" } } } }],
    };
    const whole = await client.messages.create(body);
    const streamed = await client.messages.stream({ ...body }).finalMessage();
    for (const message of [whole, streamed]) {
      assert.equal(message.stop_reason, "tool_use");
      const use = message.content.find((block) => block.type === "tool_use");
      assert.ok(use && use.type === "tool_use");
      assert.equal(use.name, "Read");
      assert.equal(use.id, "call_1");
      assert.deepEqual(use.input, { path: "README.md" });
    }
    gw.mock.setBehavior("tr-basic", { text: "It says hello." });
    const answer = await client.messages.create({
      ...body,
      messages: [
        ...body.messages,
        { role: "assistant", content: whole.content },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "call_1", content: "# Hello" }] },
      ],
    });
    assert.equal(textOf(answer.content), "It says hello.");
    const sent = (gw.mock.callsFor("tr-basic").at(-1)!.body as { messages: unknown[] }).messages;
    assert.deepEqual(sent.slice(1), [
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "call_1", type: "function", function: { name: "Read", arguments: '{"path":"README.md"}' } }],
      },
      { role: "tool", tool_call_id: "call_1", content: "# Hello" },
    ]);
  });

  it("translates a stream into Anthropic's event sequence with usage at the end", async () => {
    gw.mock.setBehavior("tr-basic", {
      chunks: ["One ", "two ", "three"],
      usage: { prompt_tokens: 12, completion_tokens: 3 },
    });
    const body = { model: "translated", max_tokens: 64, messages: [{ role: "user" as const, content: "Count" }] };
    const stream = client.messages.stream(body);
    const types: string[] = [];
    stream.on("streamEvent", (event) => types.push(event.type));
    const streamed = await stream.finalMessage();
    const whole = await client.messages.create(body);
    assert.equal(textOf(streamed.content), "One two three");
    assert.deepEqual(streamed.content, whole.content);
    assert.equal(streamed.usage.input_tokens, 12);
    assert.equal(streamed.usage.output_tokens, 3);
    assert.deepEqual(
      [...new Set(types)],
      [
        "message_start",
        "content_block_start",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
      ],
    );
  });

  it("fails over from an overloaded (529) Anthropic provider to an OpenAI-compatible one inside one stream", async () => {
    gw.mock.setBehavior("mx-anthropic", { status: 529 });
    gw.mock.setBehavior("mx-openai", { text: "Rescued by the backup" });
    const { data, response } = await client.messages
      .stream({ model: "mixed", max_tokens: 64, messages: [{ role: "user", content: "Hi" }] })
      .withResponse();
    const final = await data.finalMessage();
    assert.equal(textOf(final.content), "Rescued by the backup");
    const row = await waitForLogRow(gw.db, response.headers.get("x-request-id")!);
    assert.deepEqual(
      row.attempts.map((attempt) => [attempt.providerName, attempt.status, attempt.outcome]),
      [
        ["mx-anthropic", 529, "failed"],
        ["mx-openai", 200, "ok"],
      ],
    );
    assert.equal(row.providerName, "mx-openai");
  });

  it("fails over on a failure keyword in an Anthropic answer", async () => {
    gw.mock.setBehavior("kw-anthropic", { text: "Sorry: model overloaded, try later." });
    gw.mock.setBehavior("kw-openai", { text: "Clean answer" });
    const message = await client.messages.create({
      model: "guarded",
      max_tokens: 32,
      messages: [{ role: "user", content: "Hi" }],
    });
    assert.equal(textOf(message.content), "Clean answer");
    const streamed = await client.messages
      .stream({ model: "guarded", max_tokens: 32, messages: [{ role: "user", content: "Hi" }] })
      .finalMessage();
    assert.equal(textOf(streamed.content), "Clean answer");
  });

  it("answers bad input, bad keys and unknown models in Anthropic's error shape", async () => {
    const post = (body: unknown, headers: Record<string, string> = { "x-api-key": key }) =>
      fetch(`${gw.baseUrl}/v1/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
    const cases: [Response, number, string, RegExp][] = [
      [await post({ model: "claude", messages: [] }), 400, "invalid_request_error", /max_tokens/],
      [
        await post({ model: "claude", max_tokens: 5, messages: [{ role: "robot", content: "x" }] }),
        400,
        "invalid_request_error",
        /messages\.0\.role/,
      ],
      [await post("{not json"), 400, "invalid_request_error", /JSON/],
      [
        await post({ model: "claude", max_tokens: 5, messages: [] }, { "x-api-key": "sk-wrong" }),
        401,
        "authentication_error",
        /API key/,
      ],
      [await post({ model: "nope", max_tokens: 5, messages: [] }), 404, "not_found_error", /nope/],
    ];
    for (const [response, status, type, message] of cases) {
      assert.equal(response.status, status);
      const body = (await response.json()) as { type: string; error: { type: string; message: string } };
      assert.equal(body.type, "error");
      assert.equal(body.error.type, type);
      assert.match(body.error.message, message);
    }
    await assert.rejects(
      client.messages.create({ model: "claude", max_tokens: 0, messages: [{ role: "user", content: "x" }] }),
      (error: unknown) => error instanceof Anthropic.BadRequestError,
    );
    // Claude Code's ANTHROPIC_AUTH_TOKEN arrives as a bearer token.
    const bearer = new Anthropic({ baseURL: gw.baseUrl, authToken: key, apiKey: null, maxRetries: 0 });
    gw.mock.setBehavior("an-basic", { text: "ok" });
    const ok = await bearer.messages.create({
      model: "claude",
      max_tokens: 8,
      messages: [{ role: "user", content: "x" }],
    });
    assert.equal(textOf(ok.content), "ok");
  });

  it("counts tokens at an Anthropic upstream, and estimates them (flagged) for others", async () => {
    const request = { model: "claude", messages: [{ role: "user" as const, content: "one two three" }] };
    const exact = await client.messages.countTokens(request);
    assert.ok(exact.input_tokens > 1000, "the mock's count, not an estimate");
    assert.equal(gw.mock.calls.at(-1)?.path, "/v1/messages/count_tokens");
    const response = await fetch(`${gw.baseUrl}/v1/messages/count_tokens`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": key },
      body: JSON.stringify({ ...request, model: "translated" }),
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("x-token-count-estimated"), "true");
    const estimate = (await response.json()) as { input_tokens: number };
    assert.ok(estimate.input_tokens > 0 && estimate.input_tokens < 100, `estimate ${estimate.input_tokens}`);
  });
});
