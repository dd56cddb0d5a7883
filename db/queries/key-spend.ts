import type { Executor } from "../schema";
import { DAY_MS } from "./usage-rollup";

/** USD an API key has spent this UTC day, this UTC month and in total, from the daily rollups. */
export interface KeySpend {
  day: number;
  month: number;
  total: number;
}

export function utcDayStart(now: number): number {
  return Math.floor(now / DAY_MS) * DAY_MS;
}

export function utcMonthStart(now: number): number {
  const date = new Date(now);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}

export function nextUtcMonthStart(now: number): number {
  const date = new Date(now);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}

/**
 * Spend per key (all keys, or the ones given). The rollups are written in the same
 * transaction as the call-log rows, so this is what the logs say, to the row.
 */
export async function loadKeySpend(
  db: Executor,
  now: number,
  keyIds?: readonly number[],
): Promise<Map<number, KeySpend>> {
  const day = utcDayStart(now);
  const month = utcMonthStart(now);
  let query = db
    .selectFrom("usage_daily")
    .select((eb) => [
      "api_key_id",
      eb.fn.sum<number>("cost").as("total"),
      eb.fn.sum<number>(eb.case().when("day_start", ">=", month).then(eb.ref("cost")).else(0).end()).as("month"),
      eb.fn.sum<number>(eb.case().when("day_start", ">=", day).then(eb.ref("cost")).else(0).end()).as("day"),
    ])
    .where("api_key_id", ">", 0)
    .groupBy("api_key_id");
  if (keyIds) {
    if (keyIds.length === 0) return new Map();
    query = query.where("api_key_id", "in", keyIds);
  }
  const rows = await query.execute();
  return new Map(
    rows.map((row) => [
      Number(row.api_key_id),
      { day: Number(row.day ?? 0), month: Number(row.month ?? 0), total: Number(row.total ?? 0) },
    ]),
  );
}
