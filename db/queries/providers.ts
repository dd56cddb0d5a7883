import type { RateLimits } from "../limits";
import { z } from "zod";
import { fromDbBoolean, toDbBoolean, withTransaction } from "../dialect";
import type { Executor, PriceUnit, ProviderUpdate, WorkKind } from "../schema";
import { formatWorkKinds, parseWorkKinds, toPriceUnit } from "../work-kinds";
import { bumpConfigVersion } from "./config-state";
import { DataError, requireText, toDataError } from "./errors";

export interface ProviderInput {
  name: string;
  credentialId: number;
  upstreamModel: string;
  priceInput?: number;
  priceOutput?: number;
  priceCached?: number;
  priceCacheWrite?: number;
  /** Empty: guessed from the model id. */
  kinds?: WorkKind[];
  priceUnit?: PriceUnit;
  pricePerUnit?: number;
  isEnabled?: boolean;
  connectTimeoutMs?: number | null;
  firstTokenTimeoutMs?: number | null;
  totalTimeoutMs?: number | null;
  extraHeaders?: Record<string, string>;
  /** Requests / tokens per minute that protect the upstream account. */
  limits?: RateLimits;
}

export type ProviderPatch = Partial<ProviderInput>;

/** A provider with its endpoint's name and URL; the key stays in endpoint_credentials. */
export interface ProviderView {
  id: number;
  name: string;
  credentialId: number;
  credentialName: string;
  baseUrl: string;
  upstreamModel: string;
  priceInput: number;
  priceOutput: number;
  priceCached: number;
  priceCacheWrite: number;
  /** The ticked kinds; empty means guessed from the model id. */
  kinds: WorkKind[];
  priceUnit: PriceUnit;
  pricePerUnit: number;
  isEnabled: boolean;
  connectTimeoutMs: number | null;
  firstTokenTimeoutMs: number | null;
  totalTimeoutMs: number | null;
  extraHeaders: Record<string, string>;
  limits: RateLimits;
  createdAt: number;
  updatedAt: number;
}

const extraHeadersSchema = z.record(z.string(), z.string());

