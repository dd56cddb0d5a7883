"use server";

import { revalidatePath } from "next/cache";
import { getCredential, getCredentialApiKey } from "@/db/queries/credentials";
import type { EndpointProtocol } from "@/db/schema";
import { isDataError } from "@/db/queries/errors";
import {
  findCredentialByEndpoint,
  getSeenModelIds,
  importModels,
  listUpstreamModelsOfCredential,
} from "@/lib/importer/apply";
import { fieldErrorsFrom, type ActionResult } from "@/lib/action-result";
import { endpointNameFor } from "@/lib/importer/base-url";
import { fetchModelList, ModelFetchError } from "@/lib/importer/fetch-models";
import { recordAdminChanges } from "@/app/_framework/admin-action";
import { authorizeAction } from "@/app/_framework/session";
import { getServerState } from "@/lib/server/state";
import { fetchModelsSchema, importModelsSchema } from "./import-schema";
import type { FetchedModels, FetchFailure, ImportSummary } from "./import-types";

/*
 * The model importer: list an endpoint's models (server-side, through the one outbound
 * client), then import the chosen ones in one transaction. No result ever carries a key,
 * and upstream text is never passed on: only a closed problem code and the HTTP status.
 */

/**
 * Lists the endpoint's models. For a known endpoint (chosen, or the same URL and key as one)
 * each model says whether it is new since the last import and whether a provider uses it.
 */
export async function fetchModelsAction(input: unknown): Promise<ActionResult<FetchedModels> | FetchFailure> {
  const access = await authorizeAction("admin");
  if (!access.ok) return access;
  const parsed = fetchModelsSchema.safeParse(input);
  if (!parsed.success) return { ok: false, fieldErrors: fieldErrorsFrom(parsed.error.issues) };
  try {
    const { db, cipher, outbound } = await getServerState();
    let baseUrl: string;
    let apiKey: string;
    let protocol: EndpointProtocol;
    let credential: { id: number; name: string } | undefined;
    if (parsed.data.kind === "existing") {
      const found = await getCredential(db, parsed.data.credentialId);
      const key = found && (await getCredentialApiKey(db, cipher, found.id));
      if (!found || key === undefined) return { ok: false, formError: "notFound" };
      credential = { id: found.id, name: found.name };
      baseUrl = found.baseUrl;
      apiKey = key;
      protocol = found.protocol;
    } else {
      baseUrl = parsed.data.baseUrl;
      apiKey = parsed.data.apiKey;
      protocol = parsed.data.protocol;
    }
    const list = await fetchModelList(outbound.getJson, baseUrl, apiKey, { protocol });
    credential ??= await findCredentialByEndpoint(db, cipher, list.baseUrl, apiKey, protocol);
    const seen = credential ? await getSeenModelIds(db, credential.id) : null;
    const imported = new Set(credential ? await listUpstreamModelsOfCredential(db, credential.id) : []);
    // Without a remembered list, the providers already on the endpoint stand for "last time".
    const reference = seen ? new Set(seen) : imported.size > 0 ? imported : null;
    return {
      ok: true,
      data: {
        baseUrl: list.baseUrl,
        credentialId: credential?.id ?? null,
        credentialName: credential?.name ?? null,
        suggestedName: endpointNameFor(list.baseUrl),
        hasHistory: reference !== null,
        models: list.models.map((model) => ({
          id: model.id,
          ownedBy: model.ownedBy,
          isNew: reference !== null && !reference.has(model.id),
          isImported: imported.has(model.id),
        })),
        skippedEntries: list.skippedEntries,
      },
    };
  } catch (error) {
    if (error instanceof ModelFetchError) return { ok: false, formError: error.problem, upstreamStatus: error.status };
    return { ok: false, formError: "unexpected" };
  }
}

function toFailure(error: unknown): ActionResult<never> {
  if (isDataError(error, "conflict")) return { ok: false, formError: "duplicateName" };
  // A chosen group or endpoint was deleted meanwhile (a missing one, or a foreign key miss).
  if (isDataError(error, "not_found") || isDataError(error, "in_use")) return { ok: false, formError: "notFound" };
  if (isDataError(error, "invalid")) return { ok: false, formError: "invalid" };
  return { ok: false, formError: "unexpected" };
}

/** Imports in one transaction; the summary lists what was created, updated and skipped. */
export async function importModelsAction(input: unknown): Promise<ActionResult<ImportSummary>> {
  const access = await authorizeAction("admin");
  if (!access.ok) return access;
  const { session } = access;
  const parsed = importModelsSchema.safeParse(input);
  if (!parsed.success) return { ok: false, fieldErrors: fieldErrorsFrom(parsed.error.issues) };
  const { endpoint, rows, onExisting, groupIds, newGroupNames, priority, weight, listedModelIds } = parsed.data;
  const state = await getServerState();
  let summary: ImportSummary;
  try {
    const result = await recordAdminChanges(session, state, () =>
      importModels(state.db, state.cipher, {
        endpoint,
        rows,
        onExisting,
        groups: { groupIds, newGroupNames, priority, weight },
        listedModelIds,
      }),
    );
    const { updatedProviderIds, ...rest } = result;
    for (const providerId of updatedProviderIds) state.runtime.breakers.reset(providerId);
    summary = rest;
  } catch (error) {
    return toFailure(error);
  }
  await state.reloadConfig();
  for (const section of ["import", "providers", "credentials", "groups", "keys"])
    revalidatePath(`/[locale]/(dashboard)/${section}`, "page");
  return { ok: true, data: summary };
}
