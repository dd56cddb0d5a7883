import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AnthropicStreamDecoder, decodeAnthropicMessage } from "../../lib/translate/anthropic-answer-decode";
import { AnthropicStreamEncoder, encodeAnthropicMessage } from "../../lib/translate/anthropic-answer";
import { decodeAnthropicRequest } from "../../lib/translate/anthropic-request";
import { encodeAnthropicRequest } from "../../lib/translate/anthropic-request-encode";
import { decodeOpenAICompletion, OpenAIStreamDecoder } from "../../lib/translate/openai-answer";
import { encodeOpenAICompletion, OpenAIStreamEncoder } from "../../lib/translate/openai-answer-encode";
import { encodeOpenAIRequest } from "../../lib/translate/openai-request";
import { decodeOpenAIRequest } from "../../lib/translate/openai-request-decode";
import { encodeResponse, ResponsesStreamEncoder } from "../../lib/translate/responses-answer";
import { decodeResponsesRequest } from "../../lib/translate/responses-request";
import type { StreamDecoder, StreamEncoder } from "../../lib/translate/neutral";

// The translators on their own: requests both ways through the neutral form, whole answers and
// event streams, with the shapes each protocol's SDK relies on.

type Json = Record<string, unknown>;

/** Runs a stream through a decoder and an encoder; returns the SSE data payloads that came out. */
function translate(payloads: Json[], decoder: StreamDecoder, encoder: StreamEncoder): string[] {
  let text = "";
  for (const payload of payloads) for (const part of decoder.decode(payload)) text += encoder.encode(part);
  for (const part of decoder.end()) text += encoder.encode(part);
  return text
    .split("\n")
    .filter((line) => line.startsWith("data: "))
    .map((line) => line.slice(6));
}

describe("requests through the neutral form", () => {
  it("Anthropic → OpenAI: system blocks, images, tool use and results, tools, stop sequences, thinking", () => {
    const neutral = decodeAnthropicRequest({
      model: "claude",
      max_tokens: 512,
      system: [{ type: "text", text: "Be brief.", cache_control: { type: "ephemeral" } }],
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Look" },
            { type: "image", source: { type: "base64", media_type: "image/jpeg", data: "AAAA" } },
          ],
        },
        { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "read", input: { path: "a" } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "file a" }] },
      ],
      tools: [{ name: "read", input_schema: { type: "object" } }],
      tool_choice: { type: "any", disable_parallel_tool_use: true },
      stop_sequences: ["###"],
      thinking: { type: "enabled", budget_tokens: 8000 },
      metadata: { user_id: "u1" },
    });
    assert.deepEqual(encodeOpenAIRequest(neutral, "gpt-x"), {
      model: "gpt-x",
      messages: [
        { role: "system", content: "Be brief." },
        {
          role: "user",
          content: [
            { type: "text", text: "Look" },
            { type: "image_url", image_url: { url: "data:image/jpeg;base64,AAAA" } },
          ],
        },
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "t1", type: "function", function: { name: "read", arguments: '{"path":"a"}' } }],
        },
        { role: "tool", tool_call_id: "t1", content: "file a" },
      ],
      max_tokens: 512,
      stop: ["###"],
      tools: [{ type: "function", function: { name: "read", description: undefined, parameters: { type: "object" } } }],
      tool_choice: "required",
      parallel_tool_calls: false,
      user: "u1",
      reasoning_effort: "medium",
    });
  });

  it("OpenAI → Anthropic: system and developer joined, turns merged, max_tokens defaulted, temperature capped", () => {
    const neutral = decodeOpenAIRequest({
      model: "claude",
      messages: [
        { role: "system", content: "One." },
        { role: "developer", content: [{ type: "text", text: "Two." }] },
        { role: "user", content: "Hi" },
        {
          role: "assistant",
          content: "Calling",
          tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{bad json" } }],
        },
        { role: "tool", tool_call_id: "c1", content: "done" },
        { role: "user", content: [{ type: "image_url", image_url: { url: "https://example.com/cat.png" } }] },
      ],
      temperature: 1.7,
      stop: "END",
      tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }],
      tool_choice: { type: "function", function: { name: "f" } },
      parallel_tool_calls: false,
    });
    assert.deepEqual(encodeAnthropicRequest(neutral, "claude-x"), {
      model: "claude-x",
      max_tokens: 4096,
      system: "One.\n\nTwo.",
      messages: [
        { role: "user", content: [{ type: "text", text: "Hi" }] },
        {
          role: "assistant",
          content: [
            { type: "text", text: "Calling" },
            { type: "tool_use", id: "c1", name: "f", input: {} },
          ],
        },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "c1", content: "done" },
            { type: "image", source: { type: "url", url: "https://example.com/cat.png" } },
          ],
        },
      ],
      temperature: 1,
      stop_sequences: ["END"],
      tools: [{ name: "f", input_schema: { type: "object" } }],
      tool_choice: { type: "tool", name: "f", disable_parallel_tool_use: true },
    });
  });

  it("OpenAI reasoning_effort becomes a thinking budget that max_tokens exceeds, without temperature", () => {
    const neutral = decodeOpenAIRequest({
      model: "m",
      messages: [{ role: "user", content: "Think" }],
      max_tokens: 1000,
      temperature: 0.5,
      reasoning_effort: "high",
    });
    const body = encodeAnthropicRequest(neutral, "claude-x");
    assert.deepEqual(body.thinking, { type: "enabled", budget_tokens: 16_384 });
    assert.equal(body.max_tokens, 17_384);
    assert.equal(body.temperature, undefined);
  });
});

