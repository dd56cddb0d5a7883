import { z } from "zod";
import { toIsoTime } from "../current";
import { CHANNEL_KINDS, endpointBaseUrl } from "./oneapi-channel-types";
import { toImportedSource, uniqueNamer, type ImportedSource } from "./source";
import { openSqlReader, requireTables, type SqlReader } from "./sql-reader";

/** one-api's quota unit: `QuotaPerUnit` = 500 000 quota per US dollar. */
export const ONEAPI_QUOTA_PER_USD = 500_000;

const ENABLED = 1;
const text = z.preprocess((value) => (value === null || value === undefined ? "" : String(value)), z.string());
const integer = z.preprocess((value) => (value === null || value === undefined ? 0 : Number(value)), z.number());
const flag = z.preprocess((value) => value === true || value === 1 || value === "1" || value === "t", z.boolean());

const channelRow = z.object({
  id: integer,
  type: integer,
  key: text,
  status: integer,
  name: text,
  weight: integer,
  base_url: text,
  models: text,
  group: text,
  model_mapping: text,
  priority: integer,
});

const tokenRow = z.object({
  id: integer,
  key: text,
  status: integer,
  name: text,
  expired_time: integer,
  remain_quota: integer,
  unlimited_quota: flag,
  group: text,
});

const list = (value: string) =>
  value
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "");

function modelMapping(value: string): Record<string, string> {
  try {
    const parsed = z.record(z.string(), z.string()).safeParse(JSON.parse(value || "{}"));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

interface Member {
  provider: string;
  priority: number;
  weight: number;
  channelGroups: string[];
}

/** one-api tries the highest priority first; ours ranks 1 first. */
function rankPriorities(members: Member[]): { provider: string; priority: number; weight: number }[] {
  const levels = [...new Set(members.map((member) => member.priority))].sort((a, b) => b - a);
  return members.map((member) => ({
    provider: member.provider,
    priority: levels.indexOf(member.priority) + 1,
    weight: Math.min(1_000_000, Math.max(1, Math.round(member.weight))),
  }));
}

async function readRows(reader: SqlReader) {
  await requireTables(reader, "one-api / new-api", ["channels", "tokens"]);
  const tables = await reader.tables();
  const channels = z.array(channelRow).parse(await reader.all("SELECT * FROM channels ORDER BY id"));
  // one-api keeps a token's group on its user; new-api also on the token (empty: the user's).
  const tokenGroup = tables.has("users")
    ? `COALESCE(NULLIF(${(await hasColumn(reader, "tokens", "group")) ? 't."group"' : "''"}, ''), u."group", 'default')`
    : "'default'";
  const join = tables.has("users") ? "LEFT JOIN users u ON u.id = t.user_id" : "";
  const tokens = z
    .array(tokenRow)
    .parse(
      await reader.all(
        `SELECT t.id, t.key, t.status, t.name, t.expired_time, t.remain_quota, t.unlimited_quota, ${tokenGroup} AS "group" FROM tokens t ${join} ORDER BY t.id`,
      ),
    );
  return { channels, tokens };
}

async function hasColumn(reader: SqlReader, table: string, column: string): Promise<boolean> {
  const rows = await reader.all(`SELECT * FROM ${table} LIMIT 1`);
  if (rows[0]) return column in rows[0];
  return false;
}

/**
 * Reads a one-api or new-api database (SQLite path or postgres:// URL). Each channel becomes an
 * endpoint, each of its models a provider, each model a group (what one-api clients send as
 * `model`), members ranked by channel priority; tokens become API keys keeping `sk-<key>`.
 */
export async function readOneApi(location: string, now = Date.now()): Promise<ImportedSource> {
  const reader = await openSqlReader(location);
  try {
    return buildDocument(await readRows(reader), now);
  } finally {
    await reader.close();
  }
}

function buildDocument({ channels, tokens }: Awaited<ReturnType<typeof readRows>>, now: number): ImportedSource {
  const warnings: string[] = [];
  const endpointKeys: Record<string, string> = {};
  const endpoints: unknown[] = [];
  const providers: unknown[] = [];
  const modelMembers = new Map<string, Member[]>();
  const endpointName = uniqueNamer();
  for (const channel of channels) {
    const kind = CHANNEL_KINDS[channel.type];
    const label = `channel ${channel.id} "${channel.name}"`;
    if (!kind) {
      warnings.push(`Skipped ${label}: channel type ${channel.type} has no OpenAI- or Anthropic-compatible equivalent`);
      continue;
    }
    const baseUrl = endpointBaseUrl(kind, channel.base_url);
    if (baseUrl === "") {
      warnings.push(`Skipped ${label}: it has no base URL`);
      continue;
    }
    const keys = channel.key
      .split("\n")
      .map((key) => key.trim())
      .filter(Boolean);
    if (keys.length > 1) warnings.push(`${label} has ${keys.length} keys; only the first was imported`);
    const endpoint = endpointName(channel.name || `channel-${channel.id}`);
    endpoints.push({ name: endpoint, baseUrl, protocol: kind.protocol });
    if (keys[0]) endpointKeys[endpoint] = keys[0];
    const mapping = modelMapping(channel.model_mapping);
    for (const model of list(channel.models)) {
      const provider = `${endpoint}/${model}`;
      providers.push({
        name: provider,
        endpoint,
        upstreamModel: mapping[model] ?? model,
        enabled: channel.status === ENABLED,
      });
      const members = modelMembers.get(model) ?? [];
      members.push({
        provider,
        priority: channel.priority,
        weight: channel.weight,
        channelGroups: list(channel.group || "default"),
      });
      modelMembers.set(model, members);
    }
  }
  const groups = [...modelMembers].map(([model, members]) => ({
    name: model,
    description: "Imported from one-api",
    members: rankPriorities(members),
  }));
  const apiKeys: unknown[] = [];
  const apiKeySecrets: Record<string, string> = {};
  const keyName = uniqueNamer();
  for (const token of tokens) {
    const name = keyName(token.name || `token-${token.id}`);
    const isExpired = token.expired_time > 0 && token.expired_time * 1000 <= now;
    // Our budget counts spend from the import on, so what is left of the quota is the budget.
    const isExhausted = !token.unlimited_quota && token.remain_quota <= 0;
    const allowed = groups
      .filter((group) => modelMembers.get(group.name)?.some((member) => member.channelGroups.includes(token.group)))
      .map((group) => group.name);
    apiKeys.push({
      name,
      groups: allowed,
      enabled: token.status === ENABLED && !isExpired && !isExhausted,
      expiresAt: token.expired_time > 0 ? toIsoTime(token.expired_time * 1000) : null,
      limits: { budgetTotal: isExhausted || token.unlimited_quota ? null : token.remain_quota / ONEAPI_QUOTA_PER_USD },
    });
    apiKeySecrets[name] = token.key.startsWith("sk-") ? token.key : `sk-${token.key}`;
  }
  const draft = { version: 1, endpoints, providers, groups, apiKeys };
  return toImportedSource("one-api", draft, { endpointKeys }, apiKeySecrets, warnings);
}
