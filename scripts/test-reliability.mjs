#!/usr/bin/env node
// Runs the reliability suite (tests/reliability) and writes its figures into
// docs/reliability.md. `--full` runs the load cases at full size (1,000 streams); without it
// they run at CI size (300). Figures of earlier runs are cleared first: one run, one report.
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const isFull = process.argv.includes("--full");
rmSync(join(root, "tmp", "reliability"), { recursive: true, force: true });

const env = {
  ...process.env,
  RELIABILITY_LOAD_STREAMS: process.env.RELIABILITY_LOAD_STREAMS || (isFull ? "1000" : "300"),
};
const run = spawnSync(process.execPath, [join(root, "scripts", "test.mjs"), "tests/reliability"], {
  cwd: root,
  stdio: "inherit",
  env,
});
const result = run.status === 0 ? "passed" : "failed";
spawnSync(process.execPath, [join(root, "scripts", "reliability-report.mjs"), "--result", result], {
  cwd: root,
  stdio: "inherit",
});
process.exit(run.status ?? 1);