describe("whole answers", () => {
  it("OpenAI → Anthropic keeps text, reasoning, tool calls, stop reason and cache-aware usage", () => {
    const answer = decodeOpenAICompletion({
      id: "chatcmpl-1",
      model: "gpt-x",
      choices: [
        {
          message: {
            content: "Hi",
            reasoning_content: "hmm",
            tool_calls: [{ id: "c1", function: { name: "f", arguments: '{"a":1}' } }],
          },
          finish_reason: "tool_calls",
        },
      ],
      usage: { prompt_tokens: 100, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 40 } },
    });
    const message = JSON.parse(encodeAnthropicMessage(answer)) as Json;
    assert.deepEqual(message.content, [
      { type: "thinking", thinking: "hmm", signature: "" },
      { type: "text", text: "Hi" },
      { type: "tool_use", id: "c1", name: "f", input: { a: 1 } },
    ]);
    assert.equal(message.stop_reason, "tool_use");
    assert.deepEqual(message.usage, {
      input_tokens: 60,
      output_tokens: 5,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 40,
    });
  });

  it("Anthropic → OpenAI counts cache reads and writes inside prompt_tokens", () => {
    const answer = decodeAnthropicMessage({
      id: "msg_1",
      model: "claude-x",
      content: [
        { type: "text", text: "Done" },
        { type: "tool_use", id: "t1", name: "f", input: { b: 2 } },
      ],
      stop_reason: "max_tokens",
      usage: { input_tokens: 10, output_tokens: 3, cache_read_input_tokens: 100, cache_creation_input_tokens: 20 },
    });
    const completion = JSON.parse(encodeOpenAICompletion(answer, 1_700_000_000)) as {
      id: string;
      created: number;
      choices: { message: Json; finish_reason: string }[];
      usage: Json;
    };
    assert.equal(completion.id, "chatcmpl-msg_1");
    assert.equal(completion.created, 1_700_000_000);
    assert.deepEqual(completion.choices[0]!.message, {
      role: "assistant",
      content: "Done",
      tool_calls: [{ id: "t1", type: "function", function: { name: "f", arguments: '{"b":2}' } }],
    });
    assert.equal(completion.choices[0]!.finish_reason, "length");
    assert.deepEqual(completion.usage, {
      prompt_tokens: 130,
      completion_tokens: 3,
      total_tokens: 133,
      prompt_tokens_details: { cached_tokens: 100 },
    });
  });
});

describe("streams", () => {
  it("OpenAI chunks → Anthropic's event sequence, blocks indexed in order", () => {
    const chunks: Json[] = [
      { id: "c1", model: "gpt-x", choices: [{ delta: { role: "assistant", reasoning_content: "Let me" } }] },
      { choices: [{ delta: { content: "Hel" } }] },
      { choices: [{ delta: { content: "lo" } }] },
      {
        choices: [{ delta: { tool_calls: [{ index: 0, id: "call_1", function: { name: "f", arguments: '{"a"' } }] } }],
      },
      {
        choices: [
          { delta: { tool_calls: [{ index: 0, function: { arguments: ":1}" } }] }, finish_reason: "tool_calls" },
        ],
      },
      { choices: [], usage: { prompt_tokens: 9, completion_tokens: 4 } },
    ];
    const events = translate(chunks, new OpenAIStreamDecoder(), new AnthropicStreamEncoder("fallback")).map(
      (data) => JSON.parse(data) as Json,
    );
    assert.deepEqual(
      events.map((event) => event.type),
      [
        "message_start",
        "ping",
        "content_block_start",
        "content_block_delta",
        "content_block_stop",
        "content_block_start",
        "content_block_delta",
        "content_block_delta",
        "content_block_stop",
        "content_block_start",
        "content_block_delta",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
      ],
    );
    assert.deepEqual(
      events
        .filter((event) => event.type === "content_block_start")
        .map((event) => [event.index, (event.content_block as Json).type]),
      [
        [0, "thinking"],
        [1, "text"],
        [2, "tool_use"],
      ],
    );
    const final = events.at(-2)!;
    assert.deepEqual(final.delta, { stop_reason: "tool_use", stop_sequence: null });
    assert.deepEqual((final.usage as Json).output_tokens, 4);
  });

  it("Anthropic events → chat.completion chunks with tool-call indexes, the usage chunk on request, and [DONE]", () => {
    const events: Json[] = [
      {
        type: "message_start",
        message: { id: "msg_1", model: "claude-x", usage: { input_tokens: 12, output_tokens: 1 } },
      },
      { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
      { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hi" } },
      { type: "content_block_stop", index: 0 },
      { type: "content_block_start", index: 1, content_block: { type: "tool_use", id: "t1", name: "f", input: {} } },
      { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: '{"x":' } },
      { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: "2}" } },
      { type: "content_block_stop", index: 1 },
      { type: "message_delta", delta: { stop_reason: "tool_use" }, usage: { output_tokens: 7 } },
    ];
    const out = translate(events, new AnthropicStreamDecoder(), new OpenAIStreamEncoder("fallback", 1, true));
    assert.equal(out.at(-1), "[DONE]");
    const chunks = out
      .slice(0, -1)
      .map((data) => JSON.parse(data) as { id: string; model: string; choices: Json[]; usage?: Json });
    assert.ok(chunks.every((chunk) => chunk.id === "chatcmpl-msg_1" && chunk.model === "claude-x"));
    const deltas = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta as Json));
    assert.deepEqual(deltas[0], { role: "assistant", content: "" });
    assert.equal(deltas.map((delta) => delta.content ?? "").join(""), "Hi");
    const calls = deltas.flatMap((delta) => (delta.tool_calls as Json[] | undefined) ?? []);
    assert.deepEqual(calls[0], { index: 0, id: "t1", type: "function", function: { name: "f", arguments: "" } });
    assert.equal(calls.map((call) => (call.function as Json).arguments).join(""), '{"x":2}');
    const finish = chunks.flatMap((chunk) => chunk.choices).find((choice) => choice.finish_reason !== null);
    assert.equal(finish?.finish_reason, "tool_calls");
    assert.deepEqual(chunks.at(-1)!.usage, {
      prompt_tokens: 12,
      completion_tokens: 7,
      total_tokens: 19,
      prompt_tokens_details: { cached_tokens: 0 },
    });
  });
});

