import type { Executor } from "../schema";
import { hourStart, HOUR_MS } from "./usage-rollup";

export interface OverviewCounts {
  providers: number;
  groups: number;
  apiKeys: number;
  /** Client requests logged at or after `since`. */
  requestsSince: number;
}

async function countRows(db: Executor, table: "providers" | "model_groups" | "api_keys"): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Whole hours come from the rollups and only the partial first hour from the log rows, so
 * the count stays exact and cheap however many rows a day brings.
 */
export async function countRequestsSince(db: Executor, since: number): Promise<number> {
  const firstFullHour = since % HOUR_MS === 0 ? since : hourStart(since) + HOUR_MS;
  const [rollup, partial] = await Promise.all([
    db
      .selectFrom("usage_hourly")
      .select((eb) => eb.fn.sum<number | null>("requests").as("n"))
      .where("hour_start", ">=", firstFullHour)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("call_logs")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("created_at", ">=", since)
      .where("created_at", "<", firstFullHour)
      .executeTakeFirstOrThrow(),
  ]);
  return Number(rollup.n ?? 0) + Number(partial.n);
}

export async function getOverviewCounts(db: Executor, since: number): Promise<OverviewCounts> {
  const [providers, groups, apiKeys, requestsSince] = await Promise.all([
    countRows(db, "providers"),
    countRows(db, "model_groups"),
    countRows(db, "api_keys"),
    countRequestsSince(db, since),
  ]);
  return { providers, groups, apiKeys, requestsSince };
}
