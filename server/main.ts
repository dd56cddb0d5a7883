import cluster from "node:cluster";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ZodError } from "zod";
import { describeEnvError, getEnv, type Env } from "../lib/env";
import { runPrimary } from "./cluster-primary";
import { serveWorker } from "./worker";

/**
 * The production server (`npm start`), built by scripts/build-server.mjs into one file
 * beside Next's build. WORKERS=1 (the default) serves in this process; WORKERS=N forks N
 * cluster workers of this same program that share the port, so every core is used.
 */
async function main(): Promise<void> {
  const root = process.env.GATEWAY_ROOT ?? process.cwd();
  if (existsSync(join(root, ".env"))) process.loadEnvFile(join(root, ".env"));
  let env: Env;
  try {
    env = getEnv();
  } catch (error) {
    console.error(`Cannot start: ${error instanceof ZodError ? describeEnvError(error) : String(error)}`);
    process.exit(1);
  }
  if (cluster.isPrimary && env.WORKERS > 1) runPrimary(env);
  else await serveWorker(root, env);
}

void main();
