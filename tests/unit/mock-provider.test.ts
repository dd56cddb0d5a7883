import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { Agent, request as httpRequest, type ClientRequest, type IncomingHttpHeaders } from "node:http";
import { after, before, beforeEach, describe, it } from "node:test";
import { MODELS_LIST, startMockProvider, type MockCall, type MockProvider } from "../support/mock-provider";

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  pieces: Buffer[];
  body: string;
  /** False when the connection died before the body ended. */
  isComplete: boolean;
}

interface SendOptions {
  method?: string;
  path?: string;
  body?: unknown;
  headers?: Record<string, string>;
  agent?: Agent | false;
  onData?: (piece: Buffer, request: ClientRequest) => void;
  onRequest?: (request: ClientRequest) => void;
}

/** One exchange over node:http, so the exact bytes and a cut-off body are both visible. */
function send(mock: MockProvider, init: SendOptions = {}): Promise<RawResponse> {
  const body =
    init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body);
  const url = `http://127.0.0.1:${mock.port}${init.path ?? "/v1/chat/completions"}`;
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      url,
      {
        method: init.method ?? "POST",
        headers: { "content-type": "application/json", ...init.headers },
        agent: init.agent ?? false,
      },
      (response) => {
        const pieces: Buffer[] = [];
        response.on("data", (piece: Buffer) => {
          pieces.push(piece);
          init.onData?.(piece, request);
        });
        response.on("error", () => undefined);
        response.on("close", () => {
          const raw = Buffer.concat(pieces);
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            pieces,
            body: raw.toString("utf8"),
            isComplete: response.complete,
          });
        });
      },
    );
    request.on("error", reject);
    init.onRequest?.(request);
    request.end(body);
  });
}

function chat(model: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { model, messages: [{ role: "user", content: "hi" }], ...extra };
}

/** `data:` payloads of an LF-framed stream, parsed unless `[DONE]`. */
function sseData(body: string): unknown[] {
  return body
    .split("\n\n")
    .filter((event) => event.length > 0)
    .map((event) => {
      assert.ok(event.startsWith("data: "), `unexpected event ${event}`);
      const data = event.slice("data: ".length);
      return data === "[DONE]" ? data : (JSON.parse(data) as unknown);
    });
}

function onlyCall(mock: MockProvider): MockCall {
  assert.equal(mock.calls.length, 1);
  const call = mock.calls[0];
  assert.ok(call);
  return call;
}

