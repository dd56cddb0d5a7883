#!/usr/bin/env node
// `npm start`: load .env, validate it, build only when the sources changed, then serve.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ensureBuild } from "./build-state.mjs";

const root = new URL("..", import.meta.url).pathname;
process.chdir(root);
if (existsSync(join(root, ".env"))) process.loadEnvFile(join(root, ".env"));

const check = spawnSync(process.execPath, ["--import", "tsx", join(root, "scripts", "check-env.ts")], {
  stdio: "inherit",
  env: process.env,
});
if (check.status !== 0) process.exit(1);

process.env.NEXT_TELEMETRY_DISABLED = "1";
ensureBuild({ root });
await import("./server.mjs");
