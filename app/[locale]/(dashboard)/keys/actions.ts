"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { createApiKey, deleteApiKey, setApiKeyEnabled, updateApiKey } from "@/db/queries/api-keys";
import type { ActionResult } from "@/lib/action-result";
import {
  invalidFields,
  invalidInput,
  notFound,
  runAdminAction,
  type DataErrorResults,
} from "@/app/_framework/admin-action";
import type { ServerState } from "@/lib/server/state";
import { keyLimitFields, toKeyLimits } from "../_components/limit-schema";

const id = z.number({ error: "notFound" }).int("notFound").positive("notFound");
const HUNDRED_YEARS_MS = 100 * 365 * 86_400_000;

/** Epoch ms in the future, or null for "never". Checked against the server's clock. */
const expiresAt = z
  .number({ error: "invalid" })
  .int("invalid")
  .nullable()
  .refine((value) => value === null || value > Date.now(), "expiryInPast")
  .refine((value) => value === null || value < Date.now() + HUNDRED_YEARS_MS, "outOfRange");

const keyFields = {
  name: z.string({ error: "required" }).trim().min(1, "required").max(100, "tooLong"),
  allGroups: z.boolean({ error: "invalid" }),
  groupIds: z.array(id).max(10_000, "tooLong"),
  ...keyLimitFields,
};

/** A key limited to no group at all could call nothing: ask for a choice instead. */
function requireSomeGroup(value: { allGroups: boolean; groupIds: number[] }, context: z.RefinementCtx): void {
  if (!value.allGroups && value.groupIds.length === 0) {
    context.addIssue({ code: "custom", path: ["groupIds"], message: "noGroupsChosen" });
  }
}

const createSchema = z.object({ ...keyFields, expiresAt: expiresAt.default(null) }).superRefine(requireSomeGroup);
/** `expiresAt` left out keeps the current expiry, even one already past. */
const updateSchema = z.object({ ...keyFields, expiresAt: expiresAt.optional() }).superRefine(requireSomeGroup);

const errors: DataErrorResults = {
  // A foreign key miss: a chosen group was deleted meanwhile.
  in_use: { ok: false, fieldErrors: { groupIds: "notFound" } },
  invalid: { ok: false, fieldErrors: { name: "required" } },
};

/** The gateway reloads before the action returns, so a disabled or revoked key is refused at once. */
async function applied<T>(state: ServerState, result: ActionResult<T> = { ok: true }): Promise<ActionResult<T>> {
  await state.reloadConfig();
  revalidatePath("/[locale]/(dashboard)/keys", "page");
  return result;
}

/** Returns the full key exactly once, for the browser to show; only its hash is stored. */
export async function createApiKeyAction(input: unknown): Promise<ActionResult<{ key: string }>> {
  return runAdminAction(async (state) => {
    const parsed = createSchema.safeParse(input);
    if (!parsed.success) return invalidFields(parsed.error);
    const { key } = await createApiKey(state.db, { ...parsed.data, limits: toKeyLimits(parsed.data) });
    return applied(state, { ok: true, data: { key } });
  }, errors);
}

export async function updateApiKeyAction(keyId: unknown, input: unknown): Promise<ActionResult> {
  return runAdminAction(async (state) => {
    const target = id.safeParse(keyId);
    if (!target.success) return notFound;
    const parsed = updateSchema.safeParse(input);
    if (!parsed.success) return invalidFields(parsed.error);
    await updateApiKey(state.db, target.data, { ...parsed.data, limits: toKeyLimits(parsed.data) });
    return applied(state);
  }, errors);
}

export async function setApiKeyEnabledAction(keyId: unknown, isEnabled: unknown): Promise<ActionResult> {
  return runAdminAction(async (state) => {
    const target = id.safeParse(keyId);
    const enabled = z.boolean().safeParse(isEnabled);
    if (!target.success) return notFound;
    if (!enabled.success) return invalidInput;
    await setApiKeyEnabled(state.db, target.data, enabled.data);
    return applied(state);
  }, errors);
}

/** Revokes the key for good. */
export async function deleteApiKeyAction(keyId: unknown): Promise<ActionResult> {
  return runAdminAction(async (state) => {
    const target = id.safeParse(keyId);
    if (!target.success) return notFound;
    await deleteApiKey(state.db, target.data);
    return applied(state);
  }, errors);
}
