"use server";

import { revalidatePath } from "next/cache";
import { createCredential, deleteCredential, updateCredential } from "@/db/queries/credentials";
import type { ActionResult } from "@/lib/action-result";
import { invalidFields, notFound, runAdminAction } from "@/app/_framework/admin-action";
import type { ServerState } from "@/lib/server/state";
import { createCredentialSchema, idSchema, updateCredentialSchema } from "./credential-schema";

/*
 * Endpoint credentials: base URL + key shared by many providers. No result ever carries the
 * key; the list shows only the stored hint.
 */

async function applied(state: ServerState): Promise<ActionResult> {
  await state.reloadConfig();
  revalidatePath("/[locale]/(dashboard)/credentials", "page");
  // Providers show their endpoint's name.
  revalidatePath("/[locale]/(dashboard)/providers", "page");
  return { ok: true };
}

export async function createCredentialAction(input: unknown): Promise<ActionResult> {
  return runAdminAction(async (state) => {
    const parsed = createCredentialSchema.safeParse(input);
    if (!parsed.success) return invalidFields(parsed.error);
    await createCredential(state.db, state.cipher, parsed.data);
    return applied(state);
  });
}

/** A blank key keeps the stored one; a new key reaches every provider using this endpoint at once. */
export async function updateCredentialAction(id: unknown, input: unknown): Promise<ActionResult> {
  return runAdminAction(async (state) => {
    const parsedId = idSchema.safeParse(id);
    if (!parsedId.success) return notFound;
    const parsed = updateCredentialSchema.safeParse(input);
    if (!parsed.success) return invalidFields(parsed.error);
    await updateCredential(state.db, state.cipher, parsedId.data, parsed.data);
    return applied(state);
  });
}

/** Refused (`inUse`) while providers use the endpoint. */
export async function deleteCredentialAction(id: unknown): Promise<ActionResult> {
  return runAdminAction(async (state) => {
    const parsedId = idSchema.safeParse(id);
    if (!parsedId.success) return notFound;
    await deleteCredential(state.db, parsedId.data);
    return applied(state);
  });
}
