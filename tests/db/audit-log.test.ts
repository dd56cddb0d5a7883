import assert from "node:assert/strict";
import { it } from "node:test";
import { createAdminUser } from "../../db/queries/admin-users";
import { createAlertTarget, deleteAlertTarget } from "../../db/queries/alerts";
import { createApiKey, deleteApiKey, updateApiKey } from "../../db/queries/api-keys";
import { deleteAuditBatch, searchAuditLog, type AuditActor, type AuditEntry } from "../../db/queries/audit-log";
import { createCredential, updateCredential } from "../../db/queries/credentials";
import { createGroup, deleteGroup, replaceGroupMembers, updateGroup } from "../../db/queries/groups";
import { createKeyword, deleteKeyword, updateKeyword } from "../../db/queries/keywords";
import { createProvider, deleteProvider, updateProvider } from "../../db/queries/providers";
import { saveSettings } from "../../db/queries/settings";
import type { Executor } from "../../db/schema";
import { createSecretCipher } from "../../db/crypto";
import { DEFAULT_HEDGE_DELAY_MS } from "../../db/hedging";
import { cliActor, recordConfigChanges } from "../../lib/audit/record";
import { importConfig, parseConfigDocument } from "../../lib/config-transfer";
import { runRetention } from "../../lib/server/retention-job";
import { describeEachDatabase } from "../support/test-database";

const cipher = createSecretCipher(Buffer.alloc(32, 5));
const UPSTREAM_KEY = "sk-canary-audit-0123456789abcdef";
const ROTATED_KEY = "sk-canary-rotated-fedcba9876543210";
const DAY_MS = 86_400_000;

const admin: AuditActor = { actor: "admin", source: "dashboard", ip: "203.0.113.7", userAgent: "TestBrowser/1.0" };

/** Every entry, oldest first. */
async function allEntries(db: Executor): Promise<AuditEntry[]> {
  return (await searchAuditLog(db, { limit: 500 })).rows.reverse();
}

function assertNoSecret(entries: readonly AuditEntry[], ...secrets: string[]): void {
  const text = JSON.stringify(entries);
  for (const secret of secrets) assert.ok(!text.includes(secret), `no ${secret.slice(0, 12)}… in the log`);
}

