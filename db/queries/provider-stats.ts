import type { Executor } from "../schema";
import { hourStart, HOUR_MS } from "./usage-rollup";

/** Client requests a provider finally served (or failed) since a time, by provider name. */
export interface ProviderCallStats {
  calls: number;
  successes: number;
}

/**
 * Calls and successes per final provider since `since`. Whole hours come from the hourly
 * rollups and only the partial first hour from the log rows (as the overview counts do), so
 * the figure stays exact and cheap with millions of rows. Rows are keyed by the provider's
 * name as logged: a renamed provider starts from zero. Success means a status below 400.
 */
export async function getProviderCallStatsSince(db: Executor, since: number): Promise<Map<string, ProviderCallStats>> {
  const firstFullHour = since % HOUR_MS === 0 ? since : hourStart(since) + HOUR_MS;
  const [rollups, partial] = await Promise.all([
    db
      .selectFrom("usage_hourly")
      .select((eb) => [
        "provider_name",
        eb.fn.sum<number | string | null>("requests").as("calls"),
        eb.fn.sum<number | string | null>("successes").as("successes"),
      ])
      .where("hour_start", ">=", firstFullHour)
      .where("provider_name", "<>", "")
      .groupBy("provider_name")
      .execute(),
    db
      .selectFrom("call_logs")
      .select((eb) => [
        "provider_name",
        eb.fn.countAll<number | string>().as("calls"),
        eb.fn.sum<number | string | null>(eb.case().when("status", "<", 400).then(1).else(0).end()).as("successes"),
      ])
      .where("created_at", ">=", since)
      .where("created_at", "<", firstFullHour)
      .where("provider_name", "is not", null)
      .groupBy("provider_name")
      .execute(),
  ]);
  const stats = new Map<string, ProviderCallStats>();
  for (const row of [...rollups, ...partial]) {
    if (!row.provider_name) continue;
    const current = stats.get(row.provider_name) ?? { calls: 0, successes: 0 };
    // Postgres returns sums of integers as numeric strings.
    current.calls += Number(row.calls ?? 0);
    current.successes += Number(row.successes ?? 0);
    stats.set(row.provider_name, current);
  }
  return stats;
}
