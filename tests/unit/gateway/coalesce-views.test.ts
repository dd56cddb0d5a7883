import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { coalesceViews } from "../../../lib/gateway/bytes";
import { createRelayStream } from "../../../lib/gateway/stream-relay";
import { SseSplitter } from "../../../lib/gateway/sse-splitter";

const text = (views: readonly Uint8Array[]): string[] =>
  views.map((view) => Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString());

describe("coalesceViews", () => {
  it("joins back-to-back views of one chunk into one view without copying", () => {
    const chunk = Buffer.from("data: a\n\ndata: b\n\ndata: c\n\n");
    const events = new SseSplitter().push(chunk);
    assert.equal(events.length, 3);
    const joined = coalesceViews(events);
    assert.equal(joined.length, 1);
    assert.equal(joined[0]!.buffer, chunk.buffer, "a view of the same memory");
    assert.deepEqual(text(joined), ["data: a\n\ndata: b\n\ndata: c\n\n"]);
  });

  it("keeps events apart when one in between was dropped", () => {
    const events = new SseSplitter().push(Buffer.from("data: a\n\ndata: usage\n\ndata: c\n\n"));
    assert.deepEqual(text(coalesceViews([events[0]!, events[2]!])), ["data: a\n\n", "data: c\n\n"]);
  });

  it("keeps views of different chunks apart and the order unchanged", () => {
    const first = Buffer.from("data: a\n\n");
    const second = Buffer.from("data: b\n\n");
    const sharedPool = Buffer.from("xxdata: c\n\ndata: d\n\n");
    const views = [first, second, sharedPool.subarray(2, 11), sharedPool.subarray(11)];
    assert.deepEqual(text(coalesceViews(views)), ["data: a\n\n", "data: b\n\n", "data: c\n\ndata: d\n\n"]);
  });

  it("skips empty views and leaves a single view alone", () => {
    const only = Buffer.from("data: x\n\n");
    assert.deepEqual(coalesceViews([only]), [only]);
    assert.deepEqual(coalesceViews([]), []);
    assert.deepEqual(text(coalesceViews([new Uint8Array(0), only, only.subarray(9)])), ["data: x\n\n"]);
  });
});

describe("the relay writes one chunk per run of events", () => {
  it("hands the client the events of one upstream read as one chunk, byte for byte", async () => {
    const upstreamChunk = Buffer.from(
      'data: {"choices":[{"delta":{"content":"a"}}]}\n\ndata: {"choices":[{"delta":{"content":"b"}}]}\n\ndata: [DONE]\n\n',
    );
    const pending = new SseSplitter().push(upstreamChunk);
    let ended: unknown = null;
    const fakeStream = {
      control: { signal: new AbortController().signal, cause: null, abort() {} },
      inspector: { hasFinishReason: true },
      close() {},
      drainAndClose: async () => undefined,
      read: async () => ({ kind: "ended", events: [] }),
    };
    const collected: Uint8Array[] = [];
    const body = createRelayStream(
      { stream: fakeStream as never, pending, ending: "done", firstTokenAt: 0 },
      {
        onFinish: (end) => (ended = end),
        renderErrorEvent: () => new Uint8Array(0),
        collect: (bytes) => collected.push(bytes),
      },
    );
    const chunks: Uint8Array[] = [];
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
    assert.equal(chunks.length, 1);
    assert.equal(Buffer.concat(chunks).toString(), upstreamChunk.toString());
    assert.equal(Buffer.concat(collected).toString(), upstreamChunk.toString());
    assert.deepEqual(ended, { kind: "complete" });
  });
});
