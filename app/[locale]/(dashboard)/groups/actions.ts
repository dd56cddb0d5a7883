"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { createGroup, deleteGroup, removeGroupMember, setGroupMember, updateGroup } from "@/db/queries/groups";
import { isDataError } from "@/db/queries/errors";
import { fieldErrorsFrom, unauthorized, type ActionResult } from "@/lib/action-result";
import { getActionSession } from "@/lib/server/session";
import { getServerState } from "@/lib/server/state";

/** The name is what clients send as `model`, so it is taken exactly as typed: no silent trimming. */
const groupName = z
  .string({ error: "required" })
  .min(1, "required")
  .max(100, "tooLong")
  .refine((name) => name.trim() === name, "outerWhitespace")
  .refine((name) => !/[\u0000-\u001f\u007f]/.test(name), "invalid");

const groupSchema = z.object({
  name: groupName,
  description: z.string().max(500, "tooLong").default(""),
});

const id = z.number({ error: "notFound" }).int("notFound").positive("notFound");

/** A whole number from 1 up; form fields arrive as strings. */
const rank = z.preprocess(
  (value) => (value === "" || value === null || value === undefined ? undefined : typeof value === "string" ? Number(value) : value),
  z
    .number({ error: (issue) => (issue.input === undefined ? "required" : "notANumber") })
    .int("notWholeNumber")
    .min(1, "outOfRange")
    .max(1_000_000, "outOfRange"),
);

const memberSchema = z.object({ providerId: id, priority: rank, weight: rank });

function failure(error: unknown): ActionResult<never> {
  if (isDataError(error, "conflict")) return { ok: false, fieldErrors: { name: "duplicateName" } };
  if (isDataError(error, "not_found")) return { ok: false, formError: "notFound" };
  // For members, a foreign key miss means the group or provider was deleted meanwhile.
  if (isDataError(error, "in_use")) return { ok: false, formError: "notFound" };
  return { ok: false, formError: "unexpected" };
}

async function applied(): Promise<void> {
  await (await getServerState()).reloadConfig();
  revalidatePath("/[locale]/(dashboard)/groups", "page");
  // The keys page lists group names.
  revalidatePath("/[locale]/(dashboard)/keys", "page");
}

export async function createGroupAction(input: unknown): Promise<ActionResult<{ id: number }>> {
  const session = await getActionSession();
  if (!session) return unauthorized;
  const parsed = groupSchema.safeParse(input);
  if (!parsed.success) return { ok: false, fieldErrors: fieldErrorsFrom(parsed.error.issues) };
  try {
    const { db } = await getServerState();
    const groupId = await createGroup(db, parsed.data);
    await applied();
    return { ok: true, data: { id: groupId } };
  } catch (error) {
    return failure(error);
  }
}

export async function updateGroupAction(groupId: unknown, input: unknown): Promise<ActionResult> {
  const session = await getActionSession();
  if (!session) return unauthorized;
  const target = id.safeParse(groupId);
  if (!target.success) return { ok: false, formError: "notFound" };
  const parsed = groupSchema.safeParse(input);
  if (!parsed.success) return { ok: false, fieldErrors: fieldErrorsFrom(parsed.error.issues) };
  try {
    const { db } = await getServerState();
    await updateGroup(db, target.data, parsed.data);
    await applied();
    return { ok: true };
  } catch (error) {
    return failure(error);
  }
}

export async function deleteGroupAction(groupId: unknown): Promise<ActionResult> {
  const session = await getActionSession();
  if (!session) return unauthorized;
  const target = id.safeParse(groupId);
  if (!target.success) return { ok: false, formError: "notFound" };
  try {
    const { db } = await getServerState();
    await deleteGroup(db, target.data);
    await applied();
    return { ok: true };
  } catch (error) {
    return failure(error);
  }
}

/** Adds a provider to the group, or changes its priority and weight when it is already there. */
export async function setGroupMemberAction(groupId: unknown, input: unknown): Promise<ActionResult> {
  const session = await getActionSession();
  if (!session) return unauthorized;
  const target = id.safeParse(groupId);
  if (!target.success) return { ok: false, formError: "notFound" };
  const parsed = memberSchema.safeParse(input);
  if (!parsed.success) return { ok: false, fieldErrors: fieldErrorsFrom(parsed.error.issues) };
  try {
    const { db } = await getServerState();
    await setGroupMember(db, target.data, parsed.data);
    await applied();
    return { ok: true };
  } catch (error) {
    return failure(error);
  }
}

export async function removeGroupMemberAction(groupId: unknown, providerId: unknown): Promise<ActionResult> {
  const session = await getActionSession();
  if (!session) return unauthorized;
  const group = id.safeParse(groupId);
  const provider = id.safeParse(providerId);
  if (!group.success || !provider.success) return { ok: false, formError: "notFound" };
  try {
    const { db } = await getServerState();
    await removeGroupMember(db, group.data, provider.data);
    await applied();
    return { ok: true };
  } catch (error) {
    return failure(error);
  }
}
