import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compileKeywords } from "../../../lib/gateway/keywords";
import { SseInspector } from "../../../lib/gateway/sse-inspector";
import { SseEventTooLargeError, SseSplitter } from "../../../lib/gateway/sse-splitter";
import { makeSnapshot } from "./gateway-fixture";

function splitAll(chunks: string[]): string[] {
  const splitter = new SseSplitter();
  const events: string[] = [];
  for (const chunk of chunks)
    for (const event of splitter.push(Buffer.from(chunk))) events.push(Buffer.from(event).toString());
  const rest = splitter.flush();
  if (rest) events.push(Buffer.from(rest).toString());
  return events;
}

function everySplit(text: string): string[][] {
  const out: string[][] = [[text]];
  for (let i = 1; i < text.length; i += 1) out.push([text.slice(0, i), text.slice(i)]);
  out.push([...text]);
  return out;
}

describe("SseSplitter", () => {
  const cases: [string, string, string[]][] = [
    ["LF framing", "data: a\n\ndata: b\n\n", ["data: a\n\n", "data: b\n\n"]],
    ["CRLF framing", "data: a\r\n\r\ndata: b\r\n\r\n", ["data: a\r\n\r\n", "data: b\r\n\r\n"]],
    ["CR framing", "data: a\r\rdata: b\r\r", ["data: a\r\r", "data: b\r\r"]],
    [
      "multi-line events and comments",
      ": hi\n\nid: 1\ndata: a\ndata: b\n\n",
      [": hi\n\n", "id: 1\ndata: a\ndata: b\n\n"],
    ],
    ["mixed LF then CRLF blank line", "data: a\n\r\ndata: b\n\n", ["data: a\n\r\n", "data: b\n\n"]],
    ["a final event without its blank line", "data: a\n\ndata: [DONE]\n", ["data: a\n\n", "data: [DONE]\n"]],
  ];
  for (const [name, text, expected] of cases) {
    it(`splits ${name} into whole events however the bytes are chunked`, () => {
      for (const chunks of everySplit(text)) assert.deepEqual(splitAll(chunks), expected, JSON.stringify(chunks));
    });
  }

  it("returns views of the chunk (no copy) for events inside one chunk", () => {
    const chunk = Buffer.from("data: a\n\ndata: b\n\n");
    const [first] = new SseSplitter().push(chunk);
    assert.equal(first!.buffer, chunk.buffer);
  });

  it("refuses an event that grows past the size limit", () => {
    const splitter = new SseSplitter(16);
    splitter.push(Buffer.from("data: 0123456789"));
    assert.throws(() => splitter.push(Buffer.from("0123456789")), SseEventTooLargeError);
  });
});

describe("SseInspector", () => {
  const hits: number[] = [];
  const inspector = () =>
    new SseInspector(
      compileKeywords(makeSnapshot({ providers: [], members: [], keywords: [{ id: 9, keyword: "Forbidden Word" }] })),
      { recordHit: (id) => hits.push(id) },
      () => 0,
    );
  const event = (payload: unknown) => Buffer.from(`data: ${JSON.stringify(payload)}\n\n`);
  const delta = (value: Record<string, unknown>) =>
    event({ id: "forbidden word", choices: [{ index: 0, delta: value }] });

  const kinds: [string, Uint8Array, string][] = [
    ["a role-only delta", delta({ role: "assistant" }), "other"],
    ["an empty content delta", delta({ content: "" }), "other"],
    ["a content delta", delta({ content: "hi" }), "meaningful"],
    ["a reasoning_content delta", delta({ reasoning_content: "thinking" }), "meaningful"],
    ["a reasoning delta", delta({ reasoning: "thinking" }), "meaningful"],
    ["a refusal delta", delta({ refusal: "no" }), "meaningful"],
    ["a tool-call delta", delta({ tool_calls: [{ index: 0, function: { arguments: "{" } }] }), "meaningful"],
    ["a usage-only chunk", event({ choices: [], usage: { prompt_tokens: 1, completion_tokens: 2 } }), "usage_only"],
    ["[DONE]", Buffer.from("data: [DONE]\n\n"), "done"],
    ["an in-band error", event({ error: { message: "x" } }), "error"],
    ["a comment", Buffer.from(": ping\n\n"), "other"],
    ["non-JSON data", Buffer.from("data: hello\n\n"), "other"],
    ["a keyword in content", delta({ content: "a FORBIDDEN word" }), "keyword"],
    ["a keyword in reasoning", delta({ reasoning_content: "forbidden word" }), "keyword"],
    ["a keyword only in the id", delta({ content: "clean" }), "meaningful"],
  ];
  for (const [name, raw, expected] of kinds) {
    it(`classifies ${name} as ${expected}`, () => {
      assert.equal(inspector().inspect(raw), expected);
    });
  }

  it("finds a keyword split across deltas", () => {
    const scan = inspector();
    assert.equal(scan.inspect(delta({ content: "a forbid" })), "meaningful");
    assert.equal(scan.inspect(delta({ content: "den wo" })), "meaningful");
    assert.equal(scan.inspect(delta({ content: "rd!" })), "keyword");
  });

  it("counts answer characters and keeps the last usage", () => {
    const scan = inspector();
    scan.inspect(delta({ content: "1234" }));
    scan.inspect(delta({ reasoning_content: "56" }));
    scan.inspect(
      event({
        choices: [],
        usage: { prompt_tokens: 3, completion_tokens: 4, prompt_tokens_details: { cached_tokens: 1 } },
      }),
    );
    assert.equal(scan.completionCharacters, 6);
    assert.deepEqual(scan.usage, { promptTokens: 3, completionTokens: 4, cachedTokens: 1, cacheWriteTokens: 0 });
  });

  it("reads CR-framed events (the parser needs the final CR closed)", () => {
    assert.equal(
      inspector().inspect(Buffer.from(`data: ${JSON.stringify({ choices: [{ delta: { content: "x" } }] })}\r\r`)),
      "meaningful",
    );
  });
});
