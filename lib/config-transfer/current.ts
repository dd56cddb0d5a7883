import { listApiKeys, type ApiKeyView } from "../../db/queries/api-keys";
import { listCredentials } from "../../db/queries/credentials";
import { listGroups } from "../../db/queries/groups";
import { listKeywords, type KeywordView } from "../../db/queries/keywords";
import { listProviders } from "../../db/queries/providers";
import { getSettings } from "../../db/queries/settings";
import type { Executor } from "../../db/schema";
import type { Settings } from "../../db/settings-schema";
import { NO_KEY_LIMITS } from "../../db/limits";
import { CONFIG_DOCUMENT_VERSION, type ConfigDocument, type DocumentSettings } from "./document";

/**
 * The configuration as stored, in document form (what an export writes, minus secrets), with
 * the database ids an import needs to change it.
 */
export interface CurrentConfig {
  document: ConfigDocument;
  settings: Settings;
  ids: {
    endpoints: Map<string, number>;
    providers: Map<string, number>;
    groups: Map<string, number>;
    /** By lower-cased text: keywords match case-insensitively, like the dashboard's. */
    keywords: Map<string, KeywordView>;
    /** Keys sharing a name, oldest first (names of API keys need not be unique). */
    apiKeys: Map<string, ApiKeyView[]>;
  };
}

export function toIsoTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

function byName<T extends { name: string }>(a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

export async function readCurrentConfig(db: Executor): Promise<CurrentConfig> {
  const [credentials, providers, groups, keywords, settings, apiKeys] = await Promise.all([
    listCredentials(db),
    listProviders(db),
    listGroups(db),
    listKeywords(db),
    getSettings(db),
    listApiKeys(db),
  ]);
  const groupNames = new Map(groups.map((group) => [group.id, group.name]));
  const keysOldestFirst = [...apiKeys].sort((a, b) => a.createdAt - b.createdAt || a.id - b.id);

  const keywordsByText = new Map<string, KeywordView>();
  for (const keyword of keywords) {
    const text = keyword.keyword.toLowerCase();
    if (!keywordsByText.has(text)) keywordsByText.set(text, keyword);
  }
  const keysByName = new Map<string, ApiKeyView[]>();
  for (const key of keysOldestFirst) keysByName.set(key.name, [...(keysByName.get(key.name) ?? []), key]);

  const { metricsToken: _secret, ...documentSettings } = settings;
  const document: ConfigDocument = {
    version: CONFIG_DOCUMENT_VERSION,
    endpoints: credentials
      .map((c) => ({
        name: c.name,
        baseUrl: c.baseUrl,
        forwardHeaders: c.forwardHeaders,
        streamUsage: c.streamUsage,
        protocol: c.protocol,
      }))
      .sort(byName),
    providers: providers
      .map((p) => ({
        name: p.name,
        endpoint: p.credentialName,
        upstreamModel: p.upstreamModel,
        priceInput: p.priceInput,
        priceOutput: p.priceOutput,
        priceCached: p.priceCached,
        priceCacheWrite: p.priceCacheWrite,
        priceUnit: p.priceUnit,
        pricePerUnit: p.pricePerUnit,
        kinds: p.kinds,
        enabled: p.isEnabled,
        connectTimeoutMs: p.connectTimeoutMs,
        firstTokenTimeoutMs: p.firstTokenTimeoutMs,
        totalTimeoutMs: p.totalTimeoutMs,
        extraHeaders: p.extraHeaders,
        limits: { rpm: p.limits.rpm, tpm: p.limits.tpm },
      }))
      .sort(byName),
    groups: groups
      .map((g) => ({
        name: g.name,
        description: g.description,
        // Already in routing order (priority, then weight).
        members: g.members.map((m) => ({ provider: m.providerName, priority: m.priority, weight: m.weight })),
        limits: { rpm: g.limits.rpm, tpm: g.limits.tpm },
        strategy: g.strategy,
        hedge: g.hedge,
      }))
      .sort(byName),
    keywords: [...keywordsByText.values()]
      .map((k) => ({ keyword: k.keyword, enabled: k.isEnabled }))
      .sort((a, b) => (a.keyword < b.keyword ? -1 : a.keyword > b.keyword ? 1 : 0)),
    settings: documentSettings satisfies DocumentSettings,
    apiKeys: keysOldestFirst
      .map((k) => ({
        name: k.name,
        allGroups: k.allGroups,
        groups: k.groupIds.flatMap((id) => groupNames.get(id) ?? []).sort(),
        enabled: k.isEnabled,
        expiresAt: k.expiresAt === null ? null : toIsoTime(k.expiresAt),
        limits: { ...NO_KEY_LIMITS, ...k.limits },
      }))
      // Stable: keys sharing a name stay oldest first, which is how an import pairs them.
      .sort(byName),
  };
  return {
    document,
    settings,
    ids: {
      endpoints: new Map(credentials.map((c) => [c.name, c.id])),
      providers: new Map(providers.map((p) => [p.name, p.id])),
      groups: new Map(groups.map((g) => [g.name, g.id])),
      keywords: keywordsByText,
      apiKeys: keysByName,
    },
  };
}
