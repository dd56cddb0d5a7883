import type { RateLimits } from "../limits";
import { toRoutingStrategy, type RoutingStrategy } from "../routing-strategy";
import { NO_HEDGING, toHedgeMode, type HedgePolicy } from "../hedging";
import { fromDbBoolean, withTransaction } from "../dialect";
import type { Executor } from "../schema";
import { bumpConfigVersion } from "./config-state";
import { DataError, requireText, toDataError } from "./errors";

export interface GroupMemberInput {
  providerId: number;
  /** 1 is tried first. */
  priority: number;
  /** Load share among members of equal priority. */
  weight: number;
}

export interface GroupMemberView extends GroupMemberInput {
  providerName: string;
  isEnabled: boolean;
}

export interface GroupView {
  id: number;
  name: string;
  description: string;
  /** Ordered as the router tries them: priority ascending, then weight descending. */
  members: GroupMemberView[];
  /** Requests / tokens per minute over every key calling this group. */
  limits: RateLimits;
  strategy: RoutingStrategy;
  hedge: HedgePolicy;
  createdAt: number;
  updatedAt: number;
}

export interface GroupPatch {
  name?: string;
  description?: string;
  limits?: RateLimits;
  strategy?: RoutingStrategy;
  hedge?: HedgePolicy;
}

const conflictMessage = (name: string) => `A group named "${name}" already exists`;

