"use server";

import { revalidatePath } from "next/cache";
import { createCredential, deleteCredential, updateCredential } from "@/db/queries/credentials";
import { isDataError } from "@/db/queries/errors";
import { fieldErrorsFrom, unauthorized, type ActionResult } from "@/lib/action-result";
import { getActionSession } from "@/lib/server/session";
import { getServerState } from "@/lib/server/state";
import { createCredentialSchema, idSchema, updateCredentialSchema } from "./credential-schema";

/*
 * Endpoint credentials: base URL + key shared by many providers. No result ever carries the
 * key; the list shows only the stored hint.
 */

function toFailure(error: unknown): ActionResult {
  if (isDataError(error, "conflict")) return { ok: false, fieldErrors: { name: "duplicateName" } };
  if (isDataError(error, "not_found")) return { ok: false, formError: "notFound" };
  if (isDataError(error, "in_use")) return { ok: false, formError: "inUse" };
  return { ok: false, formError: "unexpected" };
}

async function afterWrite(): Promise<void> {
  await (await getServerState()).reloadConfig();
  revalidatePath("/[locale]/(dashboard)/credentials", "page");
  // Providers show their endpoint's name.
  revalidatePath("/[locale]/(dashboard)/providers", "page");
}

export async function createCredentialAction(input: unknown): Promise<ActionResult> {
  const session = await getActionSession();
  if (!session) return unauthorized;
  const parsed = createCredentialSchema.safeParse(input);
  if (!parsed.success) return { ok: false, fieldErrors: fieldErrorsFrom(parsed.error.issues) };
  try {
    const { db, cipher } = await getServerState();
    await createCredential(db, cipher, parsed.data);
  } catch (error) {
    return toFailure(error);
  }
  await afterWrite();
  return { ok: true };
}

/** A blank key keeps the stored one; a new key reaches every provider using this endpoint at once. */
export async function updateCredentialAction(id: unknown, input: unknown): Promise<ActionResult> {
  const session = await getActionSession();
  if (!session) return unauthorized;
  const parsedId = idSchema.safeParse(id);
  if (!parsedId.success) return { ok: false, formError: "notFound" };
  const parsed = updateCredentialSchema.safeParse(input);
  if (!parsed.success) return { ok: false, fieldErrors: fieldErrorsFrom(parsed.error.issues) };
  try {
    const { db, cipher } = await getServerState();
    await updateCredential(db, cipher, parsedId.data, parsed.data);
  } catch (error) {
    return toFailure(error);
  }
  await afterWrite();
  return { ok: true };
}

/** Refused (`inUse`) while providers use the endpoint. */
export async function deleteCredentialAction(id: unknown): Promise<ActionResult> {
  const session = await getActionSession();
  if (!session) return unauthorized;
  const parsedId = idSchema.safeParse(id);
  if (!parsedId.success) return { ok: false, formError: "notFound" };
  try {
    const { db } = await getServerState();
    await deleteCredential(db, parsedId.data);
  } catch (error) {
    return toFailure(error);
  }
  await afterWrite();
  return { ok: true };
}
