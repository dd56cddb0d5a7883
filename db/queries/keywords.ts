import { fromDbBoolean, toDbBoolean, withTransaction } from "../dialect";
import type { Executor } from "../schema";
import { bumpConfigVersion } from "./config-state";
import { DataError, requireText } from "./errors";

export interface KeywordView {
  id: number;
  keyword: string;
  isEnabled: boolean;
  hitCount: number;
  lastHitAt: number | null;
  createdAt: number;
}

export interface KeywordPatch {
  keyword?: string;
  isEnabled?: boolean;
}

export interface KeywordHits {
  count: number;
  /** Epoch ms of the latest hit in this batch. */
  lastAt: number;
}

export async function createKeyword(db: Executor, input: { keyword: string; isEnabled?: boolean }): Promise<number> {
  const keyword = requireText(input.keyword, "Keyword");
  return withTransaction(db, async (trx) => {
    const row = await trx
      .insertInto("failure_keywords")
      .values({ keyword, is_enabled: toDbBoolean(input.isEnabled ?? true), created_at: Date.now() })
      .returning("id")
      .executeTakeFirstOrThrow();
    await bumpConfigVersion(trx);
    return row.id;
  });
}

export async function updateKeyword(db: Executor, id: number, patch: KeywordPatch): Promise<void> {
  const keyword = patch.keyword === undefined ? undefined : requireText(patch.keyword, "Keyword");
  const isEnabled = patch.isEnabled === undefined ? undefined : toDbBoolean(patch.isEnabled);
  await withTransaction(db, async (trx) => {
    const exists = await trx.selectFrom("failure_keywords").select("id").where("id", "=", id).executeTakeFirst();
    if (!exists) throw new DataError("not_found", `Keyword ${id} does not exist`);
    if (keyword !== undefined || isEnabled !== undefined) {
      await trx.updateTable("failure_keywords").set({ keyword, is_enabled: isEnabled }).where("id", "=", id).execute();
    }
    await bumpConfigVersion(trx);
  });
}

export function setKeywordEnabled(db: Executor, id: number, isEnabled: boolean): Promise<void> {
  return updateKeyword(db, id, { isEnabled });
}

export async function deleteKeyword(db: Executor, id: number): Promise<void> {
  await withTransaction(db, async (trx) => {
    const result = await trx.deleteFrom("failure_keywords").where("id", "=", id).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw new DataError("not_found", `Keyword ${id} does not exist`);
    await bumpConfigVersion(trx);
  });
}

export async function listKeywords(db: Executor): Promise<KeywordView[]> {
  const rows = await db
    .selectFrom("failure_keywords")
    .select(["id", "keyword", "is_enabled", "hit_count", "last_hit_at", "created_at"])
    .orderBy("keyword")
    .orderBy("id")
    .execute();
  return rows.map((row) => ({
    id: row.id,
    keyword: row.keyword,
    isEnabled: fromDbBoolean(row.is_enabled),
    hitCount: row.hit_count,
    lastHitAt: row.last_hit_at,
    createdAt: row.created_at,
  }));
}

/**
 * Adds buffered hit counts. Like key usage this is statistics, not configuration, so the
 * config version stays put. Ids of keywords deleted meanwhile simply match no row.
 */
export async function addKeywordHits(db: Executor, hits: ReadonlyMap<number, KeywordHits>): Promise<void> {
  if (hits.size === 0) return;
  await withTransaction(db, async (trx) => {
    for (const [id, { count, lastAt }] of hits) {
      await trx
        .updateTable("failure_keywords")
        .set((eb) => ({
          hit_count: eb("hit_count", "+", count),
          last_hit_at: eb
            .case()
            .when(eb.or([eb("last_hit_at", "is", null), eb("last_hit_at", "<", lastAt)]))
            .then(lastAt)
            .else(eb.ref("last_hit_at"))
            .end(),
        }))
        .where("id", "=", id)
        .execute();
    }
  });
}
