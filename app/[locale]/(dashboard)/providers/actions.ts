"use server";

import { revalidatePath } from "next/cache";
import { createProvider, deleteProvider, setProviderEnabled, updateProvider } from "@/db/queries/providers";
import type { ActionResult } from "@/lib/action-result";
import {
  invalidFields,
  invalidInput,
  notFound,
  runAdminAction,
  type DataErrorResults,
} from "@/app/_framework/admin-action";
import { testProviderById, type ProviderTestResult } from "@/lib/server/provider-test";
import type { ServerState } from "@/lib/server/state";
import { enabledSchema, idSchema, providerSchema } from "./provider-schema";

const errors: DataErrorResults = {
  // The only reference a provider holds is its endpoint: it was deleted meanwhile.
  in_use: { ok: false, fieldErrors: { credentialId: "notFound" } },
};

/** Takes effect on the gateway now; `changedId`'s breaker history is forgotten (it was edited). */
async function applied(state: ServerState, changedId?: number): Promise<ActionResult> {
  await state.reloadConfig();
  if (changedId !== undefined) state.runtime.breakers.reset(changedId);
  revalidatePath("/[locale]/(dashboard)/providers", "page");
  // Endpoints show how many providers use them.
  revalidatePath("/[locale]/(dashboard)/credentials", "page");
  return { ok: true };
}

export async function createProviderAction(input: unknown): Promise<ActionResult> {
  return runAdminAction(async (state) => {
    const parsed = providerSchema.safeParse(input);
    if (!parsed.success) return invalidFields(parsed.error);
    const { rpm, tpm, ...fields } = parsed.data;
    await createProvider(state.db, { ...fields, limits: { rpm, tpm } });
    return applied(state);
  }, errors);
}

export async function updateProviderAction(id: unknown, input: unknown): Promise<ActionResult> {
  return runAdminAction(async (state) => {
    const parsedId = idSchema.safeParse(id);
    if (!parsedId.success) return notFound;
    const parsed = providerSchema.safeParse(input);
    if (!parsed.success) return invalidFields(parsed.error);
    const { rpm, tpm, ...fields } = parsed.data;
    await updateProvider(state.db, parsedId.data, { ...fields, limits: { rpm, tpm } });
    return applied(state, parsedId.data);
  }, errors);
}

export async function setProviderEnabledAction(id: unknown, isEnabled: unknown): Promise<ActionResult> {
  return runAdminAction(async (state) => {
    const parsedId = idSchema.safeParse(id);
    const parsedEnabled = enabledSchema.safeParse(isEnabled);
    if (!parsedId.success || !parsedEnabled.success) return invalidInput;
    await setProviderEnabled(state.db, parsedId.data, parsedEnabled.data);
    // Re-enabling starts with a clean breaker, as the operator expects.
    return applied(state, parsedEnabled.data ? parsedId.data : undefined);
  }, errors);
}

export async function deleteProviderAction(id: unknown): Promise<ActionResult> {
  return runAdminAction(async (state) => {
    const parsedId = idSchema.safeParse(id);
    if (!parsedId.success) return notFound;
    await deleteProvider(state.db, parsedId.data);
    return applied(state, parsedId.data);
  }, errors);
}

/**
 * Sends a one-token request through the gateway's upstream path. The result holds status,
 * latency, a problem key and the upstream's redacted error text: never the key.
 */
export async function testProviderAction(id: unknown): Promise<ActionResult<ProviderTestResult>> {
  return runAdminAction(async (state) => {
    const parsedId = idSchema.safeParse(id);
    if (!parsedId.success) return notFound;
    const result = await testProviderById(state, parsedId.data);
    return result ? { ok: true, data: result } : notFound;
  });
}
