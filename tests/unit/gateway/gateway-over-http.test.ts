import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import { handleChatCompletions } from "../../../lib/gateway/chat-completions";
import { createOutboundClient } from "../../../lib/http/outbound";
import { completionBody, contentChunk, sseData } from "./fake-upstream";
import { HELLO, chatRequest, makeProvider, makeRuntime, makeSnapshot, waitFor } from "./gateway-fixture";

/** The core wired to the real outbound client, against a loopback mock provider. */
let server: http.Server;
let baseUrl = "";
let deadBaseUrl = "";
const openSockets = new Set<Socket>();
const seen: { url: string; authorization: string | undefined; body: string }[] = [];
let mode: "stream" | "stall-after-first" | "json" = "stream";

const STREAM_BYTES = [
  sseData(contentChunk("Hel"), "\r\n"),
  ": comment\r\n\r\n",
  sseData(contentChunk("lo"), "\r\n"),
  "data: [DONE]\r\n\r\n",
];

before(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      seen.push({ url: req.url ?? "", authorization: req.headers.authorization, body });
      if (mode === "json") {
        res.writeHead(200, { "content-type": "application/json" }).end(completionBody("Hi"));
        return;
      }
      res.writeHead(200, { "content-type": "text/event-stream" });
      if (mode === "stall-after-first") {
        res.write(sseData(contentChunk("first")));
        return;
      }
      let index = 0;
      const timer = setInterval(() => {
        res.write(STREAM_BYTES[index]!);
        index += 1;
        if (index === STREAM_BYTES.length) {
          clearInterval(timer);
          res.end();
        }
      }, 5);
    });
  });
  server.on("connection", (socket) => {
    openSockets.add(socket);
    socket.on("close", () => openSockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  const dead = http.createServer();
  await new Promise<void>((resolve) => dead.listen(0, "127.0.0.1", resolve));
  deadBaseUrl = `http://127.0.0.1:${(dead.address() as AddressInfo).port}/v1`;
  await new Promise<void>((resolve) => dead.close(() => resolve()));
});

after(() => {
  for (const socket of openSockets) socket.destroy();
  server.close();
});

function setup(firstTokenTimeoutMs = 2_000) {
  const client = createOutboundClient();
  const snapshot = makeSnapshot({
    providers: [makeProvider(1, { baseUrl: deadBaseUrl }), makeProvider(2, { baseUrl })],
    members: [
      { providerId: 1, priority: 1, weight: 1 },
      { providerId: 2, priority: 2, weight: 1 },
    ],
    settings: { firstTokenTimeoutMs, connectTimeoutMs: 500 },
  });
  return { client, ...makeRuntime(snapshot, client.send) };
}

describe("gateway over real HTTP", () => {
  it("fails over from a refused connection and relays the stream byte for byte", async () => {
    mode = "stream";
    const { runtime, logs, client } = setup();
    const response = await handleChatCompletions(chatRequest({ ...HELLO, stream: true }), runtime);
    assert.equal(await response.text(), STREAM_BYTES.join(""));
    await waitFor(() => logs.length === 1);
    assert.deepEqual(
      logs[0]!.attempts.map((a) => [a.providerId, a.outcome, a.reason]),
      [
        [1, "failed", "connection refused"],
        [2, "ok", null],
      ],
    );
    const call = seen[seen.length - 1]!;
    assert.equal(call.url, "/v1/chat/completions");
    assert.equal(call.authorization, "Bearer sk-upstream-canary-2");
    client.destroy();
  });

  it("relays a JSON answer unchanged", async () => {
    mode = "json";
    const { runtime, client } = setup();
    const response = await handleChatCompletions(chatRequest(HELLO), runtime);
    assert.equal(await response.text(), completionBody("Hi"));
    client.destroy();
  });

  it("closes the upstream connection at once when the client disconnects mid-stream", async () => {
    mode = "stall-after-first";
    const { runtime, logs, client } = setup();
    const controller = new AbortController();
    const response = await handleChatCompletions(
      chatRequest({ ...HELLO, stream: true }, { signal: controller.signal }),
      runtime,
    );
    const reader = response.body!.getReader();
    await reader.read();
    assert.equal(openSockets.size > 0, true);
    const abortedAt = Date.now();
    controller.abort();
    await waitFor(() => openSockets.size === 0, 1_000);
    assert.ok(Date.now() - abortedAt < 1_000);
    await waitFor(() => logs.length === 1);
    assert.equal(logs[0]!.status, 499);
    client.destroy();
  });

  it("ends a stalled committed stream with an error event after the idle limit", async () => {
    mode = "stall-after-first";
    const { runtime, logs, client } = setup(100);
    const text = await (await handleChatCompletions(chatRequest({ ...HELLO, stream: true }), runtime)).text();
    assert.match(text, /upstream_timeout/);
    assert.ok(!text.includes("data: [DONE]"));
    await waitFor(() => logs.length === 1);
    assert.equal(logs[0]!.isIncomplete, true);
    client.destroy();
  });
});
