import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo, LookupFunction, Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import { createOutboundClient, isOutboundError, type OutboundErrorCode } from "../../../lib/http/outbound";

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

const routes = new Map<string, Handler>();
let server: http.Server;
let base = "";
let port = 0;
let connections = 0;
const openSockets = new Set<Socket>();

before(async () => {
  server = http.createServer((req, res) => {
    const handler = routes.get(req.url ?? "");
    if (handler) handler(req, res);
    else res.writeHead(404).end();
  });
  server.on("connection", (socket) => {
    connections += 1;
    openSockets.add(socket);
    socket.on("close", () => openSockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});

after(() => {
  for (const socket of openSockets) socket.destroy();
  server.close();
});

/** Resolves chosen names to chosen addresses; everything else fails like NXDOMAIN. */
function lookupFrom(table: Record<string, string>, delayMs = 0): LookupFunction {
  const lookup = (hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void): void => {
    const address = table[hostname];
    setTimeout(() => {
      if (!address) return callback(Object.assign(new Error("not found"), { code: "ENOTFOUND" }));
      const family = address.includes(":") ? 6 : 4;
      if (options.all) callback(null, [{ address, family }]);
      else callback(null, address, family);
    }, delayMs);
  };
  return lookup as unknown as LookupFunction;
}

function get(client: ReturnType<typeof createOutboundClient>, url: string, signal = new AbortController().signal) {
  return client.send({ url, method: "GET", headers: {}, connectTimeoutMs: 500, signal });
}

async function rejectsWith(promise: Promise<unknown>, code: OutboundErrorCode): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isOutboundError(error), `expected an OutboundError, got ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  });
}

async function readAll(body: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString();
}

describe("outbound send", () => {
  it("posts a body and streams the answer chunk by chunk", async () => {
    routes.set("/echo", (req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        res.writeHead(200, { "content-type": "text/plain", "x-seen-auth": req.headers.authorization ?? "" });
        res.write("got:");
        setTimeout(() => res.end(body), 10);
      });
    });
    const client = createOutboundClient();
    const response = await client.send({
      url: `${base}/echo`,
      method: "POST",
      headers: { authorization: "Bearer k", "content-type": "application/json" },
      body: '{"a":"é"}',
      connectTimeoutMs: 500,
      signal: new AbortController().signal,
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers["x-seen-auth"], "Bearer k");
    assert.equal(await readAll(response.body), 'got:{"a":"é"}');
    client.destroy();
  });

  it("reuses one keep-alive socket for sequential requests", async () => {
    routes.set("/small", (_req, res) => res.end("ok"));
    const client = createOutboundClient();
    const before = connections;
    for (let i = 0; i < 3; i += 1) {
      const response = await get(client, `${base}/small`);
      assert.equal(await readAll(response.body), "ok");
    }
    assert.equal(connections - before, 1);
    client.destroy();
  });

  it("reports a refused connection as connection_refused", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await rejectsWith(get(createOutboundClient(), `http://127.0.0.1:${deadPort}/`), "connection_refused");
  });

  it("gives up with connect_timeout when connecting takes too long", async () => {
    const client = createOutboundClient({ lookup: lookupFrom({ "slow.test": "127.0.0.1" }, 300) });
    const started = Date.now();
    await rejectsWith(
      client.send({
        url: `http://slow.test:${port}/small`,
        method: "GET",
        headers: {},
        connectTimeoutMs: 50,
        signal: new AbortController().signal,
      }),
      "connect_timeout",
    );
    assert.ok(Date.now() - started < 250);
  });

  it("does not time out a connection that completed while the event loop was stalled", async () => {
    routes.set("/after-stall", (_req, res) => res.end("ok"));
    const client = createOutboundClient();
    const pending = client.send({
      url: `${base}/after-stall`,
      method: "GET",
      headers: {},
      connectTimeoutMs: 20,
      signal: new AbortController().signal,
    });
    // A busy process, right after the socket was assigned (and its timer started): the kernel
    // completes the connect meanwhile, but the timer and the connect callback only run after
    // the stall, the expired timer first.
    await new Promise<void>((resolve) =>
      process.nextTick(() => {
        const until = Date.now() + 150;
        while (Date.now() < until) {
          // spin
        }
        resolve();
      }),
    );
    assert.equal(await readAll((await pending).body), "ok");
    client.destroy();
  });

  it("does not count the wait for a free pooled socket as connect time", async () => {
    routes.set("/hold", (_req, res) => setTimeout(() => res.end("held"), 300));
    routes.set("/small", (_req, res) => res.end("ok"));
    const client = createOutboundClient({ maxSocketsPerOrigin: 1 });
    const first = get(client, `${base}/hold`);
    // Queued behind /hold for ~300 ms, far past its 50 ms connect timeout.
    const queued = client.send({
      url: `${base}/small`,
      method: "GET",
      headers: {},
      connectTimeoutMs: 50,
      signal: new AbortController().signal,
    });
    assert.equal(await readAll((await first).body), "held");
    assert.equal(await readAll((await queued).body), "ok");
    client.destroy();
  });

  it("holds as many streams open to one origin as there are requests (a thousand clients of one provider)", async () => {
    const held: http.ServerResponse[] = [];
    const release = (): void => {
      for (const res of held) res.end("done");
    };
    let releaseTimer: NodeJS.Timeout | undefined;
    routes.set("/stream", (_req, res) => {
      res.writeHead(200);
      res.write("first");
      held.push(res);
      if (held.length === STREAMS_AT_ONCE) release();
      // Without every stream open at once this never happens: the test fails by timeout below.
      else if (releaseTimer === undefined) releaseTimer = setTimeout(release, 10_000);
    });
    const client = createOutboundClient();
    const STREAMS_AT_ONCE = 600;
    const startedAt = Date.now();
    const open = () =>
      client.send({
        url: `${base}/stream`,
        method: "GET",
        headers: {},
        connectTimeoutMs: 5_000,
        signal: new AbortController().signal,
      });
    const bodies = await Promise.all(
      Array.from({ length: STREAMS_AT_ONCE }, () => open().then((response) => readAll(response.body))),
    );
    clearTimeout(releaseTimer);
    assert.ok(bodies.every((body) => body === "firstdone"));
    assert.ok(
      Date.now() - startedAt < 8_000,
      `all ${STREAMS_AT_ONCE} streams were open together (took ${Date.now() - startedAt} ms)`,
    );
    client.destroy();
  });

  const blocked = [
    "http://169.254.169.254/latest/meta-data/",
    "http://0xa9fea9fe/",
    "http://2852039166/",
    "http://0251.0376.0251.0376/",
    "http://169.254.169.254.:80/",
    "http://[::ffff:169.254.169.254]/",
    "http://[::ffff:a9fe:a9fe]/",
    "http://[fd00:ec2::254]/",
    "http://[fe80::1]/",
    "http://100.100.100.200/",
  ];
  for (const url of blocked) {
    it(`refuses the metadata address ${url} before connecting`, async () => {
      await rejectsWith(get(createOutboundClient(), url), "address_blocked");
    });
  }

  it("refuses a name that resolves to a metadata address", async () => {
    const client = createOutboundClient({
      lookup: lookupFrom({ "metadata.test": "169.254.169.254", "mapped.test": "::ffff:169.254.169.254" }),
    });
    await rejectsWith(get(client, "http://metadata.test/"), "address_blocked");
    await rejectsWith(get(client, "http://mapped.test/"), "address_blocked");
  });

  it("allows loopback by name and by address (local model servers)", async () => {
    const client = createOutboundClient({ lookup: lookupFrom({ "local-llm.test": "127.0.0.1" }) });
    assert.equal(await readAll((await get(client, `http://local-llm.test:${port}/small`)).body), "ok");
    assert.equal(await readAll((await get(client, `${base}/small`)).body), "ok");
    client.destroy();
  });

  it("refuses other schemes and credentials in the URL", async () => {
    await rejectsWith(get(createOutboundClient(), "file:///etc/passwd"), "unsupported_scheme");
    await rejectsWith(get(createOutboundClient(), `http://user:pass@127.0.0.1:${port}/small`), "credentials_in_url");
    await rejectsWith(get(createOutboundClient(), "not a url"), "invalid_url");
  });

  it("aborting before the headers destroys the connection at once", async () => {
    let serverSawClose = false;
    routes.set("/stall", (req) => req.socket.on("close", () => (serverSawClose = true)));
    const controller = new AbortController();
    const pending = get(createOutboundClient(), `${base}/stall`, controller.signal);
    setTimeout(() => controller.abort(), 20);
    await rejectsWith(pending, "aborted");
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(serverSawClose, true);
  });

  it("aborting mid-body fails the pending read with aborted", async () => {
    routes.set("/trickle", (_req, res) => {
      res.writeHead(200);
      res.write("first");
    });
    const controller = new AbortController();
    const response = await get(createOutboundClient(), `${base}/trickle`, controller.signal);
    const iterator = response.body[Symbol.asyncIterator]();
    assert.equal(Buffer.from((await iterator.next()).value as Uint8Array).toString(), "first");
    const next = iterator.next();
    controller.abort();
    await rejectsWith(next, "aborted");
  });

  it("reports a reset mid-body as connection_reset", async () => {
    routes.set("/reset", (req, res) => {
      res.writeHead(200);
      res.write("partial");
      setTimeout(() => req.socket.destroy(), 10);
    });
    const response = await get(createOutboundClient(), `${base}/reset`);
    await rejectsWith(readAll(response.body), "connection_reset");
  });

  it("close() before the end destroys the socket", async () => {
    let serverSawClose = false;
    routes.set("/long", (req, res) => {
      req.socket.on("close", () => (serverSawClose = true));
      res.writeHead(200);
      res.write("x");
    });
    const response = await get(createOutboundClient(), `${base}/long`);
    response.close();
    response.close();
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(serverSawClose, true);
  });
});

