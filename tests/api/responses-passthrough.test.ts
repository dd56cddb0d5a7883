import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import OpenAI, { BadRequestError, NotFoundError } from "openai";
import { startGateway, waitForLogRow, type Gateway } from "../support/seed";

// POST /v1/responses to providers that serve the Responses API themselves: the client's bytes
// go out with `model` replaced and the answer comes back byte for byte, stored responses can be
// read and deleted through the gateway, `previous_response_id` works, failover happens before
// the first event, and a Codex-shaped request is served both ways (passthrough and translation).

type Json = Record<string, unknown>;

function textOf(response: OpenAI.Responses.Response): string {
  return response.output
    .flatMap((item) => (item.type === "message" ? item.content : []))
    .map((part) => (part.type === "output_text" ? part.text : ""))
    .join("");
}

/** The request Codex CLI sends with `wire_api = "responses"` (trimmed to what it always sets). */
function codexRequest(model: string): Json {
  return {
    model,
    instructions: "You are Codex, a coding agent.",
    input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "List the files" }] }],
    tools: [
      {
        type: "function",
        name: "shell",
        description: "Runs a shell command",
        strict: false,
        parameters: { type: "object", properties: { command: { type: "array", items: { type: "string" } } } },
      },
    ],
    tool_choice: "auto",
    parallel_tool_calls: false,
    reasoning: { effort: "medium", summary: "auto" },
    store: false,
    stream: true,
    include: ["reasoning.encrypted_content"],
    prompt_cache_key: "0b8d-session",
  };
}

function dataEvents(text: string): Json[] {
  return text
    .split("\n")
    .filter((line) => line.startsWith("data: "))
    .map((line) => JSON.parse(line.slice(6)) as Json);
}

