import type { Kysely } from "kysely";
import { adjustCounter, releaseLeases, takeCounters } from "../../db/queries/limit-counters";
import type { Database } from "../../db/schema";
import type { CounterStore } from "./store";

const RETRIES = 20;

/** SQLite's lock held by another process, or PostgreSQL's deadlock / serialization failure: try again. */
function isContention(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "SQLITE_BUSY" || code === "SQLITE_LOCKED" || code === "40P01" || code === "40001";
}

async function withRetry<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run();
    } catch (error) {
      if (!isContention(error) || attempt >= RETRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 8 * attempt));
    }
  }
}

/** Counters in the configuration database: exact across WORKERS=N and instances sharing it. */
export function createDatabaseStore(db: Kysely<Database>): CounterStore {
  return {
    name: "database",
    take: (input) => withRetry(() => takeCounters(db, input)),
    adjust: (name, windowStart, _windowMs, delta) =>
      delta === 0 ? Promise.resolve() : withRetry(() => adjustCounter(db, name, windowStart, delta)),
    release: (names, leaseId) => withRetry(() => releaseLeases(db, names, leaseId)),
    close: () => Promise.resolve(),
  };
}
