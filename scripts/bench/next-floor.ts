/**
 * The floor of any gateway built on Next.js route handlers: a throwaway Next 16 app with one
 * route handler, POST /v1/chat/completions, that forwards the body over a keep-alive
 * `node:http` agent and returns the answer (buffered JSON, or the event stream as it comes),
 * served like ours by a plain node:http server around Next's request handler. No auth,
 * routing, parsing, logging or checks: what is left is what Next itself costs per request.
 *
 * Generated into tmp/bench/next-floor and built there (once; rebuilt when this file changes).
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { findFreePort } from "../../tests/support/server";
import { root, type Child } from "./targets";

const ROUTE = `import http from "node:http";

const agent = new http.Agent({ keepAlive: true, maxSockets: 512, maxFreeSockets: 64, scheduling: "lifo" });
// Read at request time: the build evaluates this module without the variable.
let upstream = null;

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function POST(request) {
  upstream ??= new URL(process.env.FLOOR_UPSTREAM);
  const body = Buffer.from(await request.arrayBuffer());
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        path: "/v1/chat/completions",
        method: "POST",
        agent,
        headers: { "content-type": "application/json", authorization: request.headers.get("authorization") ?? "", "content-length": body.length },
      },
      (res) => {
        const type = res.headers["content-type"] ?? "application/json";
        if (type.startsWith("text/event-stream")) {
          const stream = new ReadableStream({
            start(controller) {
              res.on("data", (chunk) => controller.enqueue(chunk));
              res.on("end", () => controller.close());
              res.on("error", (error) => controller.error(error));
            },
            cancel() {
              res.destroy();
            },
          });
          resolve(new Response(stream, { status: res.statusCode, headers: { "content-type": type, "cache-control": "no-cache, no-transform" } }));
          return;
        }
        const chunks = [];
        res.on("data", (chunk) => chunks.push(chunk));
        res.on("end", () => resolve(new Response(Buffer.concat(chunks), { status: res.statusCode, headers: { "content-type": type } })));
      },
    );
    req.on("error", () => resolve(new Response('{"error":{"message":"upstream failed"}}', { status: 502 })));
    request.signal.addEventListener("abort", () => req.destroy(), { once: true });
    req.end(body);
  });
}
`;

const SERVER = `import { createServer } from "node:http";
import next from "next";

const dir = new URL(".", import.meta.url).pathname;
const port = Number(process.env.PORT);
const app = next({ dev: false, dir, hostname: "127.0.0.1", port });
const handle = app.getRequestHandler();
await app.prepare();
const server = createServer((req, res) => handle(req, res));
server.keepAliveTimeout = 75_000;
server.headersTimeout = 80_000;
server.requestTimeout = 0;
server.listen({ port, host: "127.0.0.1", backlog: 2048 }, () => console.log("listening"));
process.on("SIGTERM", () => process.exit(0));
`;

const FILES: Record<string, string> = {
  "package.json": JSON.stringify({ name: "next-floor", private: true, type: "module" }, null, 2),
  "next.config.mjs": "export default { compress: false, poweredByHeader: false };\n",
  "app/layout.js": "export default function Layout({ children }) { return children; }\n",
  "app/v1/chat/completions/route.js": ROUTE,
  "server.mjs": SERVER,
};

export const floorDir = join(root, "tmp", "bench", "next-floor");

/** Writes and builds the floor app unless an identical build exists. */
export function ensureFloorBuild(log: (line: string) => void): void {
  const hash = createHash("sha256")
    .update(JSON.stringify(FILES))
    .update(readFileSync(join(root, "node_modules/next/package.json")))
    .digest("hex");
  const stamp = join(floorDir, ".next", "floor-hash");
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === hash) return;
  for (const [path, text] of Object.entries(FILES)) {
    mkdirSync(join(floorDir, path, ".."), { recursive: true });
    writeFileSync(join(floorDir, path), text);
  }
  log("building the Next.js floor app (bare route handler)…");
  const result = spawnSync(process.execPath, [join(root, "node_modules/next/dist/bin/next"), "build", floorDir], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production", NEXT_DIST_DIR: "" },
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`the floor app did not build:\n${result.stdout}\n${result.stderr}`);
  writeFileSync(stamp, hash);
}

export async function startFloor(upstreamPort: number): Promise<{ child: Child; port: number }> {
  const port = await findFreePort();
  const proc = spawn(process.execPath, [join(floorDir, "server.mjs")], {
    cwd: floorDir,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      PORT: String(port),
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      FLOOR_UPSTREAM: `http://127.0.0.1:${upstreamPort}`,
    },
  });
  let output = "";
  proc.stdout.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  proc.stderr.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  const child: Child = {
    name: "next-floor",
    pid: proc.pid ?? 0,
    process: proc,
    output: () => output,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`the floor app exited during start:\n${output}`);
    if (output.includes("listening")) break;
    if (Date.now() > deadline) throw new Error(`the floor app did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, port };
}