/** Stored JSON is re-validated on read; a damaged value means "no extra headers", not a crash. */
export function parseExtraHeaders(json: string): Record<string, string> {
  try {
    const parsed = extraHeadersSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

const conflictMessage = (name: string) => `A provider named "${name}" already exists`;
const missingCredential = "The chosen endpoint does not exist";

function toUpdate(patch: ProviderPatch): ProviderUpdate {
  const update: ProviderUpdate = {};
  if (patch.name !== undefined) update.name = requireText(patch.name, "Name");
  if (patch.credentialId !== undefined) update.credential_id = patch.credentialId;
  if (patch.upstreamModel !== undefined) update.upstream_model = requireText(patch.upstreamModel, "Upstream model");
  if (patch.priceInput !== undefined) update.price_input = patch.priceInput;
  if (patch.priceOutput !== undefined) update.price_output = patch.priceOutput;
  if (patch.priceCached !== undefined) update.price_cached = patch.priceCached;
  if (patch.priceCacheWrite !== undefined) update.price_cache_write = patch.priceCacheWrite;
  if (patch.kinds !== undefined) update.kinds = formatWorkKinds(patch.kinds);
  if (patch.priceUnit !== undefined) update.price_unit = patch.priceUnit;
  if (patch.pricePerUnit !== undefined) update.price_per_unit = patch.pricePerUnit;
  if (patch.isEnabled !== undefined) update.is_enabled = toDbBoolean(patch.isEnabled);
  if (patch.connectTimeoutMs !== undefined) update.connect_timeout_ms = patch.connectTimeoutMs;
  if (patch.firstTokenTimeoutMs !== undefined) update.first_token_timeout_ms = patch.firstTokenTimeoutMs;
  if (patch.totalTimeoutMs !== undefined) update.total_timeout_ms = patch.totalTimeoutMs;
  if (patch.limits !== undefined) {
    update.rpm = patch.limits.rpm;
    update.tpm = patch.limits.tpm;
  }
  if (patch.extraHeaders !== undefined)
    update.extra_headers = JSON.stringify(extraHeadersSchema.parse(patch.extraHeaders));
  return update;
}

export async function createProvider(db: Executor, input: ProviderInput): Promise<number> {
  const now = Date.now();
  const values = toUpdate(input);
  try {
    return await withTransaction(db, async (trx) => {
      const row = await trx
        .insertInto("providers")
        .values({
          ...values,
          name: requireText(input.name, "Name"),
          credential_id: input.credentialId,
          upstream_model: requireText(input.upstreamModel, "Upstream model"),
          created_at: now,
          updated_at: now,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await bumpConfigVersion(trx);
      return row.id;
    });
  } catch (error) {
    throw toDataError(error, { conflict: conflictMessage(input.name.trim()), inUse: missingCredential });
  }
}

export async function updateProvider(db: Executor, id: number, patch: ProviderPatch): Promise<void> {
  const update: ProviderUpdate = { ...toUpdate(patch), updated_at: Date.now() };
  try {
    await withTransaction(db, async (trx) => {
      const result = await trx.updateTable("providers").set(update).where("id", "=", id).executeTakeFirst();
      if (result.numUpdatedRows === 0n) throw new DataError("not_found", `Provider ${id} does not exist`);
      await bumpConfigVersion(trx);
    });
  } catch (error) {
    throw toDataError(error, { conflict: conflictMessage(update.name ?? ""), inUse: missingCredential });
  }
}

export function setProviderEnabled(db: Executor, id: number, isEnabled: boolean): Promise<void> {
  return updateProvider(db, id, { isEnabled });
}

/** Group memberships go with it (ON DELETE CASCADE); log rows keep its name. */
export async function deleteProvider(db: Executor, id: number): Promise<void> {
  await withTransaction(db, async (trx) => {
    const result = await trx.deleteFrom("providers").where("id", "=", id).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw new DataError("not_found", `Provider ${id} does not exist`);
    await bumpConfigVersion(trx);
  });
}

function selectProviders(db: Executor) {
  return db
    .selectFrom("providers as p")
    .innerJoin("endpoint_credentials as c", "c.id", "p.credential_id")
    .select([
      "p.id",
      "p.name",
      "p.credential_id",
      "c.name as credential_name",
      "c.base_url",
      "p.upstream_model",
      "p.price_input",
      "p.price_output",
      "p.price_cached",
      "p.price_cache_write",
      "p.kinds",
      "p.price_unit",
      "p.price_per_unit",
      "p.is_enabled",
      "p.connect_timeout_ms",
      "p.first_token_timeout_ms",
      "p.total_timeout_ms",
      "p.extra_headers",
      "p.created_at",
      "p.updated_at",
      "p.rpm",
      "p.tpm",
    ]);
}

type ProviderSelection = Awaited<ReturnType<ReturnType<typeof selectProviders>["executeTakeFirstOrThrow"]>>;

function toView(row: ProviderSelection): ProviderView {
  return {
    id: row.id,
    name: row.name,
    credentialId: row.credential_id,
    credentialName: row.credential_name,
    baseUrl: row.base_url,
    upstreamModel: row.upstream_model,
    priceInput: row.price_input,
    priceOutput: row.price_output,
    priceCached: row.price_cached,
    priceCacheWrite: row.price_cache_write,
    kinds: parseWorkKinds(row.kinds),
    priceUnit: toPriceUnit(row.price_unit),
    pricePerUnit: row.price_per_unit,
    isEnabled: fromDbBoolean(row.is_enabled),
    connectTimeoutMs: row.connect_timeout_ms,
    firstTokenTimeoutMs: row.first_token_timeout_ms,
    totalTimeoutMs: row.total_timeout_ms,
    extraHeaders: parseExtraHeaders(row.extra_headers),
    limits: { rpm: row.rpm, tpm: row.tpm },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function listProviders(db: Executor): Promise<ProviderView[]> {
  const rows = await selectProviders(db).orderBy("p.name").execute();
  return rows.map(toView);
}

export async function getProvider(db: Executor, id: number): Promise<ProviderView | undefined> {
  const row = await selectProviders(db).where("p.id", "=", id).executeTakeFirst();
  return row && toView(row);
}

export async function findProviderByName(db: Executor, name: string): Promise<ProviderView | undefined> {
  const row = await selectProviders(db).where("p.name", "=", name).executeTakeFirst();
  return row && toView(row);
}
