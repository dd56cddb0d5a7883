#!/usr/bin/env node
// Runs every test file under tests/ (or the folders/files given) with Node's test runner.
// API and browser tests need the production build, so it is made first when out of date.
import { spawn, spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { ensureBuild } from "./build-state.mjs";

const root = new URL("..", import.meta.url).pathname;
const targets = process.argv.slice(2).filter((arg) => !arg.startsWith("--"));
const roots = targets.length > 0 ? targets : ["tests"];

// The whole suite (no targets) starts with lint and format: a tree they reject fails like a test.
if (targets.length === 0) {
  for (const [label, args] of [
    ["ESLint", ["node_modules/eslint/bin/eslint.js", ".", "--max-warnings=0"]],
    ["Prettier", ["node_modules/prettier/bin/prettier.cjs", "--check", ".", "--log-level=warn"]],
  ]) {
    console.log(`── ${label} ──`);
    const result = spawnSync(process.execPath, args, { cwd: root, stdio: "inherit" });
    if (result.status !== 0) {
      console.error(`${label} failed: run \`npm run format\` and fix what it cannot.`);
      process.exit(result.status ?? 1);
    }
  }
}

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

// API, CLI and browser tests start servers on a fresh SQLite file. With TEST_DATABASE_URL set
// they run a second time on PostgreSQL (TEST_STORE=postgres: a schema per server), in a
// concurrent child after the same build; unit and db tests choose their stores themselves,
// and tests/cluster runs both stores inside each file.
const postgresFiles =
  process.env.TEST_DATABASE_URL && process.env.TEST_STORE !== "postgres" ? files.filter(isServerStoreTest) : [];

function isServerStoreTest(file) {
  return ["tests/api/", "tests/browser/"].some((folder) => file.startsWith(folder));
}

function runPass(passFiles, extraEnv, output) {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "--conditions=react-server", "--test", "--test-reporter=spec", ...passFiles],
      {
        cwd: root,
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, NODE_ENV: "test", ...extraEnv },
      },
    );
    let text = "";
    const take = (chunk) => {
      text += chunk.toString();
      output(chunk);
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    child.on("close", (code) => resolve({ code: code ?? 1, text }));
  });
}

if (postgresFiles.length === 0) {
  const result = spawnSync(
    process.execPath,
    ["--import", "tsx", "--conditions=react-server", "--test", "--test-reporter=spec", ...files],
    { cwd: root, stdio: "inherit", env: { ...process.env, NODE_ENV: "test" } },
  );
  process.exit(result.status ?? 1);
}

const startedAt = Date.now();
const held = [];
const [sqlitePass, postgresPass] = await Promise.all([
  runPass(files, {}, (chunk) => process.stdout.write(chunk)),
  // The second pass also takes the other adapter: /v1 through Next's route handlers, so the
  // whole API suite runs through both (tests/api/adapter-parity compares them directly).
  runPass(postgresFiles, { TEST_STORE: "postgres", FAST_LANE: "off" }, (chunk) => held.push(chunk)),
]);
console.log(
  `\n── PostgreSQL pass (TEST_STORE=postgres, FAST_LANE=off): ${postgresFiles.length} server-based files ──\n`,
);
process.stdout.write(Buffer.concat(held));

// One summary for both passes, in the spec reporter's words, so .ci/run's count is the total.
const count = (text, name) => {
  const line = text
    .split("\n")
    .filter((entry) => entry.startsWith(`ℹ ${name} `))
    .at(-1);
  return Number(line?.split(" ").at(-1) ?? 0) || 0;
};
const total = (name) => count(sqlitePass.text, name) + count(postgresPass.text, name);
console.log(
  `\n── Both passes (SQLite: ${files.length} files, PostgreSQL: ${postgresFiles.length} files) in ${Math.round((Date.now() - startedAt) / 1000)} s ──`,
);
for (const name of ["tests", "pass", "fail", "cancelled", "skipped", "todo"]) console.log(`ℹ ${name} ${total(name)}`);
process.exit(sqlitePass.code !== 0 || postgresPass.code !== 0 ? 1 : 0);
