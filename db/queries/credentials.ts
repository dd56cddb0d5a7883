import { createHash } from "node:crypto";
import type { SecretCipher } from "../crypto";
import { fromDbBoolean, toDbBoolean, withTransaction } from "../dialect";
import { ENDPOINT_PROTOCOLS, type EndpointCredentialUpdate, type EndpointProtocol, type Executor } from "../schema";
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
  /** Client headers forwarded upstream (names, `prefix*` patterns); null = the default list. */
  forwardHeaders: string[] | null;
  /** Ask streaming upstreams for usage when the client did not choose. */
  streamUsage: boolean;
  /** The wire protocol the endpoint speaks. */
  protocol: EndpointProtocol;
  createdAt: number;
  updatedAt: number;
}

/** How requests pass through an endpoint; omitted fields keep their stored (or default) value. */
export interface PassthroughInput {
  forwardHeaders?: readonly string[] | null;
  streamUsage?: boolean;
  protocol?: EndpointProtocol;
}

export interface CredentialInput extends PassthroughInput {
  name: string;
  baseUrl: string;
  apiKey: string;
}

export interface CredentialPatch extends PassthroughInput {
  name?: string;
  baseUrl?: string;
  /** Undefined or "" keeps the stored key: the dashboard's key field is write-only. */
  apiKey?: string;
}

/** A lowercase header name (RFC 9110 token), or a prefix ending in `*`. */
export const FORWARD_HEADER_PATTERN = /^[a-z0-9!#$%&'^_`|~.+-]+\*?$|^\*$/;
export const MAX_FORWARD_HEADERS = 50;

/** Lowercased, deduplicated and checked: header names, each optionally ending in `*`. */
export function normalizeForwardHeaders(names: readonly string[]): string[] {
  const out = [...new Set(names.map((name) => name.trim().toLowerCase()).filter((name) => name !== ""))];
  if (out.length > MAX_FORWARD_HEADERS)
    throw new DataError("invalid", `At most ${MAX_FORWARD_HEADERS} forwarded headers`);
  const bad = out.find((name) => !FORWARD_HEADER_PATTERN.test(name));
  if (bad !== undefined) throw new DataError("invalid", `"${bad.slice(0, 60)}" is not a header name or prefix*`);
  return out;
}

/** The stored list, or null when none is set or it cannot be read (then the default applies). */
export function parseForwardHeaders(stored: string | null): string[] | null {
  if (stored === null) return null;
  try {
    const value: unknown = JSON.parse(stored);
    return Array.isArray(value) && value.every((name) => typeof name === "string") ? value : null;
  } catch {
    return null;
  }
}

function passthroughColumns(
  input: PassthroughInput,
): Pick<EndpointCredentialUpdate, "forward_headers" | "stream_usage" | "protocol"> {
  const columns: Pick<EndpointCredentialUpdate, "forward_headers" | "stream_usage" | "protocol"> = {};
  if (input.forwardHeaders !== undefined) {
    columns.forward_headers =
      input.forwardHeaders === null ? null : JSON.stringify(normalizeForwardHeaders(input.forwardHeaders));
  }
  if (input.streamUsage !== undefined) columns.stream_usage = toDbBoolean(input.streamUsage);
  if (input.protocol !== undefined) {
    if (!ENDPOINT_PROTOCOLS.includes(input.protocol)) throw new DataError("invalid", "Unknown protocol");
    columns.protocol = input.protocol;
  }
  return columns;
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
  const passthrough = passthroughColumns(input);
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
          ...passthrough,
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
  const update: EndpointCredentialUpdate = { updated_at: Date.now(), ...passthroughColumns(patch) };
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
    "c.forward_headers as forwardHeaders",
    "c.stream_usage as streamUsage",
    "c.protocol",
    "c.created_at as createdAt",
    "c.updated_at as updatedAt",
    eb
      .selectFrom("providers as p")
      .whereRef("p.credential_id", "=", "c.id")
      .select((count) => count.fn.countAll<number>().as("n"))
      .as("providerCount"),
  ]);
}

type CredentialRow = Omit<CredentialView, "providerCount" | "forwardHeaders" | "streamUsage" | "protocol"> & {
  protocol: string;
  providerCount: number | null;
  forwardHeaders: string | null;
  streamUsage: number;
};

function toView(row: CredentialRow): CredentialView {
  return {
    ...row,
    providerCount: Number(row.providerCount ?? 0),
    forwardHeaders: parseForwardHeaders(row.forwardHeaders),
    streamUsage: fromDbBoolean(row.streamUsage),
    protocol: row.protocol === "anthropic" ? "anthropic" : "openai",
  };
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

/**
 * A short digest of each endpoint's stored (encrypted) key: it changes whenever the key is
 * replaced, so the audit log can say "key changed" without ever seeing the key.
 */
export async function listCredentialKeyStamps(db: Executor): Promise<Map<number, string>> {
  const rows = await db.selectFrom("endpoint_credentials").select(["id", "api_key_encrypted"]).execute();
  return new Map(
    rows.map((row) => [row.id, createHash("sha256").update(row.api_key_encrypted).digest("hex").slice(0, 16)]),
  );
}
