import assert from "node:assert/strict";
import { hashApiKey, type SecretCipher } from "../../db/crypto";
import { getCredentialApiKey, listCredentials } from "../../db/queries/credentials";
import type { Executor } from "../../db/schema";
import { exportConfig, importConfig } from "../../lib/config-transfer";
import type { ImportedSource } from "../../lib/config-transfer/sources";
import { ONEAPI_TOKEN_KEYS } from "./oneapi-fixture";

export function applyImported(db: Executor, cipher: SecretCipher, source: ImportedSource, dryRun: boolean) {
  return importConfig(db, cipher, source.document, {
    secrets: source.secrets,
    apiKeySecrets: source.apiKeySecrets,
    dryRun,
  });
}

export async function storedKeyHashes(db: Executor): Promise<Map<string, { hash: string; enabled: unknown }>> {
  const rows = await db.selectFrom("api_keys").select(["name", "key_hash", "is_enabled"]).execute();
  return new Map(rows.map((row) => [row.name, { hash: row.key_hash, enabled: row.is_enabled }]));
}

export async function assertNothingWritten(db: Executor): Promise<void> {
  const document = await exportConfig(db, null);
  assert.deepEqual([document.endpoints.length, document.providers.length, document.groups.length], [0, 0, 0]);
  assert.equal((await storedKeyHashes(db)).size, 0);
}

/**
 * The one-api fixture (oneapi-fixture.ts), read from whichever store: the dry-run plan, nothing
 * written by it, then the applied result field by field, and a second dry run that plans nothing.
 */
export async function assertOneApiImport(
  db: Executor,
  cipher: SecretCipher,
  source: ImportedSource,
  upstream: string,
): Promise<void> {
  const dry = await applyImported(db, cipher, source, true);
  const planned = dry.plan.changes.map((change) => `${change.action} ${change.kind} ${change.name}`);
  assert.deepEqual(planned.filter((line) => line.includes("apiKey")).sort(), [
    "create apiKey alice",
    "create apiKey old",
    "create apiKey team",
  ]);
  assert.ok(planned.includes("create endpoint primary"));
  assert.ok(planned.includes("create provider backup/gpt-4o"));
  assert.ok(planned.includes("create group gpt-4o"));
  assert.deepEqual(dry.plan.skippedApiKeys, []);
  assert.doesNotMatch(JSON.stringify(dry), /sk-upstream|teamKey/);
  await assertNothingWritten(db);

  const applied = await applyImported(db, cipher, source, false);
  assert.equal(applied.isApplied, true);
  const document = await exportConfig(db, null);
  assert.deepEqual(
    document.endpoints.map((e) => [e.name, e.baseUrl, e.protocol]),
    [
      ["backup", `${upstream}/v1`, "openai"],
      ["claude", "https://api.anthropic.com", "anthropic"],
      ["primary", `${upstream}/v1`, "openai"],
    ],
  );
  const providers = new Map(document.providers.map((p) => [p.name, p]));
  assert.equal(providers.get("primary/gpt-4o")?.upstreamModel, "gpt-4o-2024-08-06");
  assert.equal(providers.get("primary/gpt-4o-mini")?.upstreamModel, "gpt-4o-mini");
  assert.equal(providers.get("claude/claude-3-5-sonnet")?.enabled, false);
  const gpt4o = document.groups.find((g) => g.name === "gpt-4o");
  assert.deepEqual(gpt4o?.members, [
    { provider: "primary/gpt-4o", priority: 1, weight: 3 },
    { provider: "backup/gpt-4o", priority: 2, weight: 1 },
  ]);
  const keys = new Map(document.apiKeys.map((k) => [k.name, k]));
  assert.deepEqual(keys.get("team")?.groups.sort(), ["gpt-4o", "gpt-4o-mini"]);
  assert.equal(keys.get("team")?.limits.budgetTotal, null);
  assert.deepEqual(keys.get("alice")?.groups.sort(), ["claude-3-5-sonnet", "gpt-4o", "gpt-4o-mini"]);
  assert.equal(keys.get("alice")?.limits.budgetTotal, 5);
  assert.equal(keys.get("alice")?.expiresAt, "2100-01-01T00:00:00.000Z");
  assert.equal(keys.get("old")?.enabled, false);
  const hashes = await storedKeyHashes(db);
  assert.equal(hashes.get("team")?.hash, hashApiKey(`sk-${ONEAPI_TOKEN_KEYS.team}`));
  assert.equal(hashes.get("alice")?.hash, hashApiKey(`sk-${ONEAPI_TOKEN_KEYS.vip}`));
  const primary = (await listCredentials(db)).find((c) => c.name === "primary");
  assert.equal(await getCredentialApiKey(db, cipher, primary?.id ?? -1), "sk-upstream-primary");

  const again = await applyImported(db, cipher, source, true);
  assert.deepEqual(again.plan.changes, []);
}
