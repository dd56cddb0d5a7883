import { userInfo } from "node:os";
import { insertAuditEntries, type AuditActor, type AuditSource } from "../../db/queries/audit-log";
import type { Executor } from "../../db/schema";
import { errorText, getLogger } from "../logger";
import { diffAuditSnapshots } from "./diff";
import { readAuditSnapshot } from "./snapshot";

/**
 * Runs one configuration write and records what it changed. Every write path (the dashboard's
 * action frame, the CLI, config import) goes through here, so no write function has to know
 * about the log: the configuration is read before and after, and the difference is the entry.
 * A write that fails halfway still records what it did change. Writes by someone else in the
 * same instant can land in this actor's entry: the log tells what changed around a write, and
 * a cluster's concurrent edits are rare enough for that to be honest.
 */
export async function recordConfigChanges<T>(db: Executor, actor: AuditActor, work: () => Promise<T>): Promise<T> {
  const before = await readAuditSnapshot(db);
  try {
    return await work();
  } finally {
    try {
      const entries = diffAuditSnapshots(before, await readAuditSnapshot(db));
      await insertAuditEntries(db, actor, entries);
    } catch (error) {
      // The change itself is done and cannot be undone here: say loudly that its entry is missing.
      getLogger().error({ error: errorText(error) }, `Audit log: could not record a change: ${errorText(error)}`);
    }
  }
}

/** The shell user running the CLI, as the actor of its changes. */
export function cliActor(source: Extract<AuditSource, "cli" | "config-import">): AuditActor {
  let user = "unknown";
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (some containers): the source still says it was the CLI.
  }
  return { actor: `${source}:${user}`, source, ip: null, userAgent: null };
}