/** Epoch milliseconds with the mock's precision. */
const now = (): number => performance.timeOrigin + performance.now();

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("mock provider", () => {
  let mock: MockProvider;

  before(async () => {
    mock = await startMockProvider();
  });
  beforeEach(() => mock.reset());
  after(() => mock.close());

  describe("answers", () => {
    it("answers unscripted models with a chat.completion that echoes the model", async () => {
      const response = await send(mock, { body: chat("anything") });
      assert.equal(response.status, 200);
      assert.equal(response.headers["content-type"], "application/json");
      assert.equal(mock.url, `http://127.0.0.1:${mock.port}/v1`);
      const completion = JSON.parse(response.body) as Record<string, unknown>;
      assert.equal(completion.object, "chat.completion");
      assert.equal(completion.model, "anything");
      assert.deepEqual(completion.choices, [
        {
          index: 0,
          message: { role: "assistant", content: "Hello from anything", refusal: null },
          logprobs: null,
          finish_reason: "stop",
        },
      ]);
      assert.deepEqual(completion.usage, { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13 });
    });

    it("serves /chat/completions and /models without the /v1 prefix too", async () => {
      assert.equal((await send(mock, { path: "/chat/completions", body: chat("m") })).status, 200);
      assert.equal((await send(mock, { method: "GET", path: "/models" })).status, 200);
      assert.equal((await send(mock, { method: "GET", path: "/v1/other" })).status, 404);
    });

    it("puts cached tokens, refusals and tool calls into non-stream answers", async () => {
      mock.setBehavior("r", {
        refusal: "I can't",
        usage: { prompt_tokens: 100, completion_tokens: 7, cached_tokens: 40 },
      });
      mock.setBehavior("t", { toolCalls: [{ id: "call_1", name: "lookup", arguments: { q: "x" } }] });
      const refusal = JSON.parse((await send(mock, { body: chat("r") })).body) as {
        choices: unknown[];
        usage: unknown;
      };
      assert.deepEqual(refusal.choices[0], {
        index: 0,
        message: { role: "assistant", content: null, refusal: "I can't" },
        logprobs: null,
        finish_reason: "stop",
      });
      assert.deepEqual(refusal.usage, {
        prompt_tokens: 100,
        completion_tokens: 7,
        total_tokens: 107,
        prompt_tokens_details: { cached_tokens: 40 },
      });
      const tool = JSON.parse((await send(mock, { body: chat("t") })).body) as {
        choices: { message: unknown; finish_reason: string }[];
      };
      assert.equal(tool.choices[0]?.finish_reason, "tool_calls");
      assert.deepEqual(tool.choices[0]?.message, {
        role: "assistant",
        content: null,
        refusal: null,
        tool_calls: [{ id: "call_1", type: "function", function: { name: "lookup", arguments: '{"q":"x"}' } }],
      });
    });

    it("answers a scripted status with its headers and an OpenAI error body", async () => {
      mock.setBehavior("limited", { status: 429, headers: { "retry-after": "7" } });
      const response = await send(mock, { body: chat("limited", { stream: true }) });
      assert.equal(response.status, 429);
      assert.equal(response.headers["retry-after"], "7");
      assert.equal(response.headers["content-type"], "application/json");
      assert.deepEqual(JSON.parse(response.body), {
        error: { message: "Mock upstream error 429", type: "rate_limit_error", param: null, code: null },
      });
    });

    it("sends raw bodies, HTML and redirects", async () => {
      mock.queue(
        "m",
        { body: '{"id":"x",' },
        { html: "<html>oops</html>", status: 200 },
        { redirectTo: "http://169.254.169.254/latest" },
      );
      const truncated = await send(mock, { body: chat("m") });
      assert.equal(truncated.body, '{"id":"x",');
      assert.equal(truncated.headers["content-type"], "text/plain; charset=utf-8");
      const html = await send(mock, { body: chat("m") });
      assert.equal(html.headers["content-type"], "text/html; charset=utf-8");
      assert.equal(html.body, "<html>oops</html>");
      const redirect = await send(mock, { body: chat("m") });
      assert.equal(redirect.status, 302);
      assert.equal(redirect.headers.location, "http://169.254.169.254/latest");
    });

    it("announces the full length but drops a body after truncateAfterBytes", async () => {
      mock.setBehavior("cut", { body: { id: "abcdefghijklmnop" }, truncateAfterBytes: 5 });
      const response = await send(mock, { body: chat("cut") });
      assert.equal(response.headers["content-length"], "25");
      assert.equal(response.body, '{"id"');
      assert.equal(response.isComplete, false);
      assert.equal(onlyCall(mock).destroyedByMock, true);
    });

    it("holds a body open after its first bytes when a non-stream answer stalls", async () => {
      mock.setBehavior("stalled", { stallAfterChunks: 0, truncateAfterBytes: 3 });
      const received: string[] = [];
      const client: { request?: ClientRequest } = {};
      const exchange = send(mock, {
        body: chat("stalled"),
        onRequest: (request) => (client.request = request),
        onData: (piece) => received.push(piece.toString()),
      });
      await mock.waitFor(() => received.length > 0);
      await sleep(100);
      assert.deepEqual(received, ['{"i']);
      const call = onlyCall(mock);
      assert.equal(call.closedAt, null);
      client.request?.destroy();
      assert.equal((await exchange).isComplete, false);
      await mock.waitFor(() => call.aborted);
    });

    it("uses a scripted error object in error bodies", async () => {
      mock.setBehavior("bad", {
        status: 400,
        error: { message: "context_length_exceeded", code: "context_length_exceeded", param: "messages" },
      });
      const response = await send(mock, { body: chat("bad") });
      assert.equal(response.status, 400);
      assert.deepEqual(JSON.parse(response.body), {
        error: {
          message: "context_length_exceeded",
          type: "invalid_request_error",
          param: "messages",
          code: "context_length_exceeded",
        },
      });
    });

    it("delays headers by delayBeforeHeadersMs", async () => {
      mock.setBehavior("slow", { delayBeforeHeadersMs: 150 });
      const startedAt = Date.now();
      const response = await send(mock, { body: chat("slow") });
      assert.equal(response.status, 200);
      assert.ok(Date.now() - startedAt >= 140, `answered after ${Date.now() - startedAt} ms`);
    });
  });

  describe("streams", () => {
    it("streams OpenAI chunks, then finish, usage and [DONE] when include_usage is set", async () => {
      mock.setBehavior("s", {
        chunks: ["Hel", "lo"],
        usage: { prompt_tokens: 5, completion_tokens: 2, cached_tokens: 1 },
      });
      const response = await send(mock, { body: chat("s", { stream: true, stream_options: { include_usage: true } }) });
      assert.equal(response.headers["content-type"], "text/event-stream; charset=utf-8");
      assert.ok(response.body.endsWith("data: [DONE]\n\n"));
      const [role, first, second, finish, usage, done, ...rest] = sseData(response.body) as Record<string, unknown>[];
      assert.equal(rest.length, 0);
      assert.deepEqual(Object.keys(role ?? {}), ["id", "object", "created", "model", "choices"]);
      assert.equal(role?.object, "chat.completion.chunk");
      assert.deepEqual(role?.choices, [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }]);
      assert.deepEqual(first?.choices, [{ index: 0, delta: { content: "Hel" }, finish_reason: null }]);
      assert.deepEqual(second?.choices, [{ index: 0, delta: { content: "lo" }, finish_reason: null }]);
      assert.deepEqual(finish?.choices, [{ index: 0, delta: {}, finish_reason: "stop" }]);
      assert.deepEqual(usage?.choices, []);
      assert.deepEqual(usage?.usage, {
        prompt_tokens: 5,
        completion_tokens: 2,
        total_tokens: 7,
        prompt_tokens_details: { cached_tokens: 1 },
      });
      assert.equal(done, "[DONE]");
      assert.equal(new Set([role?.id, first?.id, usage?.id]).size, 1);
      const call = onlyCall(mock);
      assert.equal(call.streamed, true);
      assert.equal(call.chunksSent, 2);
    });

    it("leaves the usage chunk out without include_usage, when forced off, or when usage is null", async () => {
      mock.queue("u", {}, { includeUsageChunk: false }, { usage: null }, { includeUsageChunk: true });
      const withUsage = { stream: true, stream_options: { include_usage: true } };
      const bodies = [
        chat("u", { stream: true }),
        chat("u", withUsage),
        chat("u", withUsage),
        chat("u", { stream: true }),
      ];
      const counts: number[] = [];
      for (const body of bodies) {
        const events = sseData((await send(mock, { body })).body) as Record<string, unknown>[];
        counts.push(events.filter((event) => Array.isArray(event.choices) && event.choices.length === 0).length);
      }
      assert.deepEqual(counts, [0, 0, 0, 1]);
    });

    it("forces the stream on or off regardless of the request", async () => {
      mock.queue("f", { stream: true }, { stream: false });
      assert.ok((await send(mock, { body: chat("f") })).body.startsWith("data: "));
      assert.equal(
        JSON.parse((await send(mock, { body: chat("f", { stream: true }) })).body).object,
        "chat.completion",
      );
    });

    it("streams reasoning, refusal and tool-call deltas", async () => {
      mock.setBehavior("d", {
        reasoning: ["think"],
        refusal: "no",
        toolCalls: [{ id: "c", name: "f", arguments: "{}" }],
      });
      const events = sseData((await send(mock, { body: chat("d", { stream: true }) })).body) as {
        choices?: { delta: unknown }[];
      }[];
      const deltas = events.slice(1, 4).map((event) => event.choices?.[0]?.delta);
      assert.deepEqual(deltas, [
        { reasoning_content: "think" },
        { refusal: "no" },
        { tool_calls: [{ index: 0, id: "c", type: "function", function: { name: "f", arguments: "{}" } }] },
      ]);
    });

    it("waits chunkDelayMs before every piece", async () => {
      mock.setBehavior("slow", { chunks: ["a", "b", "c"], chunkDelayMs: [30, 40] });
      const startedAt = Date.now();
      await send(mock, { body: chat("slow", { stream: true }) });
      assert.ok(Date.now() - startedAt >= 85, `took ${Date.now() - startedAt} ms`);
    });

    it("drops the connection after resetAfterChunks pieces, delivering what was sent", async () => {
      mock.setBehavior("r", { chunks: ["one", "two", "three"], resetAfterChunks: 2 });
      const response = await send(mock, { body: chat("r", { stream: true }) });
      assert.equal(response.status, 200);
      assert.equal(response.isComplete, false);
      assert.match(response.body, /"two"/);
      assert.doesNotMatch(response.body, /three|\[DONE\]|finish_reason":"stop/);
      const call = onlyCall(mock);
      assert.equal(call.destroyedByMock, true);
      assert.equal(call.aborted, false);
      assert.equal(call.chunksSent, 2);
    });

    it("resets the connection before any header when resetAfterChunks is 0", async () => {
      mock.setBehavior("r0", { resetAfterChunks: 0 });
      await assert.rejects(send(mock, { body: chat("r0", { stream: true }) }), /ECONNRESET|socket hang up/);
    });

    it("stalls after stallAfterChunks pieces with the connection held open", async () => {
      mock.setBehavior("st", { chunks: ["first", "never"], stallAfterChunks: 1 });
      let received = "";
      let abortedAt = 0;
      const exchange = send(mock, {
        body: chat("st", { stream: true }),
        onData: (piece, request) => {
          received += piece.toString();
          if (!received.includes('"first"')) return;
          setTimeout(() => {
            abortedAt = now();
            request.destroy();
          }, 150);
        },
      });
      await mock.waitFor(() => received.includes('"first"'));
      await sleep(100);
      const call = onlyCall(mock);
      assert.equal(call.closedAt, null);
      assert.equal(mock.openConnections, 1);
      assert.doesNotMatch(received, /never/);
      await exchange.catch(() => undefined);
      await mock.waitFor(() => call.closedAt !== null);
      assert.equal(call.aborted, true);
      assert.ok((call.closedAt ?? 0) - abortedAt < 100);
    });

    it("sends an in-band error after inBandErrorAfterChunks pieces and ends without [DONE]", async () => {
      mock.setBehavior("e", {
        chunks: ["ok", "lost"],
        inBandErrorAfterChunks: 1,
        error: { message: "overloaded", code: "overloaded" },
      });
      const response = await send(mock, { body: chat("e", { stream: true }) });
      assert.equal(response.isComplete, true);
      const events = sseData(response.body);
      assert.equal(events.length, 3);
      assert.deepEqual(events[2], {
        error: { message: "overloaded", type: "server_error", param: null, code: "overloaded" },
      });
      assert.doesNotMatch(response.body, /lost|\[DONE\]/);
    });

    it("omits [DONE] when asked", async () => {
      mock.setBehavior("n", { omitDone: true });
      const response = await send(mock, { body: chat("n", { stream: true }) });
      assert.ok(response.body.endsWith('"finish_reason":"stop"}]}\n\n'));
    });
  });

  describe("framing", () => {
    const fixed = { id: "c1", created: 1, chunks: ["Hi"], usage: null };
    const lines = [
      '{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}',
      '{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}',
      '{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}',
      "[DONE]",
    ];
    const cases = {
      lf: lines.map((line) => `data: ${line}\n\n`).join(""),
      crlf: lines.map((line) => `data: ${line}\r\n\r\n`).join(""),
      cr: lines.map((line) => `data: ${line}\r\r`).join(""),
      compact: lines.map((line) => `data:${line}\n\n`).join(""),
      comments: ": mock-provider stream\n\n" + lines.map((line) => `: ping\ndata: ${line}\n\n`).join(""),
      fields: lines.map((line, index) => `event: message\nid: ${index}\ndata: ${line}\n\n`).join(""),
    } as const;

    for (const [framing, expected] of Object.entries(cases)) {
      it(`writes ${framing} framing byte for byte`, async () => {
        mock.setBehavior("m", { ...fixed, framing: framing as keyof typeof cases });
        const response = await send(mock, { body: chat("m", { stream: true }) });
        assert.equal(response.body, expected);
        assert.equal(onlyCall(mock).responseBody, expected);
      });
    }

    it("splits writes at odd byte offsets across events and inside UTF-8 characters", async () => {
      mock.setBehavior("m", { ...fixed, chunks: ["h\u00e9", "\u{1F30D}"], framing: "split" });
      const response = await send(mock, { body: chat("m", { stream: true }) });
      const call = onlyCall(mock);
      const sizes = call.writes.map((write) => Buffer.byteLength(write));
      assert.deepEqual(sizes.slice(0, 6), [1, 3, 7, 13, 5, 11]);
      assert.ok(
        call.writes.some((write) => Buffer.from(write).toString("utf8").includes("\uFFFD")),
        "no write cut a character",
      );
      assert.ok(
        call.writes.some((write) => /\n\nd/.test(Buffer.from(write).toString("latin1"))),
        "no write spans two events",
      );
      assert.ok(response.pieces.length > 1);
      const events = sseData(response.body) as { choices?: { delta: { content?: string } }[] }[];
      assert.deepEqual(
        events.slice(1, 3).map((event) => event.choices?.[0]?.delta.content),
        ["h\u00e9", "\u{1F30D}"],
      );
    });

    it("sends rawSse pieces exactly as given", async () => {
      const raw = ['data: {"a":1}\r\n', "\r\nevent: x\ndata: [DONE]\n\n"];
      mock.setBehavior("raw", { rawSse: raw, chunkDelayMs: 20 });
      const response = await send(mock, { body: chat("raw", { stream: true }) });
      assert.equal(response.body, raw.join(""));
      assert.deepEqual(onlyCall(mock).writes, raw);
    });
  });

  describe("models list", () => {
    it("lists scripted ids, synthesized counts and the scripted models by default", async () => {
      mock.setBehavior("up-a", {});
      const ids = async (): Promise<string[]> => {
        const list = JSON.parse((await send(mock, { method: "GET", path: "/v1/models" })).body) as {
          object: string;
          data: { id: string }[];
        };
        assert.equal(list.object, "list");
        return list.data.map((model) => model.id);
      };
      assert.deepEqual(await ids(), ["up-a"]);
      mock.setModels(["x", "y"]);
      assert.deepEqual(await ids(), ["x", "y"]);
      mock.setModels(3);
      assert.deepEqual(await ids(), ["mock-model-1", "mock-model-2", "mock-model-3"]);
    });

    it("serves a list over 10 MB", async () => {
      mock.setModels(150_000);
      const response = await send(mock, { method: "GET", path: "/v1/models" });
      assert.ok(Buffer.byteLength(response.body) > 10_000_000, `${Buffer.byteLength(response.body)} bytes`);
      assert.equal((JSON.parse(response.body) as { data: unknown[] }).data.length, 150_000);
    });

    it("serves a scripted raw body such as HTML", async () => {
      mock.setBehavior(MODELS_LIST, { html: "<h1>login</h1>" });
      const response = await send(mock, { method: "GET", path: "/v1/models" });
      assert.equal(response.headers["content-type"], "text/html; charset=utf-8");
      assert.equal(response.body, "<h1>login</h1>");
    });
  });

  describe("scripting and recording", () => {
    it("records method, path, lower-cased headers, raw and parsed body and model", async () => {
      const body = chat("rec", { temperature: 0.5 });
      const sentAt = Date.now();
      await send(mock, {
        path: "/v1/chat/completions?x=1",
        body,
        headers: { Authorization: "Bearer sk-up", "X-Trace-Id": "t1" },
      });
      const [call] = mock.callsFor("rec");
      assert.ok(call);
      assert.equal(call.method, "POST");
      assert.equal(call.path, "/v1/chat/completions");
      assert.equal(call.url, "/v1/chat/completions?x=1");
      assert.equal(call.headers.authorization, "Bearer sk-up");
      assert.equal(call.headers["x-trace-id"], "t1");
      assert.equal(call.rawBody, JSON.stringify(body));
      assert.deepEqual(call.body, body);
      assert.equal(call.model, "rec");
      assert.equal(call.aborted, false);
      assert.ok(Math.abs(call.time - sentAt) < 1_000);
      assert.ok(call.closedAt !== null && call.closedAt >= call.time);
      assert.deepEqual(mock.callsFor("other"), []);
    });

    it("consumes queued behaviours in order, falls back to the default, and forgets all on reset", async () => {
      mock.setBehavior("q", { text: "default" });
      mock.queue("q", { text: "first" }, { status: 500 });
      const contents: string[] = [];
      for (let index = 0; index < 3; index++) contents.push((await send(mock, { body: chat("q") })).body);
      assert.match(contents[0] ?? "", /"first"/);
      assert.match(contents[1] ?? "", /Mock upstream error 500/);
      assert.match(contents[2] ?? "", /"default"/);
      mock.setBehavior("*", { text: "wildcard" });
      assert.match((await send(mock, { body: chat("other") })).body, /"wildcard"/);
      mock.reset();
      assert.equal(mock.calls.length, 0);
      assert.equal(mock.callCount, 0);
      assert.match((await send(mock, { body: chat("q") })).body, /Hello from q/);
    });

    it("counts open connections and peak concurrency", async () => {
      mock.setBehavior("c", { delayBeforeHeadersMs: 100 });
      const agent = new Agent({ keepAlive: true, maxSockets: 3 });
      await Promise.all([1, 2, 3].map(() => send(mock, { body: chat("c"), agent })));
      assert.equal(mock.maxConcurrent, 3);
      await mock.waitForOpenConnections(3, 1_000);
      agent.destroy();
      await mock.waitForOpenConnections(0, 1_000);
      await assert.rejects(
        mock.waitForOpenConnections(5, 50),
        /timed out after 50 ms while waiting for 5 open connections \(now 0\)/,
      );
    });

    it("records a client disconnect mid-stream within milliseconds and stops sending", async () => {
      mock.setBehavior("long", { chunks: Array.from({ length: 20 }, (_, index) => `p${index}`), chunkDelayMs: 30 });
      let abortedAt = 0;
      await send(mock, {
        body: chat("long", { stream: true }),
        onData: (piece, request) => {
          if (abortedAt !== 0 || !piece.toString().includes('"p0"')) return;
          abortedAt = now();
          request.destroy();
        },
      }).catch(() => undefined);
      const call = onlyCall(mock);
      await mock.waitFor(() => call.closedAt !== null, 1_000);
      assert.equal(call.aborted, true);
      assert.ok(
        (call.closedAt ?? 0) - abortedAt < 100,
        `closed ${(call.closedAt ?? 0) - abortedAt} ms after the abort`,
      );
      await sleep(100);
      assert.ok(call.chunksSent < 3, `${call.chunksSent} pieces sent`);
    });

    it("keeps up with thousands of plain requests per second", async (context) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 50 });
      const total = 2_000;
      let next = 0;
      const startedAt = performance.now();
      const worker = async (): Promise<void> => {
        while (next++ < total) await send(mock, { body: chat("fast", next % 2 === 0 ? { stream: true } : {}), agent });
      };
      await Promise.all(Array.from({ length: 50 }, worker));
      const seconds = (performance.now() - startedAt) / 1_000;
      agent.destroy();
      context.diagnostic(`${Math.round(total / seconds)} requests/s`);
      assert.equal(mock.callCount, total);
      // A smoke test with room for a busy machine; `npm run bench` measures throughput properly.
      assert.ok(seconds < 10, `${total} requests took ${seconds.toFixed(2)} s`);
    });
  });

  describe("hang and close", () => {
    it("records a client abort of a hung request with its close time", async () => {
      mock.setBehavior("h", { hang: true });
      const client: { request?: ClientRequest } = {};
      const exchange = send(mock, { body: chat("h"), onRequest: (request) => (client.request = request) });
      await mock.waitForCalls(1);
      await sleep(50);
      const call = onlyCall(mock);
      assert.equal(call.closedAt, null);
      assert.equal(mock.activeRequests, 1);
      const abortedAt = now();
      client.request?.destroy();
      await assert.rejects(exchange);
      await mock.waitFor(() => call.closedAt !== null, 1_000);
      assert.equal(call.aborted, true);
      assert.ok(
        (call.closedAt ?? 0) - abortedAt < 100,
        `closed ${(call.closedAt ?? 0) - abortedAt} ms after the abort`,
      );
      assert.equal(mock.activeRequests, 0);
    });

    it("destroys hung requests and clears pending timers on close()", async () => {
      const own = await startMockProvider();
      own.queue("h", { hang: true }, { delayBeforeHeadersMs: 60_000 }, { chunkDelayMs: 60_000 });
      const outcome = (exchange: Promise<RawResponse>): Promise<string> =>
        exchange.then(
          (response) => (response.isComplete ? "complete" : "cut off"),
          (error: Error) => error.message,
        );
      const hung = outcome(send(own, { body: chat("h") }));
      const delayed = outcome(send(own, { body: chat("h") }));
      const streaming = outcome(send(own, { body: chat("h", { stream: true }) }));
      await own.waitFor(() => own.calls.length === 3 && own.calls.some((call) => call.writes.length > 0));
      await sleep(20);
      const startedAt = Date.now();
      await own.close();
      assert.ok(Date.now() - startedAt < 500);
      assert.deepEqual(await Promise.all([hung, delayed, streaming]), ["socket hang up", "socket hang up", "cut off"]);
      assert.equal(own.openConnections, 0);
      assert.ok(own.calls.every((call) => call.destroyedByMock && !call.aborted && call.closedAt !== null));
    });
  });

  it("runs standalone, printing its port, scripted through its control routes", async () => {
    const root = new URL("../..", import.meta.url).pathname;
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "tests/support/mock-provider.ts", "--port", "0", "--behavior", '{"text":"from cli"}'],
      {
        cwd: root,
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const line = await new Promise<string>((resolve) =>
      child.stdout.once("data", (data: Buffer) => resolve(data.toString())),
    );
    const { port } = JSON.parse(line) as { port: number };
    const base = `http://127.0.0.1:${port}`;
    const answer = (await (
      await fetch(`${base}/v1/chat/completions`, { method: "POST", body: JSON.stringify(chat("any")) })
    ).json()) as { choices: { message: { content: string } }[] };
    assert.equal(answer.choices[0]?.message.content, "from cli");
    await fetch(`${base}/__mock/behavior/x`, { method: "PUT", body: JSON.stringify({ status: 503 }) });
    assert.equal(
      (await fetch(`${base}/v1/chat/completions`, { method: "POST", body: JSON.stringify(chat("x")) })).status,
      503,
    );
    const stats = (await (await fetch(`${base}/__mock/stats`)).json()) as { callCount: number };
    assert.equal(stats.callCount, 2);
    child.kill("SIGTERM");
    assert.equal(await exited, 0);
  });
});
