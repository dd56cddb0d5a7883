import { listAdminUsers } from "../../db/queries/admin-users";
import { listAlertTargets } from "../../db/queries/alerts";
import { webhookOrigin } from "../alerts/webhook-url";
import { listApiKeys } from "../../db/queries/api-keys";
import { listCredentialKeyStamps, listCredentials } from "../../db/queries/credentials";
import { listGroups } from "../../db/queries/groups";
import { listKeywords } from "../../db/queries/keywords";
import { listProviders } from "../../db/queries/providers";
import { getSettings } from "../../db/queries/settings";
import type { Executor } from "../../db/schema";

/*
 * The configuration as the audit log compares it: every object by kind and id, with the
 * fields an operator edits, named as the dashboard names them. Counters and times the
 * gateway itself updates (hit counts, last use) are left out: they are not changes.
 */

export const AUDIT_KINDS = [
  "endpoint",
  "provider",
  "group",
  "key",
  "keyword",
  "alert_target",
  "user",
  "settings",
] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

export interface AuditObject {
  kind: AuditKind;
  id: string | null;
  name: string;
  fields: Record<string, unknown>;
}

/** By `kind:id`. */
export type AuditSnapshot = Map<string, AuditObject>;

const iso = (epochMs: number | null) => (epochMs === null ? null : new Date(epochMs).toISOString());

export async function readAuditSnapshot(db: Executor): Promise<AuditSnapshot> {
  const [credentials, keyStamps, providers, groups, keys, keywords, alertTargets, users, settings] = await Promise.all([
    listCredentials(db),
    listCredentialKeyStamps(db),
    listProviders(db),
    listGroups(db),
    listApiKeys(db),
    listKeywords(db),
    listAlertTargets(db),
    listAdminUsers(db),
    getSettings(db),
  ]);
  const groupNames = new Map(groups.map((group) => [group.id, group.name]));
  const objects: AuditObject[] = [
    ...credentials.map((c) => ({
      kind: "endpoint" as const,
      id: String(c.id),
      name: c.name,
      fields: {
        name: c.name,
        baseUrl: c.baseUrl,
        // A digest of the encrypted key: masked in every entry, compared only to see a change.
        apiKey: keyStamps.get(c.id) ?? "",
        protocol: c.protocol,
        forwardHeaders: c.forwardHeaders,
        streamUsage: c.streamUsage,
      },
    })),
    ...providers.map((p) => ({
      kind: "provider" as const,
      id: String(p.id),
      name: p.name,
      fields: {
        name: p.name,
        endpoint: p.credentialName,
        upstreamModel: p.upstreamModel,
        enabled: p.isEnabled,
        priceInput: p.priceInput,
        priceOutput: p.priceOutput,
        priceCached: p.priceCached,
        priceCacheWrite: p.priceCacheWrite,
        priceUnit: p.priceUnit,
        pricePerUnit: p.pricePerUnit,
        kinds: p.kinds,
        connectTimeoutMs: p.connectTimeoutMs,
        firstTokenTimeoutMs: p.firstTokenTimeoutMs,
        totalTimeoutMs: p.totalTimeoutMs,
        extraHeaders: p.extraHeaders,
        limits: p.limits,
      },
    })),
    ...groups.map((g) => ({
      kind: "group" as const,
      id: String(g.id),
      name: g.name,
      fields: {
        name: g.name,
        description: g.description,
        strategy: g.strategy,
        hedge: g.hedge,
        members: g.members.map((m) => `${m.providerName} (priority ${m.priority}, weight ${m.weight})`),
        limits: g.limits,
      },
    })),
    ...keys.map((k) => ({
      kind: "key" as const,
      id: String(k.id),
      name: k.name,
      fields: {
        name: k.name,
        prefix: k.keyPrefix,
        enabled: k.isEnabled,
        allGroups: k.allGroups,
        groups: k.groupIds.map((id) => groupNames.get(id) ?? `#${id}`).sort(),
        expiresAt: iso(k.expiresAt),
        limits: k.limits,
      },
    })),
    ...keywords.map((k) => ({
      kind: "keyword" as const,
      id: String(k.id),
      name: k.keyword,
      fields: { keyword: k.keyword, enabled: k.isEnabled },
    })),
    ...alertTargets.map((t) => ({
      kind: "alert_target" as const,
      id: String(t.id),
      name: t.name,
      fields: {
        name: t.name,
        format: t.kind,
        url: webhookOrigin(t.url),
        signed: t.hasSecret,
        events: t.events,
        enabled: t.isEnabled,
      },
    })),
    // Who may sign in and as what; never the password hash, nor what signing in itself updates.
    ...users.map((u) => ({
      kind: "user" as const,
      id: String(u.id),
      name: u.email ?? u.username,
      fields: {
        username: u.username,
        email: u.email,
        displayName: u.displayName,
        role: u.role,
        signIn: u.provider,
        disabled: u.isDisabled,
        mustChangePassword: u.mustChangePassword,
      },
    })),
    { kind: "settings", id: null, name: "settings", fields: { ...settings } },
  ];
  return new Map(objects.map((object) => [`${object.kind}:${object.id ?? ""}`, object]));
}