describeEachDatabase("audit log", (context) => {
  const audited = <T>(work: () => Promise<T>, actor: AuditActor = admin) =>
    recordConfigChanges(context.db, actor, work);

  async function endpoint(): Promise<number> {
    return audited(() =>
      createCredential(context.db, cipher, { name: "openai", baseUrl: "https://api.example/v1", apiKey: UPSTREAM_KEY }),
    );
  }

  it("records a provider's create, update and delete with who and from where, the endpoint key masked", async () => {
    const credentialId = await endpoint();
    const id = await audited(() =>
      createProvider(context.db, {
        name: "gpt-mini",
        credentialId,
        upstreamModel: "gpt-4o-mini",
        priceInput: 0.15,
        extraHeaders: { "x-api-key": "header-secret-value", "OpenAI-Organization": "org-1" },
      }),
    );
    await audited(() => updateProvider(context.db, id, { priceInput: 0.2, isEnabled: false }));
    await audited(() => updateCredential(context.db, cipher, credentialId, { apiKey: ROTATED_KEY }));
    await audited(() => deleteProvider(context.db, id));

    const entries = await allEntries(context.db);
    assert.deepEqual(
      entries.map((entry) => [entry.action, entry.targetName]),
      [
        ["endpoint.create", "openai"],
        ["provider.create", "gpt-mini"],
        ["provider.update", "gpt-mini"],
        ["endpoint.update", "openai"],
        ["provider.delete", "gpt-mini"],
      ],
    );
    const [created, , updated, rotated, deleted] = entries;
    assert.deepEqual(
      { actor: created?.actor, source: created?.source, ip: created?.ip, userAgent: created?.userAgent },
      { actor: "admin", source: "dashboard", ip: "203.0.113.7", userAgent: "TestBrowser/1.0" },
    );
    assert.equal(entries[1]?.changes.upstreamModel?.after, "gpt-4o-mini");
    assert.deepEqual(entries[1]?.changes.extraHeaders?.after, { "x-api-key": "••••", "OpenAI-Organization": "org-1" });
    assert.equal(created?.changes.apiKey?.after, "••••");
    // Only the changed fields, before and after.
    assert.deepEqual(updated?.changes, {
      enabled: { before: true, after: false },
      priceInput: { before: 0.15, after: 0.2 },
    });
    // A rotated key shows as changed, never as itself.
    assert.deepEqual(rotated?.changes, { apiKey: { before: "••••", after: "••••" } });
    assert.equal(deleted?.changes.name?.before, "gpt-mini");
    assertNoSecret(entries, UPSTREAM_KEY, ROTATED_KEY, "header-secret-value");
  });

  it("records groups, members, API keys (create, change, revoke) and keywords", async () => {
    const credentialId = await endpoint();
    const providerId = await audited(() =>
      createProvider(context.db, { name: "p1", credentialId, upstreamModel: "m1" }),
    );
    const groupId = await audited(() => createGroup(context.db, { name: "chat" }));
    await audited(() => replaceGroupMembers(context.db, groupId, [{ providerId, priority: 1, weight: 3 }]));
    await audited(() =>
      updateGroup(context.db, groupId, {
        description: "for the app",
        strategy: "cheapest",
        hedge: { mode: "fixed", delayMs: 200 },
      }),
    );
    const { id: keyId, key } = await audited(() =>
      createApiKey(context.db, { name: "app", allGroups: false, groupIds: [groupId], expiresAt: null }),
    );
    await audited(() => updateApiKey(context.db, keyId, { allGroups: true }));
    await audited(() => deleteApiKey(context.db, keyId));
    const keywordId = await audited(() => createKeyword(context.db, { keyword: "quota exceeded" }));
    await audited(() => updateKeyword(context.db, keywordId, { isEnabled: false }));
    await audited(() => deleteKeyword(context.db, keywordId));
    await audited(() => deleteGroup(context.db, groupId));

    const entries = (await allEntries(context.db)).filter((entry) => !entry.action.startsWith("endpoint."));
    assert.deepEqual(
      entries.map((entry) => entry.action),
      [
        "provider.create",
        "group.create",
        "group.update",
        "group.update",
        "key.create",
        "key.update",
        "key.delete",
        "keyword.create",
        "keyword.update",
        "keyword.delete",
        "group.delete",
      ],
    );
    const byAction = (action: string, index = 0) => entries.filter((entry) => entry.action === action)[index];
    assert.deepEqual(byAction("group.update")?.changes.members, {
      before: [],
      after: ["p1 (priority 1, weight 3)"],
    });
    assert.deepEqual(byAction("group.update", 1)?.changes, {
      description: { before: "", after: "for the app" },
      strategy: { before: "weighted", after: "cheapest" },
      hedge: { before: { mode: "off", delayMs: DEFAULT_HEDGE_DELAY_MS }, after: { mode: "fixed", delayMs: 200 } },
    });
    const keyCreated = byAction("key.create");
    assert.equal(keyCreated?.targetName, "app");
    assert.deepEqual(keyCreated?.changes.groups?.after, ["chat"]);
    assert.deepEqual(byAction("key.update")?.changes, { allGroups: { before: false, after: true } });
    assert.deepEqual(byAction("keyword.update")?.changes, { enabled: { before: true, after: false } });
    assertNoSecret(entries, key);
  });

  it("records alert targets with where they send, never the webhook's secret path or signing secret", async () => {
    const slackPath = "/services/T000/B000/slack-canary-path";
    const id = await audited(() =>
      createAlertTarget(context.db, cipher, {
        name: "ops",
        kind: "slack",
        url: `https://hooks.slack.com${slackPath}`,
        secret: "signing-canary-secret",
        events: ["breaker_opened"],
        isEnabled: true,
      }),
    );
    await audited(() => deleteAlertTarget(context.db, id));
    const entries = await allEntries(context.db);
    assert.deepEqual(
      entries.map((entry) => [entry.action, entry.targetName]),
      [
        ["alert_target.create", "ops"],
        ["alert_target.delete", "ops"],
      ],
    );
    assert.equal(entries[0]?.changes.url?.after, "https://hooks.slack.com/…");
    assertNoSecret(entries, slackPath, "signing-canary-secret");
  });

  it("records users and their roles, never a password hash", async () => {
    const id = await audited(() =>
      createAdminUser(context.db, {
        username: "viewer@example.com",
        email: "viewer@example.com",
        role: "viewer",
        provider: "local",
        passwordHash: "scrypt$canary-password-hash",
        mustChangePassword: true,
      }),
    );
    const entries = await allEntries(context.db);
    assert.deepEqual(
      entries.map((entry) => [entry.action, entry.targetName]),
      [["user.create", "viewer@example.com"]],
    );
    assert.equal(entries[0]?.changes.role?.after, "viewer");
    assert.equal(entries[0]?.targetId, String(id));
    assertNoSecret(entries, "canary-password-hash");
  });

  it("records settings changes field by field, the metrics token masked", async () => {
    await audited(() => saveSettings(context.db, { failoverThreshold: 5, metricsToken: "metrics-canary-token-1234" }));
    await audited(() => saveSettings(context.db, { failoverThreshold: 5 }));
    const entries = await allEntries(context.db);
    assert.equal(entries.length, 1, "saving unchanged values records nothing");
    assert.deepEqual(entries[0]?.action, "settings.update");
    assert.deepEqual(entries[0]?.changes, {
      failoverThreshold: { before: 3, after: 5 },
      metricsToken: { before: "", after: "••••" },
    });
    assertNoSecret(entries, "metrics-canary-token-1234");
  });

  it("records a config import as one entry per object under source config-import, and nothing for a dry run", async () => {
    const document = parseConfigDocument({
      version: 1,
      endpoints: [{ name: "local", baseUrl: "http://10.0.0.5:8000/v1" }],
      providers: [{ name: "llama", endpoint: "local", upstreamModel: "llama-3" }],
      groups: [{ name: "local-chat", members: [{ provider: "llama", priority: 1, weight: 1 }] }],
      keywords: [{ keyword: "as an ai" }],
      settings: { maxAttempts: 4 },
    });
    const actor = cliActor("config-import");
    const secrets = { endpointKeys: { local: UPSTREAM_KEY } };
    await recordConfigChanges(context.db, actor, () =>
      importConfig(context.db, cipher, document, { secrets, dryRun: true }),
    );
    assert.equal((await allEntries(context.db)).length, 0);
    await recordConfigChanges(context.db, actor, () => importConfig(context.db, cipher, document, { secrets }));

    const entries = await allEntries(context.db);
    assert.deepEqual(entries.map((entry) => entry.action).sort(), [
      "endpoint.create",
      "group.create",
      "keyword.create",
      "provider.create",
      "settings.update",
    ]);
    assert.ok(entries.every((entry) => entry.source === "config-import" && entry.actor.startsWith("config-import:")));
    assert.deepEqual(entries.find((entry) => entry.action === "settings.update")?.changes, {
      maxAttempts: { before: 3, after: 4 },
    });
    assertNoSecret(entries, UPSTREAM_KEY);
  });

  it("still records what a write changed before it failed", async () => {
    await assert.rejects(
      audited(async () => {
        await createKeyword(context.db, { keyword: "first" });
        throw new Error("the second step failed");
      }),
      /second step failed/,
    );
    assert.deepEqual(
      (await allEntries(context.db)).map((entry) => entry.action),
      ["keyword.create"],
    );
  });

  it("is kept by its own retention setting, in batches", async () => {
    const now = Date.now();
    await context.db
      .insertInto("audit_log")
      .values(
        [400, 200, 1].map((days, index) => ({
          at: now - days * DAY_MS,
          actor: "admin",
          source: "dashboard",
          ip: null,
          user_agent: null,
          action: "keyword.create",
          target_kind: "keyword",
          target_id: String(index),
          target_name: `k${index}`,
          changes: "{}",
        })),
      )
      .execute();
    const result = await runRetention(
      context.db,
      { logRetentionDays: 30, bodyRetentionDays: 7, auditRetentionDays: 365 },
      now,
      { pause: () => Promise.resolve() },
    );
    assert.equal(result.deletedAuditEntries, 1);
    assert.deepEqual(
      (await allEntries(context.db)).map((entry) => entry.targetName),
      ["k1", "k2"],
    );
    assert.equal(await deleteAuditBatch(context.db, now, 1), 1);
    assert.equal((await allEntries(context.db)).length, 1);
  });

  it("filters by actor, kind, target and time, and pages newest first", async () => {
    for (const name of ["alpha", "beta", "gamma"]) await audited(() => createKeyword(context.db, { keyword: name }));
    await audited(() => createGroup(context.db, { name: "chat" }), cliActor("cli"));
    const names = (rows: AuditEntry[]) => rows.map((entry) => entry.targetName);

    assert.deepEqual(names((await searchAuditLog(context.db, { limit: 10, kind: "keyword" })).rows), [
      "gamma",
      "beta",
      "alpha",
    ]);
    assert.deepEqual(names((await searchAuditLog(context.db, { limit: 10, actor: "CLI:" })).rows), ["chat"]);
    assert.deepEqual(names((await searchAuditLog(context.db, { limit: 10, target: "AM" })).rows), ["gamma"]);
    assert.deepEqual(names((await searchAuditLog(context.db, { limit: 10, from: Date.now() + 60_000 })).rows), []);
    const first = await searchAuditLog(context.db, { limit: 2 });
    assert.deepEqual(names(first.rows), ["chat", "gamma"]);
    const second = await searchAuditLog(context.db, { limit: 2, before: first.next ?? undefined });
    assert.deepEqual(names(second.rows), ["beta", "alpha"]);
    assert.equal(second.next, null);
  });
});
