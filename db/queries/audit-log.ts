import { z } from "zod";
import { containsText, toStoredText } from "../dialect";
import type { Executor } from "../schema";

/*
 * The audit log's storage. Rows arrive already masked (lib/audit decides what a change is
 * and what is secret); this file only writes, searches and prunes them. Newest first,
 * keyset-paginated on id, which grows with time.
 */

export const AUDIT_SOURCES = ["dashboard", "cli", "config-import", "api"] as const;
export type AuditSource = (typeof AUDIT_SOURCES)[number];

/** Who made a change and from where; ip and user agent are null where unknown. */
export interface AuditActor {
  actor: string;
  source: AuditSource;
  ip: string | null;
  userAgent: string | null;
}

export interface FieldChange {
  before: unknown;
  after: unknown;
}

export interface AuditEntryInput {
  action: string;
  targetKind: string;
  targetId: string | null;
  targetName: string;
  changes: Record<string, FieldChange>;
}

export interface AuditEntry extends AuditActor, AuditEntryInput {
  id: number;
  at: number;
}

export interface AuditFilters {
  /** Case-insensitive substring of the actor. */
  actor?: string;
  /** The target's kind (provider, group, key, …): actions `<kind>.*`. */
  kind?: string;
  /** Case-insensitive substring of the target's name. */
  target?: string;
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
}

const changesSchema = z.record(z.string(), z.object({ before: z.unknown(), after: z.unknown() }));
const sourceSchema = z.enum(AUDIT_SOURCES);

export async function insertAuditEntries(
  db: Executor,
  actor: AuditActor,
  entries: readonly AuditEntryInput[],
  at = Date.now(),
): Promise<void> {
  if (entries.length === 0) return;
  await db
    .insertInto("audit_log")
    .values(
      entries.map((entry) => ({
        at,
        actor: toStoredText(actor.actor.slice(0, 200)),
        source: actor.source,
        ip: actor.ip === null ? null : toStoredText(actor.ip.slice(0, 100)),
        user_agent: actor.userAgent === null ? null : toStoredText(actor.userAgent.slice(0, 500)),
        action: entry.action,
        target_kind: entry.targetKind,
        target_id: entry.targetId,
        target_name: toStoredText(entry.targetName.slice(0, 200)),
        changes: toStoredText(JSON.stringify(entry.changes)),
      })),
    )
    .execute();
}

interface AuditRow {
  id: number;
  at: number;
  actor: string;
  source: string;
  ip: string | null;
  user_agent: string | null;
  action: string;
  target_kind: string;
  target_id: string | null;
  target_name: string;
  changes: string;
}

/** Stored JSON is re-validated on read: a damaged row shows no changes rather than failing the page. */
function parseChanges(json: string): Record<string, FieldChange> {
  try {
    const parsed = changesSchema.safeParse(JSON.parse(json));
    return parsed.success ? (parsed.data as Record<string, FieldChange>) : {};
  } catch {
    return {};
  }
}

function toEntry(row: AuditRow): AuditEntry {
  const source = sourceSchema.safeParse(row.source);
  return {
    id: Number(row.id),
    at: Number(row.at),
    actor: row.actor,
    source: source.success ? source.data : "api",
    ip: row.ip,
    userAgent: row.user_agent,
    action: row.action,
    targetKind: row.target_kind,
    targetId: row.target_id,
    targetName: row.target_name,
    changes: parseChanges(row.changes),
  };
}

function filtered(db: Executor, filters: AuditFilters) {
  let query = db.selectFrom("audit_log").selectAll();
  if (filters.actor) {
    const text = filters.actor;
    query = query.where((eb) => containsText(db, eb.ref("actor"), text));
  }
  if (filters.kind) query = query.where("target_kind", "=", filters.kind);
  if (filters.target) {
    const text = filters.target;
    query = query.where((eb) => containsText(db, eb.ref("target_name"), text));
  }
  if (filters.from !== undefined) query = query.where("at", ">=", filters.from);
  if (filters.to !== undefined) query = query.where("at", "<", filters.to);
  return query;
}

export interface AuditPage {
  rows: AuditEntry[];
  /** Pass as `before` for the next page; null on the last one. */
  next: number | null;
}

/** One page, newest first; `before` is the id the previous page ended at. */
export async function searchAuditLog(
  db: Executor,
  filters: AuditFilters & { limit: number; before?: number },
): Promise<AuditPage> {
  let query = filtered(db, filters);
  if (filters.before !== undefined) query = query.where("id", "<", filters.before);
  const rows = (await query
    .orderBy("id", "desc")
    .limit(filters.limit + 1)
    .execute()) as AuditRow[];
  const page = rows.slice(0, filters.limit).map(toEntry);
  return { rows: page, next: rows.length > filters.limit ? (page.at(-1)?.id ?? null) : null };
}

/** Every matching row, newest first, in batches: for the CSV export. */
export async function* iterateAuditLog(
  db: Executor,
  filters: AuditFilters,
  batchSize: number,
): AsyncGenerator<AuditEntry[], void, undefined> {
  let before: number | undefined;
  for (;;) {
    const page = await searchAuditLog(db, { ...filters, limit: batchSize, before });
    if (page.rows.length > 0) yield page.rows;
    if (page.next === null) return;
    before = page.next;
  }
}

/** Who appears in the log, for the actor filter's suggestions. */
export async function listAuditActors(db: Executor): Promise<string[]> {
  const rows = await db.selectFrom("audit_log").select("actor").distinct().orderBy("actor").limit(200).execute();
  return rows.map((row) => row.actor);
}

/** Deletes up to `batchSize` audit rows older than the cutoff; returns how many (the retention job). */
export async function deleteAuditBatch(db: Executor, cutoffMs: number, batchSize: number): Promise<number> {
  const result = await db
    .deleteFrom("audit_log")
    .where("id", "in", (eb) =>
      eb.selectFrom("audit_log").select("id").where("at", "<", cutoffMs).orderBy("at").limit(batchSize),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
