import { z } from "zod";
import type { SecretCipher } from "../../db/crypto";
import { computeImportPlan, type ExistingNamePolicy, type ImportRow } from "./plan";
import { withTransaction } from "../../db/dialect";
import type { EndpointProtocol, Executor } from "../../db/schema";
import { bumpConfigVersion } from "../../db/queries/config-state";
import { maskApiKey, normalizeBaseUrl } from "../../db/queries/credentials";
import { DataError, requireText, toDataError } from "../../db/queries/errors";
import { formatWorkKinds } from "../../db/work-kinds";

/*
 * The model importer's writes: one endpoint for all, one provider per kept model, group
 * memberships, and the list the endpoint showed (to mark new models next time), all in ONE
 * transaction, so a failure anywhere leaves nothing behind.
 */

export type ImportEndpoint =
  | { kind: "existing"; credentialId: number }
  /** Reused when an endpoint with this base URL and key exists; created otherwise. */
  | { kind: "new"; name: string; baseUrl: string; apiKey: string; protocol?: EndpointProtocol };

export interface ImportGroups {
  groupIds: number[];
  /** Created unless a group of that name exists, which is then used. */
  newGroupNames: string[];
  priority: number;
  weight: number;
}

export interface ImportModelsPlan {
  endpoint: ImportEndpoint;
  rows: ImportRow[];
  onExisting: ExistingNamePolicy;
  groups: ImportGroups;
  /** Every id the endpoint listed (kept or not). */
  listedModelIds: string[];
}

export interface ImportModelsResult {
  credentialId: number;
  credentialName: string;
  isCredentialCreated: boolean;
  created: string[];
  updated: string[];
  skipped: string[];
  createdGroups: string[];
  /** Every group the imported providers were placed in, by name. */
  groupNames: string[];
  /** Ids of updated providers: their breaker history no longer describes them. */
  updatedProviderIds: number[];
}

const CHUNK = 100;

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

/** The endpoint with this base URL, key and protocol, if one exists (keys are compared decrypted). */
export async function findCredentialByEndpoint(
  db: Executor,
  cipher: SecretCipher,
  baseUrl: string,
  apiKey: string,
  protocol: EndpointProtocol = "openai",
): Promise<{ id: number; name: string } | undefined> {
  const rows = await db
    .selectFrom("endpoint_credentials")
    .select(["id", "name", "api_key_encrypted"])
    .where("base_url", "=", normalizeBaseUrl(baseUrl))
    .where("protocol", "=", protocol)
    .orderBy("id")
    .execute();
  for (const row of rows) {
    try {
      if (cipher.decrypt(row.api_key_encrypted) === apiKey) return { id: row.id, name: row.name };
    } catch {
      // A key written under another encryption key cannot match.
    }
  }
  return undefined;
}

const snapshotSchema = z.array(z.string());

