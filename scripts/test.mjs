#!/usr/bin/env node
// Runs every test file under tests/ (or the folders/files given) with Node's test runner.
// API and browser tests need the production build, so it is made first when out of date.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { ensureBuild } from "./build-state.mjs";

const root = new URL("..", import.meta.url).pathname;
const targets = process.argv.slice(2).filter((arg) => !arg.startsWith("--"));
const roots = targets.length > 0 ? targets : ["tests"];

function collect(path, out) {
  const stat = statSync(path);
  if (stat.isFile()) {
    if (path.endsWith(".test.ts")) out.push(path);
    return out;
  }
  for (const entry of readdirSync(path).sort()) {
    if (entry === "node_modules" || entry === "fixtures") continue;
    collect(join(path, entry), out);
  }
  return out;
}

const files = roots.flatMap((target) => collect(join(root, target), [])).map((file) => relative(root, file));
if (files.length === 0) {
  console.error("No test files found under", roots.join(", "));
  process.exit(1);
}

const needsBuild = files.some((file) => !file.startsWith("tests/unit/") && !file.startsWith("tests/db/"));
if (needsBuild) ensureBuild({ root });

const result = spawnSync(
  process.execPath,
  ["--import", "tsx", "--conditions=react-server", "--test", "--test-reporter=spec", ...files],
  { cwd: root, stdio: "inherit", env: { ...process.env, NODE_ENV: "test" } },
);
process.exit(result.status ?? 1);
