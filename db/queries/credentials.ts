import type { SecretCipher } from "../crypto";
import { withTransaction } from "../dialect";
import type { EndpointCredentialUpdate, Executor } from "../schema";
import { bumpConfigVersion } from "./config-state";
import { DataError, requireText, toDataError } from "./errors";

/** An endpoint and its key, shared by many providers. Never carries key material. */
export interface CredentialView {
  id: number;
  name: string;
  baseUrl: string;
  /** `••••abcd`: enough to tell keys apart, useless to an attacker. */
  keyHint: string;
  providerCount: number;
  createdAt: number;
  updatedAt: number;
}

export interface CredentialInput {
  name: string;
  baseUrl: string;
  apiKey: string;
}

export interface CredentialPatch {
  name?: string;
  baseUrl?: string;
  /** Undefined or "" keeps the stored key: the dashboard's key field is write-only. */
  apiKey?: string;
}

export function normalizeBaseUrl(baseUrl: string): string {
  return requireText(baseUrl, "Base URL").replace(/\/+$/, "");
}

/** Short keys show no characters at all: four of eight would give half of it away. */
export function maskApiKey(apiKey: string): string {
  return apiKey.length >= 12 ? `••••${apiKey.slice(-4)}` : "••••";
}

const conflictMessage = (name: string) => `An endpoint named "${name}" already exists`;

export async function createCredential(db: Executor, cipher: SecretCipher, input: CredentialInput): Promise<number> {
  const name = requireText(input.name, "Name");
  const apiKey = requireText(input.apiKey, "API key");
  const now = Date.now();
  try {
    return await withTransaction(db, async (trx) => {
      const row = await trx
        .insertInto("endpoint_credentials")
        .values({
          name,
          base_url: normalizeBaseUrl(input.baseUrl),
          api_key_encrypted: cipher.encrypt(apiKey),
          key_hint: maskApiKey(apiKey),
          created_at: now,
          updated_at: now,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await bumpConfigVersion(trx);
      return row.id;
    });
  } catch (error) {
    throw toDataError(error, { conflict: conflictMessage(name) });
  }
}

export async function updateCredential(
  db: Executor,
  cipher: SecretCipher,
  id: number,
  patch: CredentialPatch,
): Promise<void> {
  const update: EndpointCredentialUpdate = { updated_at: Date.now() };
  if (patch.name !== undefined) update.name = requireText(patch.name, "Name");
  if (patch.baseUrl !== undefined) update.base_url = normalizeBaseUrl(patch.baseUrl);
  const apiKey = patch.apiKey?.trim();
  if (apiKey) {
    update.api_key_encrypted = cipher.encrypt(apiKey);
    update.key_hint = maskApiKey(apiKey);
  }
  try {
    await withTransaction(db, async (trx) => {
      const result = await trx.updateTable("endpoint_credentials").set(update).where("id", "=", id).executeTakeFirst();
      if (result.numUpdatedRows === 0n) throw new DataError("not_found", `Endpoint ${id} does not exist`);
      await bumpConfigVersion(trx);
    });
  } catch (error) {
    throw toDataError(error, { conflict: conflictMessage(update.name ?? "") });
  }
}

function selectCredentials(db: Executor) {
  return db.selectFrom("endpoint_credentials as c").select((eb) => [
    "c.id",
    "c.name",
    "c.base_url as baseUrl",
    "c.key_hint as keyHint",
    "c.created_at as createdAt",
    "c.updated_at as updatedAt",
    eb
      .selectFrom("providers as p")
      .whereRef("p.credential_id", "=", "c.id")
      .select((count) => count.fn.countAll<number>().as("n"))
      .as("providerCount"),
  ]);
}

function toView(row: Omit<CredentialView, "providerCount"> & { providerCount: number | null }): CredentialView {
  return { ...row, providerCount: Number(row.providerCount ?? 0) };
}

export async function listCredentials(db: Executor): Promise<CredentialView[]> {
  const rows = await selectCredentials(db).orderBy("c.name").execute();
  return rows.map(toView);
}

export async function getCredential(db: Executor, id: number): Promise<CredentialView | undefined> {
  const row = await selectCredentials(db).where("c.id", "=", id).executeTakeFirst();
  return row && toView(row);
}

/**
 * The decrypted key, for server-side calls made before a provider exists (the model importer
 * listing an endpoint's models). Never send it to a browser.
 */
export async function getCredentialApiKey(db: Executor, cipher: SecretCipher, id: number): Promise<string | undefined> {
  const row = await db
    .selectFrom("endpoint_credentials")
    .select("api_key_encrypted")
    .where("id", "=", id)
    .executeTakeFirst();
  return row && cipher.decrypt(row.api_key_encrypted);
}

export async function countProvidersByCredential(db: Executor, credentialId: number): Promise<number> {
  const row = await db
    .selectFrom("providers")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("credential_id", "=", credentialId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Refuses while providers use it: deleting their key would silently break them. */
export async function deleteCredential(db: Executor, id: number): Promise<void> {
  const inUse = (count: number) => `Endpoint ${id} is used by ${count} provider(s); move or delete them first`;
  try {
    await withTransaction(db, async (trx) => {
      const count = await countProvidersByCredential(trx, id);
      if (count > 0) throw new DataError("in_use", inUse(count));
      const result = await trx.deleteFrom("endpoint_credentials").where("id", "=", id).executeTakeFirst();
      if (result.numDeletedRows === 0n) throw new DataError("not_found", `Endpoint ${id} does not exist`);
      await bumpConfigVersion(trx);
    });
  } catch (error) {
    // A provider created between the count and the delete still trips the foreign key.
    throw toDataError(error, { inUse: inUse(1) });
  }
}
