import type { Transaction } from "kysely";
import { apiKeyPrefix, generateApiKey, hashApiKey } from "../crypto";
import { fromDbBoolean, toDbBoolean, withTransaction } from "../dialect";
import { NO_KEY_LIMITS, type KeyLimits } from "../limits";
import type { Database, Executor } from "../schema";
import { bumpConfigVersion } from "./config-state";
import { DataError, requireText, toDataError } from "./errors";

export interface ApiKeyInput {
  name: string;
  /** When true the key may call every group, including ones created later. */
  allGroups: boolean;
  /** Kept even while allGroups is on, so switching it off restores the earlier choice. */
  groupIds: number[];
  /** Epoch ms, or null for no expiry. */
  expiresAt: number | null;
  /** Rates, concurrency and budgets; none when absent. */
  limits?: KeyLimits;
}

export type ApiKeyPatch = Partial<ApiKeyInput>;

/** What the dashboard lists; the hash stays in the database. */
export interface ApiKeyView {
  id: number;
  name: string;
  keyPrefix: string;
  isEnabled: boolean;
  allGroups: boolean;
  groupIds: number[];
  expiresAt: number | null;
  lastUsedAt: number | null;
  createdAt: number;
  limits: KeyLimits;
}

/** The api_keys columns that hold a key's limits. */
export const KEY_LIMIT_COLUMNS = [
  "rpm",
  "tpm",
  "max_concurrent",
  "budget_day",
  "budget_month",
  "budget_total",
] as const;

type KeyLimitRow = { [C in (typeof KEY_LIMIT_COLUMNS)[number]]: number | null };

export function keyLimitsOf(row: KeyLimitRow): KeyLimits {
  return {
    rpm: row.rpm,
    tpm: row.tpm,
    maxConcurrent: row.max_concurrent,
    budgetDay: row.budget_day,
    budgetMonth: row.budget_month,
    budgetTotal: row.budget_total,
  };
}

function limitColumns(limits: KeyLimits): KeyLimitRow {
  return {
    rpm: limits.rpm,
    tpm: limits.tpm,
    max_concurrent: limits.maxConcurrent,
    budget_day: limits.budgetDay,
    budget_month: limits.budgetMonth,
    budget_total: limits.budgetTotal,
  };
}

const missingGroup = "A chosen group does not exist";

async function writeGroupGrants(trx: Transaction<Database>, apiKeyId: number, groupIds: number[]): Promise<void> {
  await trx.deleteFrom("api_key_groups").where("api_key_id", "=", apiKeyId).execute();
  const unique = [...new Set(groupIds)];
  if (unique.length === 0) return;
  await trx
    .insertInto("api_key_groups")
    .values(unique.map((groupId) => ({ api_key_id: apiKeyId, group_id: groupId })))
    .execute();
}

/** Returns the full key once; only its hash and prefix are stored. */
export function createApiKey(db: Executor, input: ApiKeyInput): Promise<{ id: number; key: string }> {
  return importApiKey(db, input, generateApiKey());
}

