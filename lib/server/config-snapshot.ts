import type { SecretCipher } from "../../db/crypto";
import type { ApiKeyConfig, ConfigSnapshot, GroupConfig, GroupMember, ProviderConfig } from "../gateway/types";
import { toRoutingStrategy } from "../gateway/routing-strategy";
import { toHedgeMode } from "../../db/hedging";
import { fromDbBoolean } from "../../db/dialect";
import type { Executor } from "../../db/schema";
import { KEY_LIMIT_COLUMNS, keyLimitsOf, listApiKeyGrants } from "../../db/queries/api-keys";
import { getConfigVersion } from "../../db/queries/config-state";
import { parseForwardHeaders } from "../../db/queries/credentials";
import { parseExtraHeaders } from "../../db/queries/providers";
import {
  compileHeaderRule,
  DEFAULT_FORWARD_HEADERS,
  DEFAULT_HEADER_RULE,
  type HeaderRule,
} from "../gateway/forward-headers";
import { getSettings } from "../../db/queries/settings";
import { effectiveWorkKinds, parseWorkKinds, toPriceUnit } from "../work-kinds";

/**
 * Builds the in-memory picture the request path reads. The version is read FIRST: a write
 * landing while the rest loads then shows up as a newer version on the next poll, so the
 * cache reloads again instead of keeping a mix under a version that claims to be current.
 */
export async function loadConfigSnapshot(db: Executor, cipher: SecretCipher): Promise<ConfigSnapshot> {
  const version = await getConfigVersion(db);
  const [providers, groupsByName, keysByHash, keywords, settings] = await Promise.all([
    loadProviders(db, cipher),
    loadGroups(db),
    loadKeys(db),
    db.selectFrom("failure_keywords").select(["id", "keyword"]).where("is_enabled", "=", 1).orderBy("id").execute(),
    getSettings(db),
  ]);
  return { version, providers, groupsByName, keysByHash, keywords, settings };
}

async function loadProviders(db: Executor, cipher: SecretCipher): Promise<Map<number, ProviderConfig>> {
  const rows = await db
    .selectFrom("providers as p")
    .innerJoin("endpoint_credentials as c", "c.id", "p.credential_id")
    .selectAll("p")
    .select(["c.base_url", "c.api_key_encrypted", "c.forward_headers", "c.stream_usage", "c.protocol"])
    .orderBy("p.id")
    .execute();
  const keys = new Map<string, string | null>();
  const providers = new Map<number, ProviderConfig>();
  for (const row of rows) {
    // Many providers share a credential: decrypt each stored value once.
    let apiKey = keys.get(row.api_key_encrypted);
    if (apiKey === undefined) {
      apiKey = tryDecrypt(cipher, row.api_key_encrypted);
      keys.set(row.api_key_encrypted, apiKey);
    }
    providers.set(row.id, {
      id: row.id,
      name: row.name,
      baseUrl: row.base_url,
      protocol: row.protocol === "anthropic" ? "anthropic" : "openai",
      apiKey: apiKey ?? "",
      upstreamModel: row.upstream_model,
      priceInput: row.price_input,
      priceOutput: row.price_output,
      priceCached: row.price_cached,
      priceCacheWrite: row.price_cache_write,
      priceUnit: toPriceUnit(row.price_unit),
      pricePerUnit: row.price_per_unit,
      kinds: effectiveWorkKinds(parseWorkKinds(row.kinds), row.upstream_model, row.base_url),
      // A key that no longer decrypts (the secret changed) would only earn 401s upstream;
      // keep the provider visible but out of rotation until its key is saved again.
      isEnabled: apiKey !== null && fromDbBoolean(row.is_enabled),
      connectTimeoutMs: row.connect_timeout_ms,
      firstTokenTimeoutMs: row.first_token_timeout_ms,
      totalTimeoutMs: row.total_timeout_ms,
      extraHeaders: parseExtraHeaders(row.extra_headers),
      forwardHeaders: headerRuleOf(row.forward_headers),
      streamUsage: fromDbBoolean(row.stream_usage),
      limits: { rpm: row.rpm, tpm: row.tpm },
    });
  }
  return providers;
}

const headerRules = new Map<string, HeaderRule>();

/** The stored list compiled once per distinct value; null (or unreadable) is the default list. */
function headerRuleOf(stored: string | null): HeaderRule {
  if (stored === null) return DEFAULT_HEADER_RULE;
  let rule = headerRules.get(stored);
  if (!rule) {
    rule = compileHeaderRule(parseForwardHeaders(stored) ?? DEFAULT_FORWARD_HEADERS);
    headerRules.set(stored, rule);
  }
  return rule;
}

function tryDecrypt(cipher: SecretCipher, stored: string): string | null {
  try {
    return cipher.decrypt(stored);
  } catch {
    return null;
  }
}

async function loadGroups(db: Executor): Promise<Map<string, GroupConfig>> {
  const [groups, members] = await Promise.all([
    db
      .selectFrom("model_groups")
      .select(["id", "name", "rpm", "tpm", "routing_strategy", "hedge_mode", "hedge_delay_ms"])
      .execute(),
    db
      .selectFrom("group_members")
      .select(["group_id", "provider_id", "priority", "weight"])
      .orderBy("priority", "asc")
      .orderBy("weight", "desc")
      .orderBy("provider_id", "asc")
      .execute(),
  ]);
  const membersByGroup = new Map<number, GroupMember[]>();
  for (const row of members) {
    const list = membersByGroup.get(row.group_id) ?? [];
    list.push({ providerId: row.provider_id, priority: row.priority, weight: row.weight });
    membersByGroup.set(row.group_id, list);
  }
  return new Map(
    groups.map((group) => [
      group.name,
      {
        id: group.id,
        name: group.name,
        members: membersByGroup.get(group.id) ?? [],
        limits: { rpm: group.rpm, tpm: group.tpm },
        strategy: toRoutingStrategy(group.routing_strategy),
        hedge: { mode: toHedgeMode(group.hedge_mode), delayMs: group.hedge_delay_ms },
      },
    ]),
  );
}

async function loadKeys(db: Executor): Promise<Map<string, ApiKeyConfig>> {
  const [rows, grants] = await Promise.all([
    db
      .selectFrom("api_keys")
      .select(["id", "name", "key_hash", "is_enabled", "all_groups", "expires_at"])
      .select(KEY_LIMIT_COLUMNS)
      .execute(),
    listApiKeyGrants(db),
  ]);
  return new Map(
    rows.map((row) => [
      row.key_hash,
      {
        id: row.id,
        name: row.name,
        isEnabled: fromDbBoolean(row.is_enabled),
        allGroups: fromDbBoolean(row.all_groups),
        groupIds: new Set(grants.get(row.id) ?? []),
        expiresAt: row.expires_at,
        limits: keyLimitsOf(row),
      },
    ]),
  );
}
