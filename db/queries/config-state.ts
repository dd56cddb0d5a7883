import type { Executor } from "../schema";

/**
 * Marks the configuration as changed. Every configuration write calls this inside its own
 * transaction, so a reader that sees the new version also sees the change.
 */
export async function bumpConfigVersion(db: Executor): Promise<number> {
  const row = await db
    .updateTable("config_state")
    .set((eb) => ({ version: eb("version", "+", 1) }))
    .where("id", "=", 1)
    .returning("version")
    .executeTakeFirstOrThrow();
  return row.version;
}

/** One indexed read: instances poll this to learn that another one changed the configuration. */
export async function getConfigVersion(db: Executor): Promise<number> {
  const row = await db.selectFrom("config_state").select("version").where("id", "=", 1).executeTakeFirstOrThrow();
  return row.version;
}
