import cluster from "node:cluster";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import next from "next";
import { toErrorResponse, GatewayError } from "../lib/gateway/errors";
import { createRequestId } from "../lib/gateway/request-id";
import type { Env } from "../lib/env";
import { bootOrExit } from "../lib/server/boot";
import { getServerState } from "../lib/server/state";
import { routeApiRequest, serveApiRequest } from "./fast-lane";
import { GatewayResponse } from "./gateway-response";
import { sendWebResponse } from "./http-bridge";
import { errorText, getLogger } from "../lib/logger";

const SHUTDOWN_KEY = Symbol.for("ai-provider-api-server.shutdown");

/**
 * One serving process: a plain node:http server in front of Next.js, so the gateway controls
 * keep-alive (load balancers keep connections longer than Next's 5 s) and graceful shutdown
 * (stop accepting, let live streams finish, flush logs, exit 0). With FAST_LANE=on (the
 * default) it answers /v1 itself with the same handlers the app/v1 route handlers call,
 * before Next's router; everything else (dashboard, /api, /metrics) goes to Next.js.
 */
export async function serveWorker(root: string, env: Env): Promise<void> {
  (process.env as Record<string, string>).NODE_ENV = "production";
  const app = next({ dev: false, dir: root, hostname: env.HOST, port: env.PORT });
  const handleWithNext = app.getRequestHandler();
  await app.prepare();
  // The server state (migrations, defaults, admin, config) is one instance on globalThis,
  // booted by whichever comes first: instrumentation.ts or this line. A failure is one line
  // ("Cannot start: …") and exit 1, never a stack trace.
  await bootOrExit();
  const { runtime } = await getServerState();
  const isFastLane = env.FAST_LANE === "on";

  let isDraining = false;
  let active = 0;

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    if (isDraining) {
      refuseWhileDraining(res);
      return;
    }
    active += 1;
    res.once("close", () => {
      active -= 1;
    });
    const handler = isFastLane && req.url?.startsWith("/v1/") ? routeApiRequest(req.method ?? "GET", req.url) : null;
    if (handler) void serveApiRequest(req, res, handler, runtime);
    else void handleWithNext(req, res);
  };

  const server = createServer({ ServerResponse: GatewayResponse }, onRequest);
  server.keepAliveTimeout = 75_000;
  server.headersTimeout = 80_000;
  server.requestTimeout = 0;

  // A burst of new connections (1,000 clients at once) must wait in the accept queue, not be
  // dropped: Node's default backlog is 511 (the kernel caps it at net.core.somaxconn).
  server.listen({ port: env.PORT, host: env.HOST, backlog: 2048 }, () => {
    if (cluster.isWorker)
      getLogger().info({ worker: cluster.worker?.id }, `Worker ${cluster.worker?.id} (pid ${process.pid}) serving`);
    else
      getLogger().info(
        { host: env.HOST, port: env.PORT },
        `AI Provider API Server listening on http://${env.HOST}:${env.PORT}`,
      );
  });

  const shutdown = async (signal: string): Promise<void> => {
    if (isDraining) return;
    isDraining = true;
    getLogger().info(
      { signal, inFlight: active },
      `${signal} received: refusing new requests, draining ${active} in flight`,
    );
    server.close();
    server.closeIdleConnections();
    const deadline = Date.now() + env.SHUTDOWN_DRAIN_MS;
    while (active > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    server.closeAllConnections();
    const flush = (globalThis as Record<symbol, unknown>)[SHUTDOWN_KEY];
    if (typeof flush === "function") {
      try {
        await flush();
      } catch (error) {
        getLogger().error({ error: errorText(error) }, `Flushing on shutdown failed: ${errorText(error)}`);
      }
    }
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));

  // Next.js keeps the process alive after an uncaught exception (and logs unhandled rejections
  // as "unhandledRejection:"); one recognisable line makes either countable in the output.
  process.on("uncaughtExceptionMonitor", (error, origin) => {
    getLogger().error({ err: error, origin }, `Uncaught exception (${origin})`);
  });
}

function refuseWhileDraining(res: ServerResponse): void {
  const response = toErrorResponse(
    new GatewayError("server_shutting_down", "The server is shutting down; retry on another instance."),
    createRequestId(),
  );
  void sendWebResponse(res, response, { connection: "close", "retry-after": "1" });
}