describe("outbound getJson", () => {
  before(() => {
    routes.set("/json", (req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: true, auth: req.headers.authorization ?? null }));
    });
    for (let i = 1; i <= 4; i += 1) {
      routes.set(`/r${i}`, (_req, res) => res.writeHead(302, { location: i === 4 ? "/json" : `/r${i + 1}` }).end());
    }
    routes.set("/to-metadata", (_req, res) => res.writeHead(307, { location: "http://169.254.169.254/latest" }).end());
    routes.set("/to-other-origin", (_req, res) =>
      res.writeHead(302, { location: `http://localhost:${port}/json` }).end(),
    );
    routes.set("/big", (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write(`{"data":"${"x".repeat(5_000)}`);
      res.end(`${"y".repeat(5_000)}"}`);
    });
    routes.set("/html", (_req, res) => res.writeHead(200, { "content-type": "text/html" }).end("<html></html>"));
    routes.set("/unauthorized", (_req, res) =>
      res.writeHead(401, { "content-type": "application/json" }).end('{"error":{"message":"bad key"}}'),
    );
    routes.set("/slow-json", (_req, res) =>
      setTimeout(() => res.writeHead(200, { "content-type": "application/json" }).end("{}"), 500),
    );
  });

  it("reads a JSON document", async () => {
    const result = await createOutboundClient().getJson(`${base}/json`);
    assert.deepEqual(result, { status: 200, url: `${base}/json`, data: { ok: true, auth: null } });
  });

  it("follows up to three redirects", async () => {
    const result = await createOutboundClient().getJson(`${base}/r2`);
    assert.equal(result.url, `${base}/json`);
  });

  it("refuses a fourth redirect", async () => {
    await rejectsWith(createOutboundClient().getJson(`${base}/r1`), "too_many_redirects");
  });

  it("re-checks every redirect against the address policy", async () => {
    await rejectsWith(createOutboundClient().getJson(`${base}/to-metadata`), "address_blocked");
  });

  it("drops the Authorization header on a cross-origin redirect", async () => {
    const result = await createOutboundClient().getJson(`${base}/to-other-origin`, {
      headers: { authorization: "Bearer secret" },
    });
    assert.deepEqual(result.data, { ok: true, auth: null });
    const same = await createOutboundClient().getJson(`${base}/json`, { headers: { authorization: "Bearer secret" } });
    assert.deepEqual(same.data, { ok: true, auth: "Bearer secret" });
  });

  it("stops reading past maxBytes", async () => {
    await rejectsWith(createOutboundClient().getJson(`${base}/big`, { maxBytes: 1_000 }), "response_too_large");
  });

  it("refuses a body that is not JSON", async () => {
    await rejectsWith(createOutboundClient().getJson(`${base}/html`), "not_json");
  });

  it("returns a JSON error status for the caller to judge", async () => {
    const result = await createOutboundClient().getJson(`${base}/unauthorized`);
    assert.equal(result.status, 401);
  });

  it("enforces its overall time limit", async () => {
    await rejectsWith(createOutboundClient().getJson(`${base}/slow-json`, { timeoutMs: 50 }), "timeout");
  });
});
