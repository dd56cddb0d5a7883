import { createApiKey, deleteApiKey, listApiKeys, type ApiKeyView } from "../../db/queries/api-keys";
import { listGroups } from "../../db/queries/groups";
import { loadKeySpend } from "../../db/queries/key-spend";
import { describeKeyLimits, describeSpend, KEY_LIMIT_HELP, KEY_LIMIT_OPTIONS, parseKeyLimits } from "./key-limits";
import { flagOption, stringOption, type Command } from "./command";
import { CliError, UsageError, formatTable, formatTime, parseExpiry } from "./output";

export const keysCreate: Command = {
  name: "keys create",
  summary: "Create an API key and print it once",
  usage: "--name NAME (--groups a,b | --all-groups) [--expires 30d] [--rpm N] [--tpm N] [--budget-month USD] …",
  description: [
    "Creates a client API key. The key is printed once, alone on stdout (details go to stderr),",
    "so `KEY=$(npm run -s cli -- keys create …)` captures it; only its hash is stored.",
    "Limits are optional: over one the key gets 429 (rate limits) or 429 insufficient_quota (budgets).",
  ].join("\n"),
  options: {
    name: { type: "string" },
    groups: { type: "string" },
    "all-groups": { type: "boolean" },
    expires: { type: "string" },
    ...KEY_LIMIT_OPTIONS,
  },
  optionHelp: [
    ["--name NAME", "a name to recognize the key by"],
    ["--groups a,b", "the groups (model names) the key may call"],
    ["--all-groups", "the key may call every group, including ones created later"],
    ["--expires WHEN", "30d, 12h, 90m, 2w, 1y, an ISO date, or never (the default)"],
    ...KEY_LIMIT_HELP,
  ],
  positionals: { min: 0, max: 0 },
  auditSource: "cli",
  async run({ values }, context) {
    const name = stringOption(values, "name")?.trim();
    if (!name) throw new UsageError("--name is required");
    if (name.length > 100) throw new UsageError("--name is longer than 100 characters");
    const allGroups = flagOption(values, "all-groups");
    const groupNames = (stringOption(values, "groups") ?? "")
      .split(",")
      .map((group) => group.trim())
      .filter((group) => group !== "");
    if (allGroups === groupNames.length > 0) throw new UsageError("give either --groups a,b or --all-groups");
    const expires = stringOption(values, "expires");
    const expiresAt = expires === undefined ? null : parseExpiry(expires, Date.now());
    const limits = parseKeyLimits(values);

    const db = await context.db();
    const groups = new Map((await listGroups(db)).map((group) => [group.name, group.id]));
    const unknown = groupNames.filter((group) => !groups.has(group));
    if (unknown.length > 0) throw new CliError(`No group named ${unknown.map((group) => `"${group}"`).join(", ")}`);
    const groupIds = groupNames.map((group) => groups.get(group) ?? 0);
    const { id, key } = await createApiKey(db, { name, allGroups, groupIds, expiresAt, limits });
    context.stdout(key);
    const scope = allGroups ? "all groups" : `groups ${groupNames.join(", ")}`;
    context.stderr(
      `Created API key "${name}" (id ${id}) for ${scope}; expires ${formatTime(expiresAt, "never")}; limits ${describeKeyLimits(limits)}. It is shown only this once.`,
    );
    return 0;
  },
};

function keyState(key: ApiKeyView, now: number): string {
  if (!key.isEnabled) return "disabled";
  return key.expiresAt !== null && key.expiresAt <= now ? "expired" : "enabled";
}

export const keysList: Command = {
  name: "keys list",
  summary: "List API keys",
  usage: "[--json]",
  description:
    "Lists every API key with its prefix, state, groups, expiry, last use, limits and spend (UTC day, month, total). Keys themselves are never shown again.",
  options: { json: { type: "boolean" } },
  optionHelp: [["--json", "print JSON instead of a table"]],
  positionals: { min: 0, max: 0 },
  async run({ values }, context) {
    const db = await context.db();
    const now = Date.now();
    const [keys, groups, spend] = await Promise.all([listApiKeys(db), listGroups(db), loadKeySpend(db, now)]);
    const groupNames = new Map(groups.map((group) => [group.id, group.name]));
    const rows = keys.map((key) => ({
      id: key.id,
      name: key.name,
      prefix: key.keyPrefix,
      state: keyState(key, now),
      groups: key.allGroups ? ["*"] : key.groupIds.flatMap((id) => groupNames.get(id) ?? []),
      expiresAt: key.expiresAt === null ? null : formatTime(key.expiresAt),
      lastUsedAt: key.lastUsedAt === null ? null : formatTime(key.lastUsedAt),
      limits: key.limits,
      spend: spend.get(key.id) ?? { day: 0, month: 0, total: 0 },
    }));
    if (flagOption(values, "json")) {
      context.stdout(JSON.stringify(rows, null, 2));
      return 0;
    }
    if (rows.length === 0) {
      context.stderr("No API keys yet. Create one with `keys create --name NAME --groups a,b`.");
      return 0;
    }
    const table = rows.map((row) => [
      String(row.id),
      row.name,
      `${row.prefix}…`,
      row.state,
      row.groups.join(",") || "-",
      row.expiresAt ?? "never",
      row.lastUsedAt ?? "never",
      describeKeyLimits(row.limits),
      describeSpend(row.spend),
    ]);
    const header = ["ID", "NAME", "PREFIX", "STATE", "GROUPS", "EXPIRES", "LAST USED", "LIMITS", "SPEND"];
    context.stdout(formatTable(header, table));
    return 0;
  },
};

export const keysRevoke: Command = {
  name: "keys revoke",
  summary: "Revoke (delete) an API key",
  usage: "<name|id>",
  description: [
    "Deletes the key for good: clients using it get 401 within a second on every running instance.",
    "A number is taken as an id first; a name shared by several keys is refused (give the id).",
  ].join("\n"),
  options: {},
  optionHelp: [],
  positionals: { min: 1, max: 1 },
  auditSource: "cli",
  async run({ positionals }, context) {
    const target = (positionals[0] ?? "").trim();
    const db = await context.db();
    const keys = await listApiKeys(db);
    const byId = /^\d+$/.test(target) ? keys.find((key) => key.id === Number(target)) : undefined;
    const matches = byId ? [byId] : keys.filter((key) => key.name === target);
    if (matches.length === 0) throw new CliError(`No API key with the name or id "${target}"`);
    if (matches.length > 1) {
      throw new CliError(
        `${matches.length} keys are named "${target}" (ids ${matches.map((key) => key.id).join(", ")}); revoke one by id`,
      );
    }
    const [key] = matches as [ApiKeyView];
    await deleteApiKey(db, key.id);
    context.stdout(`Revoked API key "${key.name}" (id ${key.id}, ${key.keyPrefix}…)`);
    return 0;
  },
};
