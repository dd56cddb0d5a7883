"use server";

import { revalidatePath } from "next/cache";
import { isDataError } from "@/db/queries/errors";
import { createProvider, deleteProvider, setProviderEnabled, updateProvider } from "@/db/queries/providers";
import { fieldErrorsFrom, unauthorized, type ActionResult } from "@/lib/action-result";
import { testProviderById, type ProviderTestResult } from "@/lib/server/provider-test";
import { getActionSession } from "@/lib/server/session";
import { getServerState } from "@/lib/server/state";
import { enabledSchema, idSchema, providerSchema } from "./provider-schema";

function toFailure(error: unknown): ActionResult {
  if (isDataError(error, "conflict")) return { ok: false, fieldErrors: { name: "duplicateName" } };
  if (isDataError(error, "not_found")) return { ok: false, formError: "notFound" };
  // The only reference a provider holds is its endpoint: it was deleted meanwhile.
  if (isDataError(error, "in_use")) return { ok: false, fieldErrors: { credentialId: "notFound" } };
  return { ok: false, formError: "unexpected" };
}

/** Takes effect on the gateway now; `changedId`'s breaker history is forgotten (it was edited). */
async function afterWrite(changedId?: number): Promise<void> {
  const state = await getServerState();
  await state.reloadConfig();
  if (changedId !== undefined) state.runtime.breakers.reset(changedId);
  revalidatePath("/[locale]/(dashboard)/providers", "page");
  // Endpoints show how many providers use them.
  revalidatePath("/[locale]/(dashboard)/credentials", "page");
}

export async function createProviderAction(input: unknown): Promise<ActionResult> {
  const session = await getActionSession();
  if (!session) return unauthorized;
  const parsed = providerSchema.safeParse(input);
  if (!parsed.success) return { ok: false, fieldErrors: fieldErrorsFrom(parsed.error.issues) };
  try {
    const { db } = await getServerState();
    await createProvider(db, parsed.data);
  } catch (error) {
    return toFailure(error);
  }
  await afterWrite();
  return { ok: true };
}

export async function updateProviderAction(id: unknown, input: unknown): Promise<ActionResult> {
  const session = await getActionSession();
  if (!session) return unauthorized;
  const parsedId = idSchema.safeParse(id);
  if (!parsedId.success) return { ok: false, formError: "notFound" };
  const parsed = providerSchema.safeParse(input);
  if (!parsed.success) return { ok: false, fieldErrors: fieldErrorsFrom(parsed.error.issues) };
  try {
    const { db } = await getServerState();
    await updateProvider(db, parsedId.data, parsed.data);
  } catch (error) {
    return toFailure(error);
  }
  await afterWrite(parsedId.data);
  return { ok: true };
}

export async function setProviderEnabledAction(id: unknown, isEnabled: unknown): Promise<ActionResult> {
  const session = await getActionSession();
  if (!session) return unauthorized;
  const parsedId = idSchema.safeParse(id);
  const parsedEnabled = enabledSchema.safeParse(isEnabled);
  if (!parsedId.success || !parsedEnabled.success) return { ok: false, formError: "invalid" };
  try {
    const { db } = await getServerState();
    await setProviderEnabled(db, parsedId.data, parsedEnabled.data);
  } catch (error) {
    return toFailure(error);
  }
  // Re-enabling starts with a clean breaker, as the operator expects.
  await afterWrite(parsedEnabled.data ? parsedId.data : undefined);
  return { ok: true };
}

export async function deleteProviderAction(id: unknown): Promise<ActionResult> {
  const session = await getActionSession();
  if (!session) return unauthorized;
  const parsedId = idSchema.safeParse(id);
  if (!parsedId.success) return { ok: false, formError: "notFound" };
  try {
    const { db } = await getServerState();
    await deleteProvider(db, parsedId.data);
  } catch (error) {
    return toFailure(error);
  }
  await afterWrite(parsedId.data);
  return { ok: true };
}

/**
 * Sends a one-token request through the gateway's upstream path. The result holds status,
 * latency, a problem key and the upstream's redacted error text: never the key.
 */
export async function testProviderAction(id: unknown): Promise<ActionResult<ProviderTestResult>> {
  const session = await getActionSession();
  if (!session) return unauthorized;
  const parsedId = idSchema.safeParse(id);
  if (!parsedId.success) return { ok: false, formError: "notFound" };
  try {
    const result = await testProviderById(await getServerState(), parsedId.data);
    if (!result) return { ok: false, formError: "notFound" };
    return { ok: true, data: result };
  } catch {
    return { ok: false, formError: "unexpected" };
  }
}
