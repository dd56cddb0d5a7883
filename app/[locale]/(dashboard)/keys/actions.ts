"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { createApiKey, deleteApiKey, setApiKeyEnabled, updateApiKey } from "@/db/queries/api-keys";
import { isDataError } from "@/db/queries/errors";
import { fieldErrorsFrom, unauthorized, type ActionResult } from "@/lib/action-result";
import { getActionSession } from "@/lib/server/session";
import { getServerState } from "@/lib/server/state";

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

function failure(error: unknown): ActionResult<never> {
  if (isDataError(error, "not_found")) return { ok: false, formError: "notFound" };
  // A foreign key miss: a chosen group was deleted meanwhile.
  if (isDataError(error, "in_use")) return { ok: false, fieldErrors: { groupIds: "notFound" } };
  if (isDataError(error, "invalid")) return { ok: false, fieldErrors: { name: "required" } };
  return { ok: false, formError: "unexpected" };
}

/** The gateway reloads before the action returns, so a disabled or revoked key is refused at once. */
async function applied(): Promise<void> {
  await (await getServerState()).reloadConfig();
  revalidatePath("/[locale]/(dashboard)/keys", "page");
}

/** Returns the full key exactly once, for the browser to show; only its hash is stored. */
export async function createApiKeyAction(input: unknown): Promise<ActionResult<{ key: string }>> {
  const session = await getActionSession();
  if (!session) return unauthorized;
  const parsed = createSchema.safeParse(input);
  if (!parsed.success) return { ok: false, fieldErrors: fieldErrorsFrom(parsed.error.issues) };
  try {
    const { db } = await getServerState();
    const { key } = await createApiKey(db, parsed.data);
    await applied();
    return { ok: true, data: { key } };
  } catch (error) {
    return failure(error);
  }
}

export async function updateApiKeyAction(keyId: unknown, input: unknown): Promise<ActionResult> {
  const session = await getActionSession();
  if (!session) return unauthorized;
  const target = id.safeParse(keyId);
  if (!target.success) return { ok: false, formError: "notFound" };
  const parsed = updateSchema.safeParse(input);
  if (!parsed.success) return { ok: false, fieldErrors: fieldErrorsFrom(parsed.error.issues) };
  try {
    const { db } = await getServerState();
    await updateApiKey(db, target.data, parsed.data);
    await applied();
    return { ok: true };
  } catch (error) {
    return failure(error);
  }
}

export async function setApiKeyEnabledAction(keyId: unknown, isEnabled: unknown): Promise<ActionResult> {
  const session = await getActionSession();
  if (!session) return unauthorized;
  const target = id.safeParse(keyId);
  const enabled = z.boolean().safeParse(isEnabled);
  if (!target.success) return { ok: false, formError: "notFound" };
  if (!enabled.success) return { ok: false, formError: "invalid" };
  try {
    const { db } = await getServerState();
    await setApiKeyEnabled(db, target.data, enabled.data);
    await applied();
    return { ok: true };
  } catch (error) {
    return failure(error);
  }
}

/** Revokes the key for good. */
export async function deleteApiKeyAction(keyId: unknown): Promise<ActionResult> {
  const session = await getActionSession();
  if (!session) return unauthorized;
  const target = id.safeParse(keyId);
  if (!target.success) return { ok: false, formError: "notFound" };
  try {
    const { db } = await getServerState();
    await deleteApiKey(db, target.data);
    await applied();
    return { ok: true };
  } catch (error) {
    return failure(error);
  }
}
