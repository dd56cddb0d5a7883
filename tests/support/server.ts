import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSecretCipher, type SecretCipher } from "../../db/crypto";
import type { TestDatabase } from "./test-database";
import { createServerDatabase } from "./test-store";

/** The key every test server encrypts provider keys with, so tests can seed the store. */
export const TEST_ENCRYPTION_KEY = "a".repeat(64);

export function createTestCipher(): SecretCipher {
  return createSecretCipher(Buffer.from(TEST_ENCRYPTION_KEY, "hex"));
}

export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * A port nothing listens on, for "connection refused" upstreams. It is drawn below the
 * kernel's ephemeral range (32768 and up), where every test server's `listen(0)` lands, so a
 * gateway or mock started later can never take it and turn the refusal into an answer.
 */
export async function findClosedPort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await refuses(port)) return port;
  }
}

function refuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "ECONNREFUSED"));
  });
}

export interface TestServer {
  baseUrl: string;
  port: number;
  databaseUrl: string;
  dataDir: string;
  process: ChildProcess;
  output(): string;
  /** Sends the signal and waits for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface TestServerOptions {
  /**
   * Defaults to a fresh database (tests/support/test-store.ts: a SQLite file in dataDir, or a
   * Postgres schema on the PostgreSQL pass), removed by stop() unless dataDir was given.
   */
  databaseUrl?: string;
  env?: Record<string, string>;
  dataDir?: string;
}

const root = new URL("../..", import.meta.url).pathname;

/** Starts the production build (scripts/server.mjs) on 127.0.0.1 and waits until it answers. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "aps-test-"));
  const ownDatabase: TestDatabase | undefined =
    options.databaseUrl === undefined ? await createServerDatabase(dataDir) : undefined;
  const databaseUrl = options.databaseUrl ?? ownDatabase?.url ?? "";
  const port = await findFreePort();
  let output = "";
  const child = spawn(process.execPath, [join(root, "scripts", "server.mjs")], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      HOST: "127.0.0.1",
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      SECRETS_FILE: join(dataDir, "secrets.json"),
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      ...(process.env.NEXT_DIST_DIR ? { NEXT_DIST_DIR: process.env.NEXT_DIST_DIR } : {}),
      // The PostgreSQL pass serves /v1 through Next's route handlers (scripts/test.mjs).
      ...(process.env.FAST_LANE ? { FAST_LANE: process.env.FAST_LANE } : {}),
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      if (!options.dataDir) await ownDatabase?.cleanup();
      throw new Error(`Server exited during start:\n${output}`);
    }
    try {
      const response = await fetch(`${baseUrl}/api/health`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`Server did not start within 30 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    baseUrl,
    port,
    databaseUrl,
    dataDir,
    process: child,
    output: () => output,
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null) child.kill(signal);
      const code = await exited;
      if (!options.dataDir) {
        rmSync(dataDir, { recursive: true, force: true });
        await ownDatabase?.cleanup();
      }
      return code;
    },
  };
}
