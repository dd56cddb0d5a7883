"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { createGroup, deleteGroup, removeGroupMember, setGroupMember, updateGroup } from "@/db/queries/groups";
import type { ActionResult } from "@/lib/action-result";
import { invalidFields, notFound, runAdminAction, type DataErrorResults } from "@/app/_framework/admin-action";
import type { ServerState } from "@/lib/server/state";
import { rateLimitFields, toRateLimits } from "../_components/limit-schema";
import { ROUTING_STRATEGIES } from "@/db/routing-strategy";
import { DEFAULT_HEDGE_DELAY_MS, HEDGE_DELAY_LIMITS, HEDGE_MODES, type HedgePolicy } from "@/db/hedging";

/** The name is what clients send as `model`, so it is taken exactly as typed: no silent trimming. */
const groupName = z
  .string({ error: "required" })
  .min(1, "required")
  .max(100, "tooLong")
  .refine((name) => name.trim() === name, "outerWhitespace")
  .refine((name) => !/[\u0000-\u001f\u007f]/.test(name), "invalid");

/** Milliseconds before a hedge starts; form fields arrive as strings. */
const hedgeDelay = z.preprocess(
  (value) =>
    value === "" || value === null || value === undefined
      ? DEFAULT_HEDGE_DELAY_MS
      : typeof value === "string"
        ? Number(value)
        : value,
  z
    .number({ error: "notANumber" })
    .int("notWholeNumber")
    .min(HEDGE_DELAY_LIMITS.min, "outOfRange")
    .max(HEDGE_DELAY_LIMITS.max, "outOfRange"),
);

const groupSchema = z.object({
  name: groupName,
  description: z.string().max(500, "tooLong").default(""),
  strategy: z.enum(ROUTING_STRATEGIES, { error: "invalid" }).default("weighted"),
  hedgeMode: z.enum(HEDGE_MODES, { error: "invalid" }).default("off"),
  hedgeDelayMs: hedgeDelay,
  ...rateLimitFields,
});

type GroupInput = z.infer<typeof groupSchema>;

function toGroupFields({ name, description, strategy, hedgeMode, hedgeDelayMs, ...limits }: GroupInput) {
  const hedge: HedgePolicy = { mode: hedgeMode, delayMs: hedgeDelayMs };
  return { name, description, strategy, hedge, limits: toRateLimits(limits) };
}

const id = z.number({ error: "notFound" }).int("notFound").positive("notFound");

/** A whole number from 1 up; form fields arrive as strings. */
const rank = z.preprocess(
  (value) =>
    value === "" || value === null || value === undefined
      ? undefined
      : typeof value === "string"
        ? Number(value)
        : value,
  z
    .number({ error: (issue) => (issue.input === undefined ? "required" : "notANumber") })
    .int("notWholeNumber")
    .min(1, "outOfRange")
    .max(1_000_000, "outOfRange"),
);

const memberSchema = z.object({ providerId: id, priority: rank, weight: rank });

const errors: DataErrorResults = {
  // For members, a foreign key miss means the group or provider was deleted meanwhile.
  in_use: notFound,
};

async function applied<T>(state: ServerState, result: ActionResult<T> = { ok: true }): Promise<ActionResult<T>> {
  await state.reloadConfig();
  revalidatePath("/[locale]/(dashboard)/groups", "page");
  // The keys page lists group names.
  revalidatePath("/[locale]/(dashboard)/keys", "page");
  return result;
}

export async function createGroupAction(input: unknown): Promise<ActionResult<{ id: number }>> {
  return runAdminAction(async (state) => {
    const parsed = groupSchema.safeParse(input);
    if (!parsed.success) return invalidFields(parsed.error);
    const groupId = await createGroup(state.db, toGroupFields(parsed.data));
    return applied(state, { ok: true, data: { id: groupId } });
  }, errors);
}

export async function updateGroupAction(groupId: unknown, input: unknown): Promise<ActionResult> {
  return runAdminAction(async (state) => {
    const target = id.safeParse(groupId);
    if (!target.success) return notFound;
    const parsed = groupSchema.safeParse(input);
    if (!parsed.success) return invalidFields(parsed.error);
    await updateGroup(state.db, target.data, toGroupFields(parsed.data));
    return applied(state);
  }, errors);
}

export async function deleteGroupAction(groupId: unknown): Promise<ActionResult> {
  return runAdminAction(async (state) => {
    const target = id.safeParse(groupId);
    if (!target.success) return notFound;
    await deleteGroup(state.db, target.data);
    return applied(state);
  }, errors);
}

/** Adds a provider to the group, or changes its priority and weight when it is already there. */
export async function setGroupMemberAction(groupId: unknown, input: unknown): Promise<ActionResult> {
  return runAdminAction(async (state) => {
    const target = id.safeParse(groupId);
    if (!target.success) return notFound;
    const parsed = memberSchema.safeParse(input);
    if (!parsed.success) return invalidFields(parsed.error);
    await setGroupMember(state.db, target.data, parsed.data);
    return applied(state);
  }, errors);
}

export async function removeGroupMemberAction(groupId: unknown, providerId: unknown): Promise<ActionResult> {
  return runAdminAction(async (state) => {
    const group = id.safeParse(groupId);
    const provider = id.safeParse(providerId);
    if (!group.success || !provider.success) return notFound;
    await removeGroupMember(state.db, group.data, provider.data);
    return applied(state);
  }, errors);
}
