// One serving process: Next's request handler inside a plain node:http server, so the
// gateway controls keep-alive (load balancers keep connections longer than Next's 5 s)
// and graceful shutdown (stop accepting, let live streams finish, flush logs, exit 0).
// Started by scripts/server.mjs, alone or as one of WORKERS cluster workers.
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import cluster from "node:cluster";
import next from "next";
import { GatewayResponse } from "./gateway-response.mjs";

const root = new URL("..", import.meta.url).pathname;
process.env.NODE_ENV = "production";

const host = process.env.HOST || "0.0.0.0";
const port = Number(process.env.PORT || 8001);
const drainMs = Number(process.env.SHUTDOWN_DRAIN_MS || 30_000);
const SHUTDOWN_KEY = Symbol.for("ai-provider-api-server.shutdown");

const app = next({ dev: false, dir: root, hostname: host, port });
const handle = app.getRequestHandler();
await app.prepare();

let isDraining = false;
let active = 0;
const SHUTTING_DOWN = JSON.stringify({
  error: {
    message: "The server is shutting down; retry on another instance.",
    type: "server_error",
    param: null,
    code: "server_shutting_down",
  },
});

const server = createServer({ ServerResponse: GatewayResponse }, (req, res) => {
  if (isDraining) {
    res.writeHead(503, {
      "content-type": "application/json",
      connection: "close",
      "retry-after": "1",
      "x-request-id": `req_${randomBytes(12).toString("hex")}`,
    });
    res.end(SHUTTING_DOWN);
    return;
  }
  active += 1;
  res.once("close", () => {
    active -= 1;
  });
  handle(req, res);
});
server.keepAliveTimeout = 75_000;
server.headersTimeout = 80_000;
server.requestTimeout = 0;

// A burst of new connections (1,000 clients at once) must wait in the accept queue, not be
// dropped: Node's default backlog is 511 (the kernel caps it at net.core.somaxconn).
server.listen({ port, host, backlog: 2048 }, () => {
  if (cluster.isWorker) console.log(`Worker ${cluster.worker.id} (pid ${process.pid}) serving`);
  else console.log(`AI Provider API Server listening on http://${host}:${port}`);
});

async function shutdown(signal) {
  if (isDraining) return;
  isDraining = true;
  console.log(`${signal} received: refusing new requests, draining ${active} in flight`);
  server.close();
  server.closeIdleConnections();
  const deadline = Date.now() + drainMs;
  while (active > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  server.closeAllConnections();
  const flush = globalThis[SHUTDOWN_KEY];
  if (typeof flush === "function") {
    try {
      await flush();
    } catch (error) {
      console.error("Flushing on shutdown failed:", error instanceof Error ? error.message : String(error));
    }
  }
  process.exit(0);
}

process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));

// Next.js keeps the process alive after an uncaught exception (and logs unhandled rejections
// as "unhandledRejection:"); one recognisable line makes either countable in the output.
process.on("uncaughtExceptionMonitor", (error, origin) => {
  console.error(`Uncaught exception (${origin}):`, error);
});
