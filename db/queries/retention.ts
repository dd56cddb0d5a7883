import type { Executor } from "../schema";

/*
 * One bounded retention step each: the retention job (lib/server/retention-job.ts) calls
 * these in a loop and yields between calls, so a backlog of millions of rows is deleted as
 * many short statements with requests and log writes running in between. Rollups
 * (usage_hourly) are never touched: the charts keep their history.
 */

/** Deletes up to `batchSize` log rows created before the cutoff; returns how many. */
export async function deleteCallLogBatch(db: Executor, cutoffMs: number, batchSize: number): Promise<number> {
  const result = await db
    .deleteFrom("call_logs")
    .where("id", "in", (eb) =>
      // Walks call_logs_created_at_idx from the oldest row: the batch costs the same however large the table.
      eb.selectFrom("call_logs").select("id").where("created_at", "<", cutoffMs).orderBy("created_at").limit(batchSize),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Deletes up to `batchSize` stored bodies created before the cutoff; returns how many. */
export async function deleteBodyBatch(db: Executor, cutoffMs: number, batchSize: number): Promise<number> {
  const result = await db
    .deleteFrom("call_log_bodies")
    .where("request_id", "in", (eb) =>
      eb
        .selectFrom("call_log_bodies")
        .select("request_id")
        .where("created_at", "<", cutoffMs)
        .orderBy("created_at")
        .limit(batchSize),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
