import { sql } from "kysely";
import type { Kysely } from "kysely";
import { hasPendingMigrations } from "../../db/migrate";
import type { Database } from "../../db/schema";
import type { LogWriterStats } from "../log-writer";

/** Rows the log writer holds while the database is slow or down; beyond it rows are dropped. */
export const LOG_QUEUE_LIMIT = 50_000;
/** Not ready from this share of the limit on: a load balancer should steer away before rows are lost. */
const LOG_QUEUE_READY_SHARE = 0.9;
const DATABASE_TIMEOUT_MS = 2_000;
/** Migrations only change when a release is deployed: checked at most this often. */
const MIGRATIONS_CACHE_MS = 60_000;
const MIGRATIONS_RETRY_MS = 5_000;

export type CheckStatus = "ok" | "failed";

export interface Readiness {
  isReady: boolean;
  checks: { database: CheckStatus; migrations: CheckStatus | "pending"; logQueue: CheckStatus | "full" };
  logQueue: { queued: number; dropped: number; limit: number };
}

let migrations: { checkedAt: number; status: Readiness["checks"]["migrations"] } | null = null;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timed out")), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function checkDatabase(db: Kysely<Database>): Promise<CheckStatus> {
  try {
    await withTimeout(sql`select 1`.execute(db), DATABASE_TIMEOUT_MS);
    return "ok";
  } catch {
    return "failed";
  }
}

async function checkMigrations(db: Kysely<Database>, now: number): Promise<Readiness["checks"]["migrations"]> {
  const maxAge = migrations?.status === "ok" ? MIGRATIONS_CACHE_MS : MIGRATIONS_RETRY_MS;
  if (migrations && now - migrations.checkedAt < maxAge) return migrations.status;
  let status: Readiness["checks"]["migrations"];
  try {
    status = (await withTimeout(hasPendingMigrations(db), DATABASE_TIMEOUT_MS)) ? "pending" : "ok";
  } catch {
    status = "failed";
  }
  migrations = { checkedAt: now, status };
  return status;
}

/** Database reachable, schema current, log queue with room: cheap enough to poll every second. */
export async function checkReadiness(
  db: Kysely<Database>,
  logStats: LogWriterStats,
  now: number = Date.now(),
): Promise<Readiness> {
  const [database, migrationStatus] = await Promise.all([checkDatabase(db), checkMigrations(db, now)]);
  const logQueue = logStats.queued < LOG_QUEUE_LIMIT * LOG_QUEUE_READY_SHARE ? "ok" : "full";
  return {
    isReady: database === "ok" && migrationStatus === "ok" && logQueue === "ok",
    checks: { database, migrations: migrationStatus, logQueue },
    logQueue: { queued: logStats.queued, dropped: logStats.dropped, limit: LOG_QUEUE_LIMIT },
  };
}
