import type { Executor } from "../schema";

/**
 * Takes the named lock until `now + ttlMs` if it is free, expired or already ours; true when
 * held. One instance of a cluster runs a job (retention) while the others skip it, and a
 * crashed holder's lock simply expires.
 */
export async function tryAcquireJobLock(
  db: Executor,
  name: string,
  holder: string,
  ttlMs: number,
  now: number = Date.now(),
): Promise<boolean> {
  const row = await db
    .insertInto("job_locks")
    .values({ name, holder, expires_at: now + ttlMs })
    .onConflict((oc) =>
      oc
        .column("name")
        .doUpdateSet((eb) => ({ holder: eb.ref("excluded.holder"), expires_at: eb.ref("excluded.expires_at") }))
        .where((eb) => eb.or([eb("job_locks.expires_at", "<=", now), eb("job_locks.holder", "=", holder)])),
    )
    .returning("holder")
    .executeTakeFirst();
  return row?.holder === holder;
}

export async function releaseJobLock(db: Executor, name: string, holder: string): Promise<void> {
  await db.deleteFrom("job_locks").where("name", "=", name).where("holder", "=", holder).execute();
}
