import { z } from "zod";
import { toImportedSource, uniqueNamer, type ImportedSource } from "./source";
import { openSqlReader, requireTables, type Row, type SqlReader } from "./sql-reader";

/*
 * NiceAPI (github.com/ivanslevy/NiceAPI, the FastAPI + NiceGUI gateway this product grew
 * from) keeps everything in one SQLite file created by SQLAlchemy from app/models.py:
 * api_providers, groups, provider_group_association (priority), api_keys (clear text),
 * api_key_group_association, error_maintenance (failure keywords) and settings (key/value).
 */
const TABLES = ["api_providers", "groups", "provider_group_association", "api_keys", "api_key_group_association"];

const text = z.preprocess((value) => (value === null || value === undefined ? "" : String(value)), z.string());
const number = z.preprocess((value) => (value === null || value === undefined ? 0 : Number(value)), z.number());
const flag = z.preprocess((value) => value === null || value === undefined || Boolean(Number(value)), z.boolean());

const providerRow = z.object({
  id: number,
  name: text,
  api_endpoint: text,
  api_key: text,
  model: text,
  price_per_million_tokens: number,
  type: text,
  is_active: flag,
});
const groupRow = z.object({ id: number, name: text });
const memberRow = z.object({ provider_id: number, group_id: number, priority: number });
const keyRow = z.object({ id: number, key: text, is_active: flag });
const grantRow = z.object({ api_key_id: number, group_id: number });
const keywordRow = z.object({ keyword: text, is_active: flag });
const settingRow = z.object({ key: text, value: text });

async function rows<T>(reader: SqlReader, schema: z.ZodType<T>, sql: string): Promise<T[]> {
  return z.array(schema).parse(await reader.all(sql));
}

async function readRows(reader: SqlReader) {
  await requireTables(reader, "NiceAPI", TABLES);
  const tables = await reader.tables();
  const optional = (table: string, sql: string): Promise<Row[]> =>
    tables.has(table) ? reader.all(sql) : Promise.resolve([]);
  return {
    providers: await rows(reader, providerRow, "SELECT * FROM api_providers ORDER BY id"),
    groups: await rows(reader, groupRow, "SELECT id, name FROM groups ORDER BY id"),
    members: await rows(reader, memberRow, "SELECT * FROM provider_group_association ORDER BY priority, provider_id"),
    keys: await rows(reader, keyRow, "SELECT id, key, is_active FROM api_keys ORDER BY id"),
    grants: await rows(reader, grantRow, "SELECT * FROM api_key_group_association"),
    keywords: z
      .array(keywordRow)
      .parse(await optional("error_maintenance", "SELECT keyword, is_active FROM error_maintenance ORDER BY id")),
    settings: z.array(settingRow).parse(await optional("settings", "SELECT key, value FROM settings")),
  };
}

/** NiceAPI's endpoint may be the chat URL itself; ours is the base (`…/v1`). */
function baseUrlOf(endpoint: string): string {
  return endpoint
    .trim()
    .replace(/\/+$/, "")
    .replace(/\/chat\/completions$/, "");
}

function hostName(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return "endpoint";
  }
}

export async function readNiceApi(location: string): Promise<ImportedSource> {
  const reader = await openSqlReader(location);
  try {
    return buildDocument(await readRows(reader));
  } finally {
    await reader.close();
  }
}

function buildDocument(data: Awaited<ReturnType<typeof readRows>>): ImportedSource {
  const warnings: string[] = [];
  const endpoints = new Map<string, { name: string; baseUrl: string }>();
  const endpointKeys: Record<string, string> = {};
  const endpointName = uniqueNamer();
  const providerName = uniqueNamer();
  const providerNames = new Map<number, string>();
  const providers = data.providers.map((row) => {
    const baseUrl = baseUrlOf(row.api_endpoint);
    const signature = JSON.stringify([baseUrl, row.api_key]);
    let endpoint = endpoints.get(signature);
    if (!endpoint) {
      endpoint = { name: endpointName(hostName(baseUrl)), baseUrl };
      endpoints.set(signature, endpoint);
      if (row.api_key) endpointKeys[endpoint.name] = row.api_key;
    }
    const name = providerName(row.name || row.model);
    providerNames.set(row.id, name);
    // NiceAPI has one price per 1M tokens (input and output alike); per_call has no equivalent.
    const price = row.type === "per_call" ? 0 : row.price_per_million_tokens;
    if (row.type === "per_call") warnings.push(`Provider ${name}: a price per call has no equivalent; set to 0`);
    return {
      name,
      endpoint: endpoint.name,
      upstreamModel: row.model,
      priceInput: price,
      priceOutput: price,
      enabled: row.is_active,
    };
  });
  const groupNames = new Map(data.groups.map((group) => [group.id, group.name]));
  const groups = data.groups.map((group) => ({
    name: group.name,
    members: data.members
      .filter((member) => member.group_id === group.id && providerNames.has(member.provider_id))
      .map((member) => ({ provider: providerNames.get(member.provider_id), priority: Math.max(1, member.priority) })),
  }));
  const apiKeySecrets: Record<string, string> = {};
  const apiKeys = data.keys.map((key) => {
    const name = `niceapi key ${key.id}`;
    apiKeySecrets[name] = key.key;
    const groups = data.grants
      .filter((grant) => grant.api_key_id === key.id)
      .map((grant) => groupNames.get(grant.group_id));
    return { name, groups: groups.filter((group) => group !== undefined), enabled: key.is_active };
  });
  const seenKeywords = new Set<string>();
  const keywords = data.keywords.filter((row) => {
    const folded = row.keyword.trim().toLowerCase();
    if (folded === "" || seenKeywords.has(folded)) return false;
    seenKeywords.add(folded);
    return true;
  });
  const draft = {
    version: 1,
    endpoints: [...endpoints.values()],
    providers,
    groups,
    keywords: keywords.map((row) => ({ keyword: row.keyword, enabled: row.is_active })),
    apiKeys,
    settings: settingsOf(data.settings, warnings),
  };
  return toImportedSource("NiceAPI", draft, { endpointKeys }, apiKeySecrets, warnings);
}

function settingsOf(rows: readonly { key: string; value: string }[], warnings: string[]): Record<string, number> {
  const settings: Record<string, number> = {};
  for (const { key, value } of rows) {
    const count = Number.parseInt(value, 10);
    if (key === "failover_threshold_count" && count >= 1) settings.failoverThreshold = Math.min(1000, count);
    else if (key === "failover_threshold_period_minutes" && count >= 1)
      settings.failoverWindowSeconds = Math.min(86_400, count * 60);
    else warnings.push(`Setting ${key} has no equivalent; left out`);
  }
  return settings;
}
