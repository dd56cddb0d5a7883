// Decides whether the production build is current: a hash of every file that goes into
// `next build` and the server bundle, stored beside the build. A second `npm start` with
// nothing changed skips it.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { serverBundlePath } from "./build-server.mjs";

const INPUT_DIRS = ["app", "lib", "db", "messages", "public", "server"];
// tsconfig.json is left out: Next rewrites its include list during builds.
const INPUT_FILES = [
  "tsconfig.build.json",
  "next.config.mjs",
  "postcss.config.mjs",
  "package-lock.json",
  "proxy.ts",
  "instrumentation.ts",
];

export function distDir() {
  return process.env.NEXT_DIST_DIR || ".next";
}

function listFiles(dir, out) {
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) listFiles(path, out);
    else out.push(path);
  }
  return out;
}

export function computeSourceHash(root) {
  const hash = createHash("sha256");
  const files = [
    ...INPUT_DIRS.flatMap((dir) => listFiles(join(root, dir), [])),
    ...INPUT_FILES.map((file) => join(root, file)),
  ];
  for (const file of files) {
    if (!existsSync(file)) continue;
    hash.update(file.slice(root.length)).update("\0").update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex");
}

function isBuildCurrent(root, hash) {
  const stampFile = join(root, distDir(), "source-hash");
  return (
    existsSync(join(root, distDir(), "BUILD_ID")) &&
    existsSync(serverBundlePath(root, distDir())) &&
    existsSync(stampFile) &&
    readFileSync(stampFile, "utf8") === hash
  );
}

export function ensureBuild({ root, force = false }) {
  const current = computeSourceHash(root);
  if (isBuildCurrent(root, current) && !force) return false;
  console.log("Building the production app (first start or sources changed)…");
  // flock serialises concurrent builds of one checkout (two test runs, two starts).
  const nextBin = join(root, "node_modules", "next", "dist", "bin", "next");
  const hasFlock = spawnSync("flock", ["--version"]).status === 0;
  const [command, args] = hasFlock
    ? ["flock", [join(root, `${distDir()}.build-lock`), process.execPath, nextBin, "build"]]
    : [process.execPath, [nextBin, "build"]];
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
  });
  const server =
    result.status === 0
      ? spawnSync(process.execPath, [join(root, "scripts", "build-server.mjs")], { cwd: root, stdio: "inherit" })
      : result;
  if (server.status !== 0) {
    console.error("The build failed; see the output above.");
    process.exit(server.status ?? 1);
  }
  writeFileSync(join(root, distDir(), "source-hash"), current);
  return true;
}
