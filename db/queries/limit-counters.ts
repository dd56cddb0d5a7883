import type { Transaction } from "kysely";
import { withTransaction } from "../dialect";
import type { Database, Executor } from "../schema";

/*
 * The database's limit counters (lib/limits/database-store.ts), for WORKERS=N or several
 * instances without Redis. A take is one transaction of upserts in name order: each row's
 * lock (PostgreSQL) or the write lock (SQLite) makes concurrent takes wait for each other,
 * and a charge that does not fit rolls the whole take back.
 */

export interface CounterCharge {
  name: string;
  kind: "window" | "lease";
  limit: number;
  cost: number;
}

export interface CounterTake {
  charges: readonly CounterCharge[];
  windowStart: number;
  leaseId: string;
  leaseUntil: number;
  now: number;
}

class Refused extends Error {
  constructor(
    readonly index: number,
    readonly used: number[],
  ) {
    super("refused");
  }
}

/** Adds `cost` to the counter of this window (starting it afresh in a new window); returns the new count. */
async function addToWindow(trx: Transaction<Database>, name: string, windowStart: number, cost: number) {
  const row = await trx
    .insertInto("limit_counters")
    .values({ name, window_start: windowStart, count: cost })
    .onConflict((oc) =>
      oc.column("name").doUpdateSet((eb) => ({
        count: eb
          .case()
          .when("limit_counters.window_start", "=", eb.ref("excluded.window_start"))
          .then(eb("limit_counters.count", "+", eb.ref("excluded.count")))
          .else(eb.ref("excluded.count"))
          .end(),
        window_start: eb.ref("excluded.window_start"),
      })),
    )
    .returning("count")
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

async function leasesHeld(trx: Transaction<Database>, name: string, now: number): Promise<number> {
  // The counter row of the lease set is the lock that orders concurrent takes.
  await addToWindow(trx, `lease:${name}`, 0, 0);
  await trx.deleteFrom("limit_leases").where("name", "=", name).where("expires_at", "<=", now).execute();
  const row = await trx
    .selectFrom("limit_leases")
    .select((eb) => eb.fn.countAll<number>().as("held"))
    .where("name", "=", name)
    .executeTakeFirstOrThrow();
  return Number(row.held);
}

/** All the charges or none: `{ ok, used, refused }` as lib/limits/store.ts describes. */
export async function takeCounters(
  db: Executor,
  take: CounterTake,
): Promise<{ ok: boolean; used: number[]; refused: number }> {
  try {
    const used = await withTransaction(db, async (trx) => {
      const after: number[] = [];
      for (const [index, charge] of take.charges.entries()) {
        if (charge.kind === "lease") {
          const held = await leasesHeld(trx, charge.name, take.now);
          if (held + charge.cost > charge.limit) throw new Refused(index, [...after, held]);
          await trx
            .insertInto("limit_leases")
            .values({ name: charge.name, lease_id: take.leaseId, expires_at: take.leaseUntil })
            .execute();
          after.push(held + charge.cost);
        } else {
          const count = await addToWindow(trx, charge.name, take.windowStart, charge.cost);
          if (count > charge.limit) throw new Refused(index, [...after, count - charge.cost]);
          after.push(count);
        }
      }
      return after;
    });
    return { ok: true, used, refused: -1 };
  } catch (error) {
    if (error instanceof Refused) {
      const used = take.charges.map((_, index) => error.used[index] ?? 0);
      return { ok: false, used, refused: error.index };
    }
    throw error;
  }
}

export async function adjustCounter(db: Executor, name: string, windowStart: number, delta: number): Promise<void> {
  await db
    .updateTable("limit_counters")
    .set((eb) => ({ count: eb("count", "+", delta) }))
    .where("name", "=", name)
    .where("window_start", "=", windowStart)
    .execute();
}

export async function releaseLeases(db: Executor, names: readonly string[], leaseId: string): Promise<void> {
  if (names.length === 0) return;
  await db.deleteFrom("limit_leases").where("name", "in", names).where("lease_id", "=", leaseId).execute();
}
