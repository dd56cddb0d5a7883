import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import { type Captured, type Gateway, REQUEST_ID_PATTERN, startGateway } from "../support/seed";

// The production server answers /v1 itself (the fast lane, FAST_LANE=on) or through Next.js's
// route handlers (FAST_LANE=off). Both call the same handlers; here every kind of answer is
// asked of both and compared: status, the headers a client acts on, and the bytes.

/** Headers that differ by nature (dates, ids) or only name Next's own caching (`vary: rsc…`). */
const IGNORED_HEADERS = new Set(["date", "x-request-id", "vary", "keep-alive"]);

const FIXED = { id: "chatcmpl-parity", created: 1_700_000_000 };

function comparable(captured: Captured): { status: number; headers: Record<string, string>; body: string } {
  const headers = Object.fromEntries(Object.entries(captured.headers).filter(([name]) => !IGNORED_HEADERS.has(name)));
  return { status: captured.status, headers, body: captured.body.replaceAll(/req_[0-9a-f]{32}/g, "req_…") };
}

describe("the fast lane and Next's route handlers answer alike", () => {
  const lanes: { name: string; gw: Gateway; key: string }[] = [];

  before(async () => {
    for (const mode of ["on", "off"]) {
      let key = "";
      const gw = await startGateway({
        env: { FAST_LANE: mode, MAX_REQUEST_BYTES: "4096" },
        async seed(s) {
          await s.group("par", ["par-model"]);
          await s.group("par-down", ["par-down-model"]);
          await s.group("par/slash", ["par-slash-model"]);
          await s.group("par-abort", ["par-abort-model"]);
          key = await s.key("parity", { groups: ["par", "par-down", "par/slash", "par-abort"] });
        },
      });
      gw.mock.setBehavior("par-model", { ...FIXED, chunks: ["Hel", "lo", " there"] });
      gw.mock.setBehavior("par-down-model", { status: 503 });
      gw.mock.setBehavior("par-abort-model", { chunks: ["a", "b", "c", "d"], chunkDelayMs: 300 });
      lanes.push({ name: mode, gw, key });
    }
  });

  after(async () => {
    await Promise.all(lanes.map(({ gw }) => gw.stop()));
  });

  async function both(ask: (gw: Gateway, key: string) => Promise<Captured>): Promise<Captured[]> {
    const answers: Captured[] = [];
    for (const { gw, key } of lanes) answers.push(await ask(gw, key));
    for (const answer of answers) assert.match(answer.requestId ?? "", REQUEST_ID_PATTERN);
    assert.deepEqual(comparable(answers[0]!), comparable(answers[1]!));
    return answers;
  }

  const chatBody = (stream: boolean) =>
    JSON.stringify({ model: "par", stream, messages: [{ role: "user", content: "hi" }] });

  it("answers a chat completion, a stream and the model list with the same bytes", async () => {
    const [json] = await both((gw, key) => gw.send("POST", "/v1/chat/completions", chatBody(false), { key }));
    assert.equal(json!.status, 200);
    assert.equal(json!.headers["content-length"], String(Buffer.byteLength(json!.body)));
    const [stream] = await both((gw, key) =>
      gw.send("POST", "/v1/chat/completions", chatBody(true), { key, headers: { "accept-encoding": "gzip, br" } }),
    );
    assert.equal(stream!.headers["content-type"], "text/event-stream; charset=utf-8");
    assert.equal(stream!.headers["content-encoding"], undefined, "streams are never compressed");
    assert.match(stream!.body, /data: \[DONE\]/);
    await both((gw, key) => gw.send("GET", "/v1/models", undefined, { key }));
    await both((gw, key) => gw.send("GET", "/v1/models/par%2Fslash", undefined, { key }));
    await both((gw, key) => gw.send("GET", "/v1/models/par/slash", undefined, { key }));
    await both((gw, key) => gw.send("GET", "/v1/models/nope", undefined, { key }));
    await Promise.all(lanes.map(({ gw }) => gw.settle()));
  });

  it("rejects alike: no key, bad JSON, an unknown group, an unknown route, a body over the limit", async () => {
    await both((gw) => gw.send("POST", "/v1/chat/completions", chatBody(false), { key: null }));
    await both((gw, key) => gw.send("POST", "/v1/chat/completions", "{not json", { key }));
    await both((gw, key) =>
      gw.send("POST", "/v1/chat/completions", JSON.stringify({ model: "nope", messages: [] }), { key }),
    );
    await both((gw, key) => gw.send("POST", "/v1/batches", "{}", { key }));
    // A served API's 400 leaves a log row like a chat completion's.
    const embeddings = await both((gw, key) => gw.send("POST", "/v1/embeddings", "{}", { key }));
    embeddings.forEach((answer, index) => lanes[index]!.gw.track(answer.requestId));
    await both((gw, key) => gw.send("DELETE", "/v1/files/file-1", undefined, { key }));
    for (const [method, path, allowed] of [
      ["GET", "/v1/chat/completions", "POST"],
      ["GET", "/v1/embeddings", "POST"],
      ["POST", "/v1/models", "GET"],
      ["DELETE", "/v1/models/par", "GET"],
    ] as const) {
      const [refused] = await both((gw, key) => gw.send(method, path, method === "POST" ? "{}" : undefined, { key }));
      assert.equal(refused!.status, 405, `${method} ${path}`);
      assert.equal(refused!.headers.allow, allowed);
      assert.equal(JSON.parse(refused!.body).error.code, "method_not_allowed");
    }
    const big = JSON.stringify({ model: "par", messages: [{ role: "user", content: "x".repeat(5000) }] });
    const [tooLarge] = await both((gw, key) => gw.send("POST", "/v1/chat/completions", big, { key }));
    assert.equal(tooLarge!.status, 413);
    const [down] = await both((gw, key) =>
      gw.send(
        "POST",
        "/v1/chat/completions",
        JSON.stringify({ model: "par-down", messages: [{ role: "user", content: "hi" }] }),
        { key },
      ),
    );
    assert.ok(down!.status >= 500, down!.body);
    await Promise.all(lanes.map(({ gw }) => gw.settle()));
  });

  it("cancels the upstream request when the client goes away mid-stream, on both", async () => {
    for (const { name, gw, key } of lanes) {
      const client = gw.stream(key, { model: "par-abort", stream: true, messages: [{ role: "user", content: "hi" }] });
      await client.waitForText((text) => text.includes('"content":"a"'));
      client.abort();
      const call = gw.mock.callsFor("par-abort-model").at(-1)!;
      await gw.mock.waitFor(
        () => call.aborted,
        5_000,
        () => `the upstream to see the abort (lane ${name})`,
      );
      await gw.settle();
    }
  });

  it("serves the openai SDK the same through both", async () => {
    const answers: string[] = [];
    for (const { gw, key } of lanes) {
      const client = new OpenAI({ apiKey: key, baseURL: `${gw.baseUrl}/v1`, maxRetries: 0 });
      const completion = await client.chat.completions.create({
        model: "par",
        messages: [{ role: "user", content: "hi" }],
      });
      const stream = await client.chat.completions.create({
        model: "par",
        stream: true,
        messages: [{ role: "user", content: "hi" }],
      });
      let text = "";
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
      answers.push(`${completion.choices[0]?.message.content}|${text}`);
      await gw.settle();
    }
    assert.deepEqual(answers, ["Hello there|Hello there", "Hello there|Hello there"]);
  });
});
