// The production server. WORKERS=1 (the default) serves in this process; WORKERS=N forks N
// cluster workers that share the port (scripts/cluster-primary.mjs), so every core is used.
import cluster from "node:cluster";
import { existsSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
if (existsSync(join(root, ".env"))) process.loadEnvFile(join(root, ".env"));

const workers = Number(process.env.WORKERS || 1);
if (cluster.isPrimary && Number.isInteger(workers) && workers > 1) {
  const { runPrimary } = await import("./cluster-primary.mjs");
  runPrimary({ workers, root });
} else {
  await import("./serve-worker.mjs");
}