/** The ids the endpoint listed at its last import, or null when it was never imported from. */
export async function getSeenModelIds(db: Executor, credentialId: number): Promise<string[] | null> {
  const row = await db
    .selectFrom("model_list_snapshots")
    .select("model_ids")
    .where("credential_id", "=", credentialId)
    .executeTakeFirst();
  if (!row) return null;
  try {
    const parsed = snapshotSchema.safeParse(JSON.parse(row.model_ids));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Upstream model ids of the providers that use this endpoint. */
export async function listUpstreamModelsOfCredential(db: Executor, credentialId: number): Promise<string[]> {
  const rows = await db
    .selectFrom("providers")
    .select("upstream_model")
    .where("credential_id", "=", credentialId)
    .execute();
  return rows.map((row) => row.upstream_model);
}

async function uniqueCredentialName(db: Executor, wanted: string): Promise<string> {
  const base = requireText(wanted, "Endpoint name").slice(0, 90);
  const taken = new Set((await db.selectFrom("endpoint_credentials").select("name").execute()).map((row) => row.name));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n += 1) {
    const candidate = `${base} (${n})`;
    if (!taken.has(candidate)) return candidate;
  }
}

async function resolveEndpoint(db: Executor, cipher: SecretCipher, endpoint: ImportEndpoint, now: number) {
  if (endpoint.kind === "existing") {
    const row = await db
      .selectFrom("endpoint_credentials")
      .select(["id", "name"])
      .where("id", "=", endpoint.credentialId)
      .executeTakeFirst();
    if (!row) throw new DataError("not_found", `Endpoint ${endpoint.credentialId} does not exist`);
    return { id: row.id, name: row.name, isCreated: false };
  }
  const apiKey = requireText(endpoint.apiKey, "API key");
  const found = await findCredentialByEndpoint(db, cipher, endpoint.baseUrl, apiKey, endpoint.protocol);
  if (found) return { ...found, isCreated: false };
  const name = await uniqueCredentialName(db, endpoint.name);
  const row = await db
    .insertInto("endpoint_credentials")
    .values({
      name,
      base_url: normalizeBaseUrl(endpoint.baseUrl),
      protocol: endpoint.protocol ?? "openai",
      api_key_encrypted: cipher.encrypt(apiKey),
      key_hint: maskApiKey(apiKey),
      created_at: now,
      updated_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { id: row.id, name, isCreated: true };
}

async function existingProviderIds(db: Executor, names: readonly string[]): Promise<Map<string, number>> {
  const byName = new Map<string, number>();
  for (const part of chunks([...new Set(names)], 500)) {
    const rows = await db.selectFrom("providers").select(["id", "name"]).where("name", "in", part).execute();
    for (const row of rows) byName.set(row.name, row.id);
  }
  return byName;
}

/** Existing groups are used as they are; new names become groups (or match one that exists). */
async function resolveGroups(
  db: Executor,
  groups: ImportGroups,
  now: number,
): Promise<{ ids: number[]; names: string[]; created: string[] }> {
  const ids = new Set(groups.groupIds);
  const created: string[] = [];
  const names = [...new Set(groups.newGroupNames.map((name) => requireText(name, "Group name")))];
  const existing =
    names.length === 0
      ? []
      : await db.selectFrom("model_groups").select(["id", "name"]).where("name", "in", names).execute();
  const existingByName = new Map(existing.map((row) => [row.name, row.id]));
  for (const name of names) {
    const id = existingByName.get(name);
    if (id !== undefined) {
      ids.add(id);
      continue;
    }
    const row = await db
      .insertInto("model_groups")
      .values({ name, description: "", created_at: now, updated_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    ids.add(row.id);
    created.push(name);
  }
  const all =
    ids.size === 0
      ? []
      : await db
          .selectFrom("model_groups")
          .select("name")
          .where("id", "in", [...ids])
          .orderBy("name")
          .execute();
  // Checked even when no provider is placed: a vanished group must not pass unnoticed.
  if (all.length < ids.size) throw new DataError("not_found", "A chosen group no longer exists");
  return { ids: [...ids], names: all.map((row) => row.name), created };
}

function checkRank(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 1)
    throw new DataError("invalid", `${what} must be a whole number of 1 or more`);
}

/**
 * Imports in one transaction: the endpoint, then per row create / update / skip (decided
 * here, against the names that exist now), then memberships of every created or updated
 * provider in every chosen group. Any failure rolls all of it back and throws a DataError
 * (`conflict`, `not_found`, `in_use` for a group deleted meanwhile, `invalid`) or the cause.
 */
export async function importModels(
  db: Executor,
  cipher: SecretCipher,
  plan: ImportModelsPlan,
): Promise<ImportModelsResult> {
  checkRank(plan.groups.priority, "Priority");
  checkRank(plan.groups.weight, "Weight");
  try {
    return await withTransaction(db, async (trx) => {
      const now = Date.now();
      const endpoint = await resolveEndpoint(trx, cipher, plan.endpoint, now);
      const existing = await existingProviderIds(
        trx,
        plan.rows.map((row) => row.name),
      );
      const planned = computeImportPlan(plan.rows, new Set(existing.keys()), plan.onExisting);
      if (planned.problemCount > 0)
        throw new DataError("invalid", `${planned.problemCount} row(s) cannot be imported as they stand`);

      const result: ImportModelsResult = {
        credentialId: endpoint.id,
        credentialName: endpoint.name,
        isCredentialCreated: endpoint.isCreated,
        created: [],
        updated: [],
        skipped: [],
        createdGroups: [],
        groupNames: [],
        updatedProviderIds: [],
      };
      const placed: number[] = [];
      const toCreate = planned.rows.filter((row) => row.action === "create");
      for (const part of chunks(toCreate)) {
        const inserted = await trx
          .insertInto("providers")
          .values(
            part.map((row) => ({
              name: row.name,
              credential_id: endpoint.id,
              upstream_model: requireText(row.upstreamModel, "Upstream model"),
              price_input: row.prices.input,
              price_output: row.prices.output,
              price_cached: row.prices.cached,
              kinds: formatWorkKinds(row.kinds ?? []),
              created_at: now,
              updated_at: now,
            })),
          )
          .returning(["id", "name"])
          .execute();
        placed.push(...inserted.map((row) => row.id));
      }
      for (const row of planned.rows) {
        if (row.action === "create") result.created.push(row.name);
        if (row.action === "skip") result.skipped.push(row.name);
        if (row.action !== "update") continue;
        const id = existing.get(row.name);
        if (id === undefined) throw new DataError("not_found", `Provider "${row.name}" disappeared during the import`);
        await trx
          .updateTable("providers")
          .set({
            credential_id: endpoint.id,
            upstream_model: requireText(row.upstreamModel, "Upstream model"),
            price_input: row.prices.input,
            price_output: row.prices.output,
            price_cached: row.prices.cached,
            kinds: formatWorkKinds(row.kinds ?? []),
            updated_at: now,
          })
          .where("id", "=", id)
          .execute();
        result.updated.push(row.name);
        result.updatedProviderIds.push(id);
        placed.push(id);
      }

      const groups = await resolveGroups(trx, plan.groups, now);
      result.createdGroups = groups.created;
      result.groupNames = groups.names;
      const memberships = groups.ids.flatMap((groupId) =>
        placed.map((providerId) => ({
          group_id: groupId,
          provider_id: providerId,
          priority: plan.groups.priority,
          weight: plan.groups.weight,
        })),
      );
      for (const part of chunks(memberships)) {
        await trx
          .insertInto("group_members")
          .values(part)
          .onConflict((oc) =>
            oc
              .columns(["group_id", "provider_id"])
              .doUpdateSet((eb) => ({ priority: eb.ref("excluded.priority"), weight: eb.ref("excluded.weight") })),
          )
          .execute();
      }

      await trx
        .insertInto("model_list_snapshots")
        .values({ credential_id: endpoint.id, model_ids: JSON.stringify(plan.listedModelIds), updated_at: now })
        .onConflict((oc) =>
          oc.column("credential_id").doUpdateSet((eb) => ({
            model_ids: eb.ref("excluded.model_ids"),
            updated_at: eb.ref("excluded.updated_at"),
          })),
        )
        .execute();
      await bumpConfigVersion(trx);
      return result;
    });
  } catch (error) {
    throw toDataError(error, {
      conflict: "A name is already taken",
      inUse: "A chosen group or the endpoint no longer exists",
    });
  }
}
