/**
 * The benchmark's floor: the least a Node `http` pass-through proxy can do. No auth, no
 * routing, no parsing: the request is piped to one upstream over a keep-alive pool and the
 * answer piped back, minus hop-by-hop headers. A client that goes away destroys the
 * upstream request, so the abort test has a reference too.
 *
 *   node --import tsx scripts/bench/raw-proxy.ts --port 0 --upstream http://127.0.0.1:PORT
 *
 * prints `{"port":N}` on stdout, listens on 127.0.0.1, and stops on SIGTERM/SIGINT or when
 * its parent goes away.
 */
import http, { type IncomingHttpHeaders, type OutgoingHttpHeaders } from "node:http";
import { pathToFileURL } from "node:url";

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "host",
]);

function forwardable(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const name in headers) if (!HOP_BY_HOP.has(name)) out[name] = headers[name];
  return out;
}

export interface RawProxy {
  port: number;
  close(): Promise<void>;
}

export async function startRawProxy(upstream: string, port = 0): Promise<RawProxy> {
  const target = new URL(upstream);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 512, maxFreeSockets: 64, scheduling: "lifo" });
  const server = http.createServer((req, res) => {
    const upstreamReq = http.request({
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: forwardable(req.headers),
      agent,
    });
    upstreamReq.on("response", (upstreamRes) => {
      res.writeHead(upstreamRes.statusCode ?? 502, forwardable(upstreamRes.headers));
      upstreamRes.pipe(res);
      upstreamRes.on("error", () => res.destroy());
    });
    upstreamReq.on("error", () => {
      if (!res.headersSent) {
        res.writeHead(502, { "content-type": "application/json" });
        res.end('{"error":{"message":"upstream failed","type":"server_error","param":null,"code":null}}');
      } else res.destroy();
    });
    // The client left before the answer was complete: cancel the upstream request.
    res.on("close", () => {
      if (!res.writableFinished) upstreamReq.destroy();
    });
    req.pipe(upstreamReq);
  });
  server.keepAliveTimeout = 75_000;
  server.headersTimeout = 80_000;
  server.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === "object" && address ? address.port : 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}

function flag(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

async function runStandalone(): Promise<void> {
  const upstream = flag("--upstream");
  if (!upstream) {
    console.error("usage: raw-proxy.ts --upstream http://127.0.0.1:PORT [--port N]");
    process.exit(2);
  }
  const proxy = await startRawProxy(upstream, Number(flag("--port") ?? 0));
  process.stdout.write(`${JSON.stringify({ port: proxy.port })}\n`);
  const stop = (): void => void proxy.close().then(() => process.exit(0));
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stop();
  }, 1_000).unref();
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runStandalone().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
