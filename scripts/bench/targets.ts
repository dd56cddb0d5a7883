/**
 * The processes of a benchmark run, all on 127.0.0.1: the mock provider, the raw proxy,
 * Portkey's gateway and our production server (seeded with a key, groups and providers
 * pointing at the mock). Each is a child process so its CPU and memory can be read alone.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { createDb } from "../../db/client";
import { createSecretCipher } from "../../db/crypto";
import { findFreePort } from "../../tests/support/server";
import { GatewaySeeder } from "../../tests/support/seed";

export const root = new URL("../..", import.meta.url).pathname;

/** The group of ours whose one provider is the mock as an Anthropic endpoint. */
export const ANTHROPIC_GROUP = "bench-claude";

export interface Child {
  name: string;
  pid: number;
  process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

function track(name: string, child: ChildProcess): Child {
  let output = "";
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    name,
    pid: child.pid ?? 0,
    process: child,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Starts a script that prints `{"port":N}` as its first stdout line. */
async function startPortPrinter(name: string, args: string[]): Promise<{ child: Child; port: number }> {
  const proc = spawn(process.execPath, args, {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NODE_ENV: "production" },
  });
  const child = track(name, proc);
  const lines = createInterface({ input: proc.stdout! });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start:\n${child.output()}`)), 30_000);
    lines.once("line", (line) => {
      clearTimeout(timer);
      resolve((JSON.parse(line) as { port: number }).port);
    });
    proc.once("exit", () => reject(new Error(`${name} exited during start:\n${child.output()}`)));
  });
  return { child, port };
}

async function waitForHttp(url: string, child: Child, timeoutMs = 60_000, init?: RequestInit): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.process.exitCode !== null) throw new Error(`${child.name} exited during start:\n${child.output()}`);
    try {
      const response = await fetch(url, init);
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`${child.name} did not answer ${url} within ${timeoutMs} ms:\n${child.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function startMock(): Promise<{ child: Child; port: number }> {
  return startPortPrinter("mock", [
    "--import",
    "tsx",
    join(root, "tests/support/mock-provider.ts"),
    "--port",
    "0",
    "--max-recorded-calls",
    "3000",
  ]);
}

export async function startRawProxy(upstreamPort: number): Promise<{ child: Child; port: number }> {
  return startPortPrinter("raw", [
    "--import",
    "tsx",
    join(root, "scripts/bench/raw-proxy.ts"),
    "--port",
    "0",
    "--upstream",
    `http://127.0.0.1:${upstreamPort}`,
  ]);
}

export async function startPortkey(): Promise<{ child: Child; port: number }> {
  const port = await findFreePort();
  const proc = spawn(
    process.execPath,
    [
      "--import",
      join(root, "scripts/bench/bind-localhost.mjs"),
      join(root, "node_modules/@portkey-ai/gateway/build/start-server.js"),
      "--headless",
      `--port=${port}`,
    ],
    {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_ENV: "production" },
    },
  );
  const child = track("portkey", proc);
  await waitForHttp(`http://127.0.0.1:${port}/`, child);
  return { child, port };
}

export interface GatewayModels {
  /** Fast answers (the matrix). */
  fast: string;
  /** 20 chunks 25–50 ms apart. */
  slow: string;
  /** Long slow streams the abort test cuts off. */
  abort: string;
}

export interface OursTarget {
  child: Child;
  port: number;
  apiKey: string;
  dataDir: string;
  stop(): Promise<void>;
}

export interface OursOptions {
  mockPort: number;
  models: GatewayModels;
  /** Extra node flags for scripts/server.mjs, e.g. --cpu-prof. */
  execArgv?: string[];
  /** Build folder; defaults to NEXT_DIST_DIR or .next. */
  distDir?: string;
  /** The server script; defaults to scripts/server.mjs (cluster-targets.ts starts a pair). */
  script?: string;
  /** Defaults to a fresh SQLite file. */
  databaseUrl?: string;
  /** Added to the server's environment, e.g. WORKERS. */
  env?: Record<string, string>;
  /** More configuration after the standard one, loaded with it (the hedging phase's groups). */
  seed?(seeder: GatewaySeeder, db: ReturnType<typeof createDb>): Promise<void>;
}

/**
 * Starts the production server on a fresh SQLite database (it migrates it itself), then
 * configures it as the dashboard would: an endpoint with its key, one provider per model, a
 * group per model with a second provider behind it, a client key and two failure keywords.
 * The server picks the change up through its config-version poll.
 */
export async function startOurs(options: OursOptions): Promise<OursTarget> {
  const dataDir = mkdtempSync(join(tmpdir(), "aps-bench-"));
  const databaseUrl = options.databaseUrl ?? join(dataDir, "bench.db");
  const encryptionKey = randomBytes(32);
  const port = await findFreePort();
  const proc = spawn(
    process.execPath,
    [...(options.execArgv ?? []), options.script ?? join(root, "scripts/server.mjs")],
    {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        HOST: "127.0.0.1",
        PORT: String(port),
        DATABASE_URL: databaseUrl,
        SECRETS_FILE: join(dataDir, "secrets.json"),
        ENCRYPTION_KEY: encryptionKey.toString("hex"),
        ADMIN_PASSWORD: randomBytes(12).toString("hex"),
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        ...(options.distDir || process.env.NEXT_DIST_DIR
          ? { NEXT_DIST_DIR: options.distDir ?? process.env.NEXT_DIST_DIR }
          : {}),
        ...options.env,
      },
    },
  );
  const child = track(options.distDir ? `ours (${options.distDir})` : "ours", proc);
  const stop = async (): Promise<void> => {
    await child.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitForHttp(`http://127.0.0.1:${port}/api/health`, child);
    // /v1/models boots the runtime state (migrations included) before anything is seeded.
    await fetch(`http://127.0.0.1:${port}/v1/models`).then((response) => response.arrayBuffer());
    const db = createDb(databaseUrl);
    let apiKey: string;
    try {
      const seeder = new GatewaySeeder(
        db,
        createSecretCipher(encryptionKey),
        `sk-bench-${randomBytes(12).toString("hex")}`,
      );
      await seeder.endpoint("mock", `http://127.0.0.1:${options.mockPort}/v1`);
      const { fast, slow, abort } = options.models;
      // Every group has a fallback provider at priority 2, as a real one would; it is never needed.
      await seeder.group(fast, [fast, { model: `${fast}-fallback`, priority: 2 }]);
      await seeder.group(slow, [slow, { model: `${slow}-fallback`, priority: 2 }]);
      await seeder.group(abort, [abort]);
      // The protocol phase: the same mock, spoken to as an Anthropic endpoint.
      await seeder.endpoint("mock-anthropic", `http://127.0.0.1:${options.mockPort}`, undefined, {
        protocol: "anthropic",
      });
      await seeder.group(ANTHROPIC_GROUP, [{ model: ANTHROPIC_GROUP, endpoint: "mock-anthropic" }]);
      apiKey = await seeder.key("bench", { groups: [fast, slow, abort, ANTHROPIC_GROUP] });
      await seeder.keyword("insufficient_quota");
      await seeder.keyword("content management policy");
      await options.seed?.(seeder, db);
    } finally {
      await db.destroy();
    }
    const deadline = Date.now() + 30_000;
    for (;;) {
      const response = await fetch(`http://127.0.0.1:${port}/v1/models`, {
        headers: { authorization: `Bearer ${apiKey}` },
      });
      const text = await response.text();
      if (response.ok && text.includes(options.models.abort)) break;
      if (Date.now() > deadline)
        throw new Error(`the server did not load the seeded configuration: ${response.status} ${text.slice(0, 200)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return { child, port, apiKey, dataDir, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
