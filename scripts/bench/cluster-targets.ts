/**
 * Benchmark targets for running more than one process (docs/deployment.md):
 *   ours-w2   one server with WORKERS=2 on its SQLite file (all cores of this machine)
 *   ours-pg2  two instances on one PostgreSQL database (a fresh schema of BENCH_DATABASE_URL,
 *             else TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test) behind a
 *             round-robin TCP balancer (instance-pair.mjs)
 * Both are seeded and answer exactly like "ours"; CPU figures include every process of the
 * target (proc.ts counts a process with its descendants).
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { createPostgresTestDatabase } from "../../tests/support/test-database";
import { root, startOurs, type OursOptions, type OursTarget } from "./targets";

export function startOursWorkers(options: OursOptions, workers = 2): Promise<OursTarget> {
  return startOurs({ ...options, env: { ...options.env, WORKERS: String(workers) } });
}

export async function startOursPostgresPair(options: OursOptions): Promise<OursTarget> {
  // The local server these machines run, unless told otherwise.
  const postgresUrl =
    process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
  const database = await createPostgresTestDatabase(postgresUrl);
  try {
    const pair = await startOurs({
      ...options,
      script: join(root, "scripts/bench/instance-pair.mjs"),
      databaseUrl: database.url,
      env: { ...options.env, INSTANCES: "2", AUTH_SECRET: randomBytes(32).toString("hex") },
    });
    return {
      ...pair,
      async stop() {
        await pair.stop();
        await database.cleanup();
      },
    };
  } catch (error) {
    await database.cleanup();
    throw error;
  }
}