/** Stores a key whose secret was made elsewhere (an importer keeping clients' keys working). */
export async function importApiKey(
  db: Executor,
  input: ApiKeyInput & { isEnabled?: boolean },
  key: string,
): Promise<{ id: number; key: string }> {
  const name = requireText(input.name, "Name");
  try {
    return await withTransaction(db, async (trx) => {
      const row = await trx
        .insertInto("api_keys")
        .values({
          name,
          key_hash: hashApiKey(key),
          key_prefix: apiKeyPrefix(key),
          all_groups: toDbBoolean(input.allGroups),
          ...(input.isEnabled === false ? { is_enabled: toDbBoolean(false) } : {}),
          expires_at: input.expiresAt,
          created_at: Date.now(),
          ...limitColumns(input.limits ?? NO_KEY_LIMITS),
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await writeGroupGrants(trx, row.id, input.groupIds);
      await bumpConfigVersion(trx);
      return { id: row.id, key };
    });
  } catch (error) {
    throw toDataError(error, { inUse: missingGroup });
  }
}

export async function updateApiKey(db: Executor, id: number, patch: ApiKeyPatch): Promise<void> {
  const name = patch.name === undefined ? undefined : requireText(patch.name, "Name");
  try {
    await withTransaction(db, async (trx) => {
      const exists = await trx.selectFrom("api_keys").select("id").where("id", "=", id).executeTakeFirst();
      if (!exists) throw new DataError("not_found", `API key ${id} does not exist`);
      const allGroups = patch.allGroups === undefined ? undefined : toDbBoolean(patch.allGroups);
      const limits = patch.limits === undefined ? {} : limitColumns(patch.limits);
      if (name !== undefined || allGroups !== undefined || patch.expiresAt !== undefined || patch.limits) {
        await trx
          .updateTable("api_keys")
          .set({ name, all_groups: allGroups, expires_at: patch.expiresAt, ...limits })
          .where("id", "=", id)
          .execute();
      }
      if (patch.groupIds !== undefined) await writeGroupGrants(trx, id, patch.groupIds);
      await bumpConfigVersion(trx);
    });
  } catch (error) {
    throw toDataError(error, { inUse: missingGroup });
  }
}

export async function setApiKeyEnabled(db: Executor, id: number, isEnabled: boolean): Promise<void> {
  await withTransaction(db, async (trx) => {
    const result = await trx
      .updateTable("api_keys")
      .set({ is_enabled: toDbBoolean(isEnabled) })
      .where("id", "=", id)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw new DataError("not_found", `API key ${id} does not exist`);
    await bumpConfigVersion(trx);
  });
}

/** Revokes the key for good; its log rows keep the name. */
export async function deleteApiKey(db: Executor, id: number): Promise<void> {
  await withTransaction(db, async (trx) => {
    const result = await trx.deleteFrom("api_keys").where("id", "=", id).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw new DataError("not_found", `API key ${id} does not exist`);
    await bumpConfigVersion(trx);
  });
}

async function loadGrants(db: Executor, apiKeyId?: number): Promise<Map<number, number[]>> {
  let query = db.selectFrom("api_key_groups").select(["api_key_id", "group_id"]).orderBy("group_id");
  if (apiKeyId !== undefined) query = query.where("api_key_id", "=", apiKeyId);
  const grants = new Map<number, number[]>();
  for (const row of await query.execute()) {
    const list = grants.get(row.api_key_id) ?? [];
    list.push(row.group_id);
    grants.set(row.api_key_id, list);
  }
  return grants;
}

/** Every key's group ids, for the config snapshot. */
export function listApiKeyGrants(db: Executor): Promise<Map<number, number[]>> {
  return loadGrants(db);
}

function selectKeys(db: Executor) {
  return db
    .selectFrom("api_keys")
    .select(["id", "name", "key_prefix", "is_enabled", "all_groups", "expires_at", "last_used_at", "created_at"])
    .select(KEY_LIMIT_COLUMNS);
}

type KeySelection = Awaited<ReturnType<ReturnType<typeof selectKeys>["executeTakeFirstOrThrow"]>>;

function toView(row: KeySelection, groupIds: number[]): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    keyPrefix: row.key_prefix,
    isEnabled: fromDbBoolean(row.is_enabled),
    allGroups: fromDbBoolean(row.all_groups),
    groupIds,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    createdAt: row.created_at,
    limits: keyLimitsOf(row),
  };
}

export async function listApiKeys(db: Executor): Promise<ApiKeyView[]> {
  const rows = await selectKeys(db).orderBy("created_at", "desc").orderBy("id", "desc").execute();
  const grants = await loadGrants(db);
  return rows.map((row) => toView(row, grants.get(row.id) ?? []));
}

export async function getApiKey(db: Executor, id: number): Promise<ApiKeyView | undefined> {
  const row = await selectKeys(db).where("id", "=", id).executeTakeFirst();
  if (!row) return undefined;
  const grants = await loadGrants(db, id);
  return toView(row, grants.get(id) ?? []);
}

/**
 * Records last use (id → epoch ms), never moving a time backwards. Usage is not
 * configuration: it leaves the config version alone, or every request would reload it.
 */
export async function touchApiKeys(db: Executor, entries: ReadonlyMap<number, number>): Promise<void> {
  if (entries.size === 0) return;
  await withTransaction(db, async (trx) => {
    for (const [id, at] of entries) {
      await trx
        .updateTable("api_keys")
        .set({ last_used_at: at })
        .where("id", "=", id)
        .where((eb) => eb.or([eb("last_used_at", "is", null), eb("last_used_at", "<", at)]))
        .execute();
    }
  });
}