/** The name is what clients send as `model`, so it is trimmed and must be unique. */
export async function createGroup(
  db: Executor,
  input: { name: string; description?: string; limits?: RateLimits; strategy?: RoutingStrategy; hedge?: HedgePolicy },
): Promise<number> {
  const name = requireText(input.name, "Name");
  const now = Date.now();
  try {
    return await withTransaction(db, async (trx) => {
      const row = await trx
        .insertInto("model_groups")
        .values({
          name,
          description: input.description?.trim() ?? "",
          rpm: input.limits?.rpm ?? null,
          tpm: input.limits?.tpm ?? null,
          routing_strategy: input.strategy ?? "weighted",
          hedge_mode: (input.hedge ?? NO_HEDGING).mode,
          hedge_delay_ms: (input.hedge ?? NO_HEDGING).delayMs,
          created_at: now,
          updated_at: now,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await bumpConfigVersion(trx);
      return row.id;
    });
  } catch (error) {
    throw toDataError(error, { conflict: conflictMessage(name) });
  }
}

export async function updateGroup(db: Executor, id: number, patch: GroupPatch): Promise<void> {
  const name = patch.name === undefined ? undefined : requireText(patch.name, "Name");
  const description = patch.description?.trim();
  try {
    await withTransaction(db, async (trx) => {
      const result = await trx
        .updateTable("model_groups")
        .set({
          name,
          description,
          rpm: patch.limits?.rpm,
          tpm: patch.limits?.tpm,
          routing_strategy: patch.strategy,
          hedge_mode: patch.hedge?.mode,
          hedge_delay_ms: patch.hedge?.delayMs,
          updated_at: Date.now(),
        })
        .where("id", "=", id)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) throw new DataError("not_found", `Group ${id} does not exist`);
      await bumpConfigVersion(trx);
    });
  } catch (error) {
    throw toDataError(error, { conflict: conflictMessage(name ?? "") });
  }
}

export function renameGroup(db: Executor, id: number, name: string): Promise<void> {
  return updateGroup(db, id, { name });
}

/** Members and key grants go with it (ON DELETE CASCADE). */
export async function deleteGroup(db: Executor, id: number): Promise<void> {
  await withTransaction(db, async (trx) => {
    const result = await trx.deleteFrom("model_groups").where("id", "=", id).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw new DataError("not_found", `Group ${id} does not exist`);
    await bumpConfigVersion(trx);
  });
}

function checkMember(member: GroupMemberInput): void {
  if (!Number.isInteger(member.priority) || member.priority < 1) {
    throw new DataError("invalid", "Priority must be a whole number of 1 or more");
  }
  if (!Number.isInteger(member.weight) || member.weight < 1) {
    throw new DataError("invalid", "Weight must be a whole number of 1 or more");
  }
}

/** Adds the provider to the group, or changes its priority and weight if already there. */
export async function setGroupMember(db: Executor, groupId: number, member: GroupMemberInput): Promise<void> {
  checkMember(member);
  try {
    await withTransaction(db, async (trx) => {
      await trx
        .insertInto("group_members")
        .values({ group_id: groupId, provider_id: member.providerId, priority: member.priority, weight: member.weight })
        .onConflict((oc) =>
          oc.columns(["group_id", "provider_id"]).doUpdateSet((eb) => ({
            priority: eb.ref("excluded.priority"),
            weight: eb.ref("excluded.weight"),
          })),
        )
        .execute();
      await bumpConfigVersion(trx);
    });
  } catch (error) {
    throw toDataError(error, { inUse: "The group or provider does not exist" });
  }
}

/** Replaces the whole member list in one transaction (the group form saves it at once). */
export async function replaceGroupMembers(db: Executor, groupId: number, members: GroupMemberInput[]): Promise<void> {
  members.forEach(checkMember);
  try {
    await withTransaction(db, async (trx) => {
      await trx.deleteFrom("group_members").where("group_id", "=", groupId).execute();
      if (members.length > 0) {
        await trx
          .insertInto("group_members")
          .values(
            members.map((m) => ({
              group_id: groupId,
              provider_id: m.providerId,
              priority: m.priority,
              weight: m.weight,
            })),
          )
          .execute();
      }
      await bumpConfigVersion(trx);
    });
  } catch (error) {
    throw toDataError(error, {
      inUse: "The group or a provider does not exist",
      conflict: "A provider is listed twice",
    });
  }
}

export async function removeGroupMember(db: Executor, groupId: number, providerId: number): Promise<void> {
  await withTransaction(db, async (trx) => {
    await trx
      .deleteFrom("group_members")
      .where("group_id", "=", groupId)
      .where("provider_id", "=", providerId)
      .execute();
    await bumpConfigVersion(trx);
  });
}

/** Members of one group, or of every group when `groupId` is undefined. */
async function loadMembers(db: Executor, groupId?: number): Promise<Map<number, GroupMemberView[]>> {
  const byGroup = new Map<number, GroupMemberView[]>();
  let query = db
    .selectFrom("group_members as m")
    .innerJoin("providers as p", "p.id", "m.provider_id")
    .select(["m.group_id", "m.provider_id", "m.priority", "m.weight", "p.name", "p.is_enabled"])
    .orderBy("m.priority", "asc")
    .orderBy("m.weight", "desc")
    .orderBy("p.name", "asc");
  if (groupId !== undefined) query = query.where("m.group_id", "=", groupId);
  const rows = await query.execute();
  for (const row of rows) {
    const members = byGroup.get(row.group_id) ?? [];
    members.push({
      providerId: row.provider_id,
      providerName: row.name,
      priority: row.priority,
      weight: row.weight,
      isEnabled: fromDbBoolean(row.is_enabled),
    });
    byGroup.set(row.group_id, members);
  }
  return byGroup;
}

function selectGroups(db: Executor) {
  return db
    .selectFrom("model_groups")
    .select([
      "id",
      "name",
      "description",
      "rpm",
      "tpm",
      "routing_strategy",
      "hedge_mode",
      "hedge_delay_ms",
      "created_at as createdAt",
      "updated_at as updatedAt",
    ]);
}

type GroupRow = Awaited<ReturnType<ReturnType<typeof selectGroups>["executeTakeFirstOrThrow"]>>;

function toView(
  { rpm, tpm, routing_strategy, hedge_mode, hedge_delay_ms, ...group }: GroupRow,
  members: GroupMemberView[],
): GroupView {
  return {
    ...group,
    members,
    limits: { rpm, tpm },
    strategy: toRoutingStrategy(routing_strategy),
    hedge: { mode: toHedgeMode(hedge_mode), delayMs: hedge_delay_ms },
  };
}

export async function listGroups(db: Executor): Promise<GroupView[]> {
  const groups = await selectGroups(db).orderBy("name").execute();
  const members = await loadMembers(db);
  return groups.map((group) => toView(group, members.get(group.id) ?? []));
}

export async function getGroup(db: Executor, id: number): Promise<GroupView | undefined> {
  const group = await selectGroups(db).where("id", "=", id).executeTakeFirst();
  if (!group) return undefined;
  const members = await loadMembers(db, id);
  return toView(group, members.get(id) ?? []);
}
