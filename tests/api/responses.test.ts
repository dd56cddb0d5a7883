import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import OpenAI, { BadRequestError } from "openai";
import { startGateway, waitForLogRow, type Gateway } from "../support/seed";

// POST /v1/responses with the official SDK (create and stream) and a request shaped like
// Codex's: translated through the neutral form to chat-completions providers and to Anthropic
// ones, with function calls, failover, usage in the log and clear errors.

type Json = Record<string, unknown>;

/** Server-sent events of a raw response, as parsed data objects. */
async function readEvents(response: Response): Promise<Json[]> {
  const text = await response.text();
  return text
    .split("\n")
    .filter((line) => line.startsWith("data: "))
    .map((line) => JSON.parse(line.slice(6)) as Json);
}

/** The text of a response's message items (the SDK adds `output_text` only to `create`'s answer). */
function textOf(response: OpenAI.Responses.Response): string {
  return response.output
    .flatMap((item) => (item.type === "message" ? item.content : []))
    .map((part) => (part.type === "output_text" ? part.text : ""))
    .join("");
}

describe("Responses API over HTTP", () => {
  let gw: Gateway;
  let key: string;
  let client: OpenAI;

  before(async () => {
    gw = await startGateway({
      async seed(s, mock) {
        await s.endpoint("anthropic-mock", mock.url, undefined, { protocol: "anthropic" });
        await s.group("codex", [{ model: "rs-chat", priceInput: 1, priceOutput: 4 }]);
        await s.group("codex-claude", [{ model: "rs-claude", endpoint: "anthropic-mock" }]);
        await s.group("codex-backup", ["rs-down", "rs-up"]);
        key = await s.key("codex-cli", { groups: ["codex", "codex-claude", "codex-backup"] });
      },
    });
    client = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: key, maxRetries: 0 });
  });

  after(async () => {
    await gw?.stop();
  });

  it("answers responses.create from a chat-completions provider: instructions, output_text, usage, log", async () => {
    gw.mock.setBehavior("rs-chat", { text: "Hello from chat", usage: { prompt_tokens: 30, completion_tokens: 4 } });
    const { data: response, response: raw } = await client.responses
      .create({ model: "codex", instructions: "Be terse.", input: "Say hello", max_output_tokens: 64 })
      .withResponse();
    assert.equal(response.object, "response");
    assert.match(response.id, /^resp_/);
    assert.equal(response.status, "completed");
    assert.equal(response.output_text, "Hello from chat");
    assert.deepEqual([response.usage?.input_tokens, response.usage?.output_tokens], [30, 4]);
    const sent = gw.mock.callsFor("rs-chat").at(-1)!;
    assert.equal(sent.path, "/v1/chat/completions");
    assert.deepEqual(sent.body, {
      model: "rs-chat",
      messages: [
        { role: "system", content: "Be terse." },
        { role: "user", content: "Say hello" },
      ],
      max_tokens: 64,
    });
    const row = await waitForLogRow(gw.db, raw.headers.get("x-request-id")!);
    assert.deepEqual([row.api, row.promptTokens, row.completionTokens], ["responses", 30, 4]);
    assert.ok(Math.abs(row.cost - (30 * 1 + 4 * 4) / 1e6) < 1e-15);
  });

  it("streams typed events that responses.stream() accumulates into the same final response", async () => {
    gw.mock.setBehavior("rs-chat", { chunks: ["Stream", "ing ", "words"], reasoning: ["Thinking."] });
    const stream = client.responses.stream({ model: "codex", input: [{ role: "user", content: "Go" }] });
    const types: string[] = [];
    let deltas = "";
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "response.output_text.delta") deltas += event.delta;
    }
    const final = await stream.finalResponse();
    assert.equal(deltas, "Streaming words");
    assert.equal(textOf(final), "Streaming words");
    assert.deepEqual(
      final.output.map((item) => item.type),
      ["reasoning", "message"],
    );
    assert.equal(types[0], "response.created");
    assert.equal(types.at(-1), "response.completed");
    for (const type of ["response.output_item.added", "response.content_part.added", "response.output_item.done"])
      assert.ok(types.includes(type), type);
    assert.ok(final.usage && final.usage.output_tokens > 0);
    assert.equal((gw.mock.callsFor("rs-chat").at(-1)!.body as Json).stream, true);
    const whole = await client.responses.create({ model: "codex", input: [{ role: "user", content: "Go" }] });
    assert.equal(whole.output_text, textOf(final));
    assert.deepEqual(
      whole.output.map((item) => item.type),
      final.output.map((item) => item.type),
    );
  });

  it("round-trips a function call: function_call items out, function_call_output back as a tool message", async () => {
    gw.mock.setBehavior("rs-chat", {
      toolCalls: [{ id: "call_9", name: "shell", arguments: { command: ["ls"] } }],
    });
    const tools: OpenAI.Responses.FunctionTool[] = [
      {
        type: "function",
        name: "shell",
        description: "Runs a command",
        strict: false,
        parameters: { type: "object", properties: { command: { type: "array", items: { type: "string" } } } },
      },
    ];
    const stream = client.responses.stream({ model: "codex", input: "List files", tools });
    let args = "";
    for await (const event of stream) if (event.type === "response.function_call_arguments.delta") args += event.delta;
    const first = await stream.finalResponse();
    const call = first.output.find((item) => item.type === "function_call");
    assert.ok(call && call.type === "function_call");
    assert.deepEqual([call.call_id, call.name, JSON.parse(call.arguments)], ["call_9", "shell", { command: ["ls"] }]);
    assert.equal(args, call.arguments);
    const asked = gw.mock.callsFor("rs-chat").at(-1)!.body as Json;
    assert.deepEqual(asked.tools, [
      {
        type: "function",
        function: { name: "shell", description: "Runs a command", parameters: tools[0]!.parameters },
      },
    ]);

    gw.mock.setBehavior("rs-chat", { text: "Two files." });
    const second = await client.responses.create({
      model: "codex",
      tools,
      input: [
        { role: "user", content: "List files" },
        { type: "function_call", call_id: "call_9", name: "shell", arguments: call.arguments },
        { type: "function_call_output", call_id: "call_9", output: "a.txt\nb.txt" },
      ],
    });
    assert.equal(second.output_text, "Two files.");
    const followUp = gw.mock.callsFor("rs-chat").at(-1)!.body as { messages: Json[] };
    assert.deepEqual(followUp.messages, [
      { role: "user", content: "List files" },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "call_9", type: "function", function: { name: "shell", arguments: '{"command":["ls"]}' } }],
      },
      { role: "tool", tool_call_id: "call_9", content: "a.txt\nb.txt" },
    ]);
  });

  it("serves a Codex-shaped streaming request from an Anthropic provider", async () => {
    gw.mock.setBehavior("rs-claude", {
      chunks: ["Patched", " the file."],
      usage: { prompt_tokens: 50, completion_tokens: 3 },
    });
    const response = await fetch(`${gw.baseUrl}/v1/responses`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({
        model: "codex-claude",
        instructions: "You are Codex, a coding agent.",
        input: [
          { type: "message", role: "developer", content: [{ type: "input_text", text: "Sandbox: workspace-write" }] },
          { type: "message", role: "user", content: [{ type: "input_text", text: "Fix the bug" }] },
          { type: "reasoning", id: "rs_1", summary: [], encrypted_content: "opaque" },
        ],
        tools: [
          {
            type: "function",
            name: "apply_patch",
            description: "Edit files",
            strict: false,
            parameters: { type: "object" },
          },
          { type: "web_search" },
        ],
        tool_choice: "auto",
        parallel_tool_calls: false,
        reasoning: { effort: "medium", summary: "auto" },
        store: false,
        stream: true,
        include: ["reasoning.encrypted_content"],
        prompt_cache_key: "session-1",
      }),
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /text\/event-stream/);
    const events = await readEvents(response);
    const sequence = events.map((event) => event.sequence_number);
    assert.deepEqual(
      sequence,
      events.map((_, index) => index),
      "sequence numbers count up from 0",
    );
    const completed = events.at(-1)!;
    assert.equal(completed.type, "response.completed");
    const final = completed.response as { output: Json[]; usage: Json; store: boolean };
    assert.deepEqual(
      final.output.map((item) => item.type),
      ["message"],
    );
    assert.deepEqual((final.output[0]!.content as Json[])[0], {
      type: "output_text",
      text: "Patched the file.",
      annotations: [],
    });
    assert.deepEqual([final.usage.input_tokens, final.usage.output_tokens], [50, 3]);
    const sent = gw.mock.callsFor("rs-claude").at(-1)!;
    assert.equal(sent.path, "/v1/messages");
    const body = sent.body as Json;
    assert.equal(body.system, "You are Codex, a coding agent.\n\nSandbox: workspace-write");
    assert.deepEqual(body.messages, [{ role: "user", content: [{ type: "text", text: "Fix the bug" }] }]);
    assert.deepEqual(
      (body.tools as Json[]).map((tool) => tool.name),
      ["apply_patch"],
      "hosted tools are left out",
    );
    assert.deepEqual(body.thinking, { type: "enabled", budget_tokens: 4096 });
  });

  it("closes the upstream when the client leaves a translated stream, and logs 499", async () => {
    gw.mock.setBehavior("rs-chat", { chunks: Array.from({ length: 40 }, (_, i) => ` word${i}`), chunkDelayMs: 100 });
    const controller = new AbortController();
    const response = await fetch(`${gw.baseUrl}/v1/responses`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "codex", input: "Talk", stream: true }),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    let text = "";
    while (!text.includes("response.output_text.delta")) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    const call = gw.mock.callsFor("rs-chat").at(-1)!;
    await gw.mock.waitFor(
      () => call.closedAt !== null,
      3_000,
      () => "the upstream request to be closed",
    );
    assert.equal(call.aborted, true, "closed by the gateway, not finished");
    assert.ok(call.chunksSent < 40);
    const row = await waitForLogRow(gw.db, response.headers.get("x-request-id")!);
    assert.equal(row.status, 499);
  });

  it("fails over before the first event, and refuses what it cannot honour with OpenAI's 400", async () => {
    gw.mock.setBehavior("rs-down", { status: 500 });
    gw.mock.setBehavior("rs-up", { chunks: ["Rescued"] });
    const stream = client.responses.stream({ model: "codex-backup", input: "Hi" });
    const final = await stream.finalResponse();
    assert.equal(textOf(final), "Rescued");
    assert.equal(gw.mock.callsFor("rs-down").length, 1);

    for (const [body, param] of [
      [{ model: "codex", input: "Hi", previous_response_id: "resp_123" }, "previous_response_id"],
      [{ model: "codex", input: 42 }, "input"],
      [{ model: "codex", input: "Hi", max_output_tokens: 0 }, "max_output_tokens"],
    ] as const) {
      await assert.rejects(
        client.responses.create(body as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming),
        (error: unknown) => {
          assert.ok(error instanceof BadRequestError);
          assert.equal(error.param, param);
          return true;
        },
      );
    }
  });
});