describe("the Responses API", () => {
  it("decodes instructions, input items, function tools (hosted ones dropped), format and effort", () => {
    const neutral = decodeResponsesRequest({
      model: "m",
      instructions: "Be exact.",
      input: [
        { role: "developer", content: "Workspace: /src" },
        { type: "message", role: "user", content: [{ type: "input_text", text: "Run ls" }] },
        { type: "reasoning", id: "rs_1", summary: [], encrypted_content: "opaque" },
        { type: "function_call", call_id: "c1", name: "shell", arguments: '{"cmd":"ls"}' },
        { type: "function_call", call_id: "c2", name: "shell", arguments: '{"cmd":"pwd"}' },
        { type: "function_call_output", call_id: "c1", output: "a.txt" },
        { type: "function_call_output", call_id: "c2", output: "/src" },
      ],
      tools: [{ type: "function", name: "shell", parameters: { type: "object" } }, { type: "web_search" }],
      text: { format: { type: "json_schema", name: "out", schema: { type: "object" } } },
      reasoning: { effort: "minimal" },
      max_output_tokens: 300,
    });
    assert.deepEqual(
      neutral.options.prompt.map((message) => [
        message.role,
        Array.isArray(message.content) ? message.content.length : 1,
      ]),
      [
        ["system", 1],
        ["system", 1],
        ["user", 1],
        ["assistant", 2],
        ["tool", 2],
      ],
    );
    assert.deepEqual(
      neutral.options.tools?.map((tool) => tool.name),
      ["shell"],
    );
    assert.deepEqual(neutral.options.responseFormat, { type: "json", schema: { type: "object" }, name: "out" });
    assert.equal(neutral.reasoningEffort, "low");
    assert.equal(neutral.options.maxOutputTokens, 300);
  });

  it("answers a cut-off answer as incomplete, in JSON and as the stream's last event", () => {
    const usage = {
      inputTokens: { total: 5, noCache: 5, cacheRead: undefined, cacheWrite: undefined },
      outputTokens: { total: 9, text: 9, reasoning: undefined },
    };
    const json = JSON.parse(
      encodeResponse(
        {
          id: "x",
          model: "m",
          content: [{ type: "text", text: "Partial" }],
          finishReason: { unified: "length", raw: "length" },
          usage,
        },
        1,
        {},
      ),
    ) as Json;
    assert.deepEqual([json.status, json.incomplete_details], ["incomplete", { reason: "max_output_tokens" }]);
    const encoder = new ResponsesStreamEncoder("m", 1, {});
    let text = "";
    for (const part of [
      { type: "text-start", id: "0" },
      { type: "text-delta", id: "0", delta: "Partial" },
      { type: "finish", usage, finishReason: { unified: "length", raw: "length" } },
    ] as const)
      text += encoder.encode(part);
    const events = text
      .split("\n")
      .filter((line) => line.startsWith("data: "))
      .map((line) => JSON.parse(line.slice(6)) as Json);
    const last = events.at(-1)!;
    assert.equal(last.type, "response.incomplete");
    const response = last.response as { output: Json[]; usage: Json };
    assert.deepEqual((response.output[0]!.content as Json[])[0], {
      type: "output_text",
      text: "Partial",
      annotations: [],
    });
    assert.equal(response.usage.output_tokens, 9);
    assert.ok(
      events.some((event) => event.type === "response.output_item.done"),
      "the open item is closed first",
    );
  });
});
