import type { Kysely } from "kysely";
import { loadKeySpend } from "../../db/queries/key-spend";
import type { Database } from "../../db/schema";
import type { Env } from "../env";
import type { ConfigSnapshot } from "../gateway/types";
import { getGatewayMetrics } from "../metrics/registry";
import { createDatabaseStore } from "./database-store";
import { hasBudget, Limiter } from "./limiter";
import { createMemoryStore } from "./memory-store";
import { createRedisStore } from "./redis-store";
import { SpendBook } from "./spend";
import type { CounterStore } from "./store";
import { errorText, getLogger } from "../logger";

/** Spend of keys with a budget is reloaded this often (other processes' requests arrive by it). */
const SPEND_RELOAD_MS = 1_000;
/** A request in flight counts against its key's concurrency at most this long if its process dies. */
const LEASE_MS = 15 * 60_000;
const WARN_EVERY_MS = 30_000;

export type LimitStoreName = CounterStore["name"];

/** Which store: Redis when configured, the database when several processes share it, else memory. */
export function chooseLimitStore(
  env: Pick<Env, "LIMITS_STORE" | "REDIS_URL" | "WORKERS" | "DATABASE_URL">,
): LimitStoreName {
  if (env.LIMITS_STORE !== "auto") return env.LIMITS_STORE;
  if (env.REDIS_URL) return "redis";
  return env.WORKERS > 1 || /^postgres(ql)?:/.test(env.DATABASE_URL) ? "database" : "memory";
}

export interface LimitsRuntime {
  limiter: Limiter;
  close(): Promise<void>;
}

export async function createLimits(
  env: Env,
  db: Kysely<Database>,
  getSnapshot: () => ConfigSnapshot,
): Promise<LimitsRuntime> {
  const storeName = chooseLimitStore(env);
  if (storeName === "redis" && !env.REDIS_URL) throw new Error("Invalid LIMITS_STORE: redis needs REDIS_URL");
  const store =
    storeName === "redis"
      ? await createRedisStore({ url: env.REDIS_URL!, keyPrefix: env.REDIS_KEY_PREFIX })
      : storeName === "database"
        ? createDatabaseStore(db)
        : createMemoryStore();
  const metrics = getGatewayMetrics();
  let warnedAt = 0;
  const spend = new SpendBook((now, keyIds) => loadKeySpend(db, now, keyIds), Date.now);
  const limiter = new Limiter({
    store,
    spend,
    windowMs: env.RATE_LIMIT_WINDOW_SECONDS * 1_000,
    leaseMs: LEASE_MS,
    now: Date.now,
    // Documented choice: a limit store that cannot be reached lets requests through (fail open),
    // counted in gateway_limit_store_errors_total and warned about twice a minute at most.
    onRefused: (limit) => metrics.limitRefusals.inc({ limit }),
    onStoreError(error) {
      metrics.limitStoreErrors.inc({ store: store.name });
      const now = Date.now();
      if (now - warnedAt < WARN_EVERY_MS) return;
      warnedAt = now;
      const reason = errorText(error);
      getLogger().warn(
        { store: store.name, error: reason },
        `Limits: the ${store.name} store failed (${reason}); requests are admitted without limits`,
      );
    },
  });

  const budgetedKeys = (): number[] => {
    const ids: number[] = [];
    for (const key of getSnapshot().keysByHash.values()) if (hasBudget(key)) ids.push(key.id);
    return ids;
  };
  const reload = (): void => {
    const ids = budgetedKeys();
    if (ids.length > 0) spend.reload(ids).catch(() => undefined);
  };
  const timer = setInterval(reload, SPEND_RELOAD_MS);
  timer.unref();
  const first = budgetedKeys();
  if (first.length > 0) await spend.reload(first).catch(() => undefined);

  return {
    limiter,
    async close() {
      clearInterval(timer);
      await store.close();
    },
  };
}
