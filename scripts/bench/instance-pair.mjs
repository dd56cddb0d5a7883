// Benchmark target "ours-pg2": INSTANCES (default 2) production servers on one DATABASE_URL,
// each on a port of its own, behind a round-robin TCP balancer on HOST:PORT, as two machines
// behind a load balancer would be (per connection, like nginx's default). Started in place of
// scripts/server.mjs, with the same environment; SIGTERM drains every instance.
import { spawn } from "node:child_process";
import { createConnection, createServer } from "node:net";
import { join } from "node:path";

const root = new URL("../..", import.meta.url).pathname;
const host = process.env.HOST || "127.0.0.1";
const port = Number(process.env.PORT || 8001);
const count = Number(process.env.INSTANCES || 2);

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port: found } = probe.address();
      probe.close(() => resolve(found));
    });
  });
}

async function waitForHealth(instancePort, child) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`instance on ${instancePort} exited during start`);
    try {
      const response = await fetch(`http://127.0.0.1:${instancePort}/api/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`instance on ${instancePort} did not start`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const instances = [];
for (let index = 0; index < count; index += 1) {
  const instancePort = await freePort();
  const child = spawn(process.execPath, [join(root, "scripts", "server.mjs")], {
    cwd: root,
    env: { ...process.env, HOST: "127.0.0.1", PORT: String(instancePort) },
    stdio: ["ignore", "inherit", "inherit"],
  });
  instances.push({ port: instancePort, child });
}
await Promise.all(instances.map((instance) => waitForHealth(instance.port, instance.child)));

let next = 0;
const balancer = createServer((socket) => {
  const { port: target } = instances[next++ % instances.length];
  const upstream = createConnection({ host: "127.0.0.1", port: target });
  socket.setNoDelay(true);
  upstream.setNoDelay(true);
  socket.pipe(upstream).pipe(socket);
  socket.on("error", () => upstream.destroy());
  upstream.on("error", () => socket.destroy());
  socket.on("close", () => upstream.destroy());
  upstream.on("close", () => socket.destroy());
});
balancer.listen({ port, host, backlog: 2048 }, () => {
  console.log(
    `Instance pair listening on http://${host}:${port} → ${instances.map((instance) => instance.port).join(", ")}`,
  );
});

let isStopping = false;
function stop() {
  if (isStopping) return;
  isStopping = true;
  balancer.close();
  let left = instances.length;
  for (const { child } of instances) {
    child.once("exit", () => {
      left -= 1;
      if (left === 0) process.exit(0);
    });
    child.kill("SIGTERM");
  }
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