describe("Responses API passthrough", () => {
  let gw: Gateway;
  let key: string;
  let client: OpenAI;

  before(async () => {
    gw = await startGateway({
      async seed(s) {
        const responses = ["chat", "responses"] as const;
        await s.group("gpt", [{ model: "rp-native", kinds: [...responses], priceInput: 2, priceOutput: 8 }]);
        await s.group("gpt-backup", [
          { model: "rp-down", kinds: [...responses] },
          { model: "rp-up", kinds: [...responses] },
        ]);
        await s.group("chat-only", ["rp-chat"]);
        await s.group("embedder", [{ model: "rp-embed", kinds: ["embeddings"] }]);
        key = await s.key("codex-cli", { groups: ["gpt", "gpt-backup", "chat-only", "embedder"] });
      },
    });
    client = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: key, maxRetries: 0 });
  });

  beforeEach(() => gw.mock.reset());

  after(async () => {
    await gw?.stop();
  });

  it("passes responses.create through byte for byte, and retrieves and deletes the stored response", async () => {
    gw.mock.setBehavior("rp-native", { text: "Native answer", usage: { prompt_tokens: 40, completion_tokens: 5 } });
    const body = '{"model":"gpt",  "input":"Say hi","metadata":{"n":1.0}}';
    const raw = await gw.send("POST", "/v1/responses", body, { key });
    assert.equal(raw.status, 200);
    const call = gw.mock.callsFor("rp-native").at(-1)!;
    assert.equal(call.path, "/v1/responses");
    assert.equal(call.rawBody, '{"model":"rp-native",  "input":"Say hi","metadata":{"n":1.0}}', "only model replaced");
    assert.equal(raw.body, call.responseBody, "the answer is the provider's bytes");
    const answer = JSON.parse(raw.body) as { id: string };
    const row = await waitForLogRow(gw.db, raw.requestId!);
    assert.deepEqual(
      [row.api, row.providerName, row.promptTokens, row.completionTokens],
      ["responses", "rp-native", 40, 5],
    );
    assert.ok(Math.abs(row.cost - (40 * 2 + 5 * 8) / 1e6) < 1e-15);

    const stored = await client.responses.retrieve(answer.id);
    assert.equal(stored.id, answer.id);
    assert.equal(textOf(stored), "Native answer");
    const deleted = (await client.responses.delete(answer.id)) as unknown;
    assert.deepEqual(deleted, { id: answer.id, object: "response", deleted: true });
    await assert.rejects(client.responses.retrieve(answer.id), NotFoundError);
    await assert.rejects(client.responses.retrieve("resp_unknown"), (error: unknown) => {
      assert.ok(error instanceof NotFoundError);
      return true;
    });
  });

  it("continues a stored response with previous_response_id on a Responses provider", async () => {
    gw.mock.setBehavior("rp-native", { text: "First" });
    const first = await client.responses.create({ model: "gpt", input: "One" });
    gw.mock.setBehavior("rp-native", { text: "Second" });
    const second = await client.responses.create({ model: "gpt", input: "Two", previous_response_id: first.id });
    assert.equal(second.output_text, "Second");
    assert.equal(second.previous_response_id, first.id);
    await assert.rejects(
      client.responses.create({ model: "chat-only", input: "Two", previous_response_id: first.id }),
      (error: unknown) => {
        assert.ok(error instanceof BadRequestError);
        assert.equal(error.param, "previous_response_id");
        assert.match(error.message, /Responses API/);
        return true;
      },
    );
  });

  it("streams the provider's own events and runs a function-call round trip with responses.stream()", async () => {
    gw.mock.setBehavior("rp-native", {
      toolCalls: [{ id: "call_1", name: "get_weather", arguments: { city: "Paris" } }],
    });
    const tools: OpenAI.Responses.Tool[] = [
      { type: "function", name: "get_weather", strict: false, parameters: { type: "object" } },
    ];
    const first = await client.responses
      .stream({ model: "gpt", input: "Weather?", tools, store: false })
      .finalResponse();
    const callItem = first.output.find((item) => item.type === "function_call");
    assert.ok(callItem && callItem.type === "function_call");
    assert.deepEqual([callItem.name, JSON.parse(callItem.arguments)], ["get_weather", { city: "Paris" }]);

    gw.mock.setBehavior("rp-native", { chunks: ["Sunny", " in", " Paris"] });
    const stream = client.responses.stream({
      model: "gpt",
      tools,
      store: false,
      input: [
        { role: "user", content: "Weather?" },
        { type: "function_call", call_id: "call_1", name: "get_weather", arguments: callItem.arguments },
        { type: "function_call_output", call_id: "call_1", output: '{"sky":"sunny"}' },
      ],
    });
    let deltas = "";
    stream.on("response.output_text.delta", (event) => (deltas += event.delta));
    const final = await stream.finalResponse();
    assert.equal(deltas, "Sunny in Paris");
    assert.equal(textOf(final), "Sunny in Paris");
    const sent = gw.mock.callsFor("rp-native").at(-1)!.body as { input: Json[] };
    assert.deepEqual(
      sent.input.map((item) => item.type ?? "message"),
      ["message", "function_call", "function_call_output"],
    );
  });

  it("fails over before the first event: a 500 and a reset stream go to the next provider", async () => {
    gw.mock.setBehavior("rp-down", { status: 500 });
    gw.mock.setBehavior("rp-up", { text: "Rescued" });
    const answer = await client.responses.create({ model: "gpt-backup", input: "Hi" });
    assert.equal(answer.output_text, "Rescued");

    gw.mock.setBehavior("rp-down", { resetAfterChunks: 0 });
    gw.mock.setBehavior("rp-up", { chunks: ["Still", " here"] });
    const { data: stream, response } = await client.responses
      .create({ model: "gpt-backup", input: "Hi", stream: true })
      .withResponse();
    let text = "";
    for await (const event of stream) if (event.type === "response.output_text.delta") text += event.delta;
    assert.equal(text, "Still here");
    const row = await waitForLogRow(gw.db, response.headers.get("x-request-id")!);
    assert.deepEqual(
      row.attempts.map((attempt) => [attempt.providerName, attempt.outcome]),
      [
        ["rp-down", "failed"],
        ["rp-up", "ok"],
      ],
    );
  });

  it("serves the request Codex sends, by passthrough and by translation to chat", async () => {
    gw.mock.setBehavior("rp-native", { chunks: ["Done", "."], reasoning: ["Plan."] });
    gw.mock.setBehavior("rp-chat", { chunks: ["Done", "."] });
    for (const model of ["gpt", "chat-only"]) {
      const response = await fetch(`${gw.baseUrl}/v1/responses`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json", accept: "text/event-stream" },
        body: JSON.stringify(codexRequest(model)),
      });
      assert.equal(response.status, 200, model);
      const events = dataEvents(await response.text());
      const completed = events.at(-1)!;
      assert.equal(completed.type, "response.completed", model);
      const output = (completed.response as { output: Json[] }).output;
      const message = output.find((item) => item.type === "message")!;
      assert.equal(((message.content as Json[])[0] as { text: string }).text, "Done.", model);
    }
    assert.equal(gw.mock.callsFor("rp-native").at(-1)!.path, "/v1/responses");
    assert.equal(gw.mock.callsFor("rp-chat").at(-1)!.path, "/v1/chat/completions");
  });

  it("routes by kind of work: a group whose providers serve none of this API gets a clear 400", async () => {
    await assert.rejects(client.responses.create({ model: "embedder", input: "Hi" }), (error: unknown) => {
      assert.ok(error instanceof BadRequestError);
      assert.equal(error.param, "model");
      return true;
    });
    await assert.rejects(client.embeddings.create({ model: "chat-only", input: "Hi" }), (error: unknown) => {
      assert.ok(error instanceof BadRequestError);
      assert.match(error.message, /kinds of work/);
      return true;
    });
    assert.equal(gw.mock.callCount, 0, "no provider was asked");
  });
});
