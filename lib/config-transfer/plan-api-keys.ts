import { importApiKey, setApiKeyEnabled, updateApiKey } from "../../db/queries/api-keys";
import type { DocumentApiKey } from "./document";
import { differentFields, idOf, type ApplyContext, type PlanBuilder, type PlanInput } from "./plan-builder";

function apiKeyFields(before: DocumentApiKey, after: DocumentApiKey): string[] {
  const normalize = (key: DocumentApiKey) => ({
    ...key,
    groups: [...key.groups].sort(),
    expiresAt: key.expiresAt === null ? null : Date.parse(key.expiresAt),
  });
  return differentFields(normalize(before), normalize(after), [
    "allGroups",
    "groups",
    "enabled",
    "expiresAt",
    "limits",
  ]);
}

/**
 * Keys are matched by name; keys sharing a name pair up oldest first with the document's
 * entries in order. A key's secret exists only where it was created, so an entry with no key
 * to pair with creates nothing, unless an importer brought its clear-text secret (another
 * gateway's key, kept working); a key the document leaves out is never removed.
 */
export function planApiKeys(input: PlanInput, plan: PlanBuilder, skipped: string[]): void {
  const storedEntries = input.current.document.apiKeys;
  const paired = new Set<number>();
  const seen = new Map<string, number>();
  for (const entry of input.incoming.apiKeys) {
    const index = seen.get(entry.name) ?? 0;
    seen.set(entry.name, index + 1);
    const key = input.current.ids.apiKeys.get(entry.name)?.[index];
    if (!key) {
      const secret = index === 0 ? input.apiKeySecrets?.[entry.name] : undefined;
      if (secret === undefined) skipped.push(entry.name);
      else plan.add("apiKey", entry.name, "create", (c) => createImportedKey(c, entry, secret));
      continue;
    }
    paired.add(key.id);
    const before = storedEntries.filter((stored) => stored.name === entry.name)[index];
    if (!before) continue;
    const fields = apiKeyFields(before, entry);
    if (fields.length === 0) continue;
    plan.add(
      "apiKey",
      entry.name,
      "update",
      async (c) => {
        await updateApiKey(c.trx, key.id, {
          allGroups: entry.allGroups,
          groupIds: entry.groups.map((group) => idOf(c.groupIds, group)),
          expiresAt: entry.expiresAt === null ? null : Date.parse(entry.expiresAt),
          limits: entry.limits,
        });
        if (fields.includes("enabled")) await setApiKeyEnabled(c.trx, key.id, entry.enabled);
      },
      fields,
    );
  }
  for (const keys of input.current.ids.apiKeys.values()) {
    for (const key of keys) if (!paired.has(key.id)) plan.kept.push({ kind: "apiKey", name: key.name });
  }
}

async function createImportedKey(c: ApplyContext, entry: DocumentApiKey, secret: string): Promise<void> {
  await importApiKey(
    c.trx,
    {
      name: entry.name,
      allGroups: entry.allGroups,
      groupIds: entry.groups.map((group) => idOf(c.groupIds, group)),
      expiresAt: entry.expiresAt === null ? null : Date.parse(entry.expiresAt),
      limits: entry.limits,
      isEnabled: entry.enabled,
    },
    secret,
  );
}
