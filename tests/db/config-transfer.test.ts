import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createApiKey, listApiKeys } from "../../db/queries/api-keys";
import { getConfigVersion } from "../../db/queries/config-state";
import { createCredential, getCredentialApiKey, listCredentials } from "../../db/queries/credentials";
import { createGroup, replaceGroupMembers } from "../../db/queries/groups";
import { createKeyword } from "../../db/queries/keywords";
import { createProvider } from "../../db/queries/providers";
import { getSettings, saveSettings } from "../../db/queries/settings";
import type { Executor } from "../../db/schema";
import {
  exportConfig,
  importConfig,
  isConfigTransferError,
  parseConfigDocument,
  parseConfigDocumentText,
  serializeConfigDocument,
  type ConfigDocument,
} from "../../lib/config-transfer";
import { createSecretCipher } from "../../db/crypto";
import { describeEachDatabase, resetTestDb } from "../support/test-database";

const cipher = createSecretCipher(Buffer.alloc(32, 9));
const OPENAI_KEY = "sk-canary-openai-0123456789abcdef";
const LOCAL_KEY = "sk-canary-local-fedcba9876543210";
const METRICS_TOKEN = "metrics-canary-token-42";
const PASSPHRASE = "correct horse battery staple";

/** A configuration using every field an export carries. */
async function seed(db: Executor): Promise<void> {
  const openai = await createCredential(db, cipher, {
    name: "openai",
    baseUrl: "https://api.openai.example/v1",
    apiKey: OPENAI_KEY,
  });
  const local = await createCredential(db, cipher, {
    name: "local",
    baseUrl: "http://10.0.0.5:8000/v1",
    apiKey: LOCAL_KEY,
    forwardHeaders: ["user-agent", "x-trace-*"],
    streamUsage: false,
  });
  const mini = await createProvider(db, {
    name: "gpt-mini",
    credentialId: openai,
    upstreamModel: "gpt-4o-mini",
    priceInput: 0.15,
    priceOutput: 0.6,
    priceCached: 0.075,
    extraHeaders: { "OpenAI-Organization": "org-1" },
  });
  const big = await createProvider(db, {
    name: "gpt-big",
    credentialId: openai,
    upstreamModel: "gpt-4o",
    priceInput: 2.5,
    priceOutput: 10,
    isEnabled: false,
    firstTokenTimeoutMs: 20_000,
  });
  const llama = await createProvider(db, {
    name: "llama",
    credentialId: local,
    upstreamModel: "llama-3.1-8b",
    connectTimeoutMs: 1_000,
    totalTimeoutMs: 60_000,
    limits: { rpm: 30, tpm: null },
  });
  const chat = await createGroup(db, {
    name: "chat",
    description: "Everyday chat",
    limits: { rpm: 100, tpm: 50_000 },
    strategy: "least-busy",
  });
  await replaceGroupMembers(db, chat, [
    { providerId: mini, priority: 1, weight: 3 },
    { providerId: llama, priority: 1, weight: 1 },
    { providerId: big, priority: 2, weight: 1 },
  ]);
  const cheap = await createGroup(db, { name: "cheap" });
  await replaceGroupMembers(db, cheap, [{ providerId: llama, priority: 1, weight: 1 }]);
  await createKeyword(db, { keyword: "overloaded" });
  await createKeyword(db, { keyword: "As an AI", isEnabled: false });
  await saveSettings(db, {
    maxAttempts: 5,
    cooldownSeconds: 120,
    storeBodies: true,
    timeZone: "Europe/Berlin",
    metricsToken: METRICS_TOKEN,
  });
  await createApiKey(db, {
    name: "backend",
    allGroups: false,
    groupIds: [chat, cheap],
    expiresAt: Date.UTC(2099, 0, 1),
    limits: { rpm: 60, tpm: 10_000, maxConcurrent: 4, budgetDay: 5, budgetMonth: 100, budgetTotal: null },
  });
  await createApiKey(db, { name: "ops", allGroups: true, groupIds: [], expiresAt: null });
}

/** The document without what changes on every export. */
function comparable(document: ConfigDocument): Omit<ConfigDocument, "exportedAt" | "secrets"> {
  const { exportedAt: _at, secrets: _secrets, ...rest } = document;
  return rest;
}

async function endpointKey(db: Executor, name: string): Promise<string | undefined> {
  const endpoint = (await listCredentials(db)).find((entry) => entry.name === name);
  return endpoint && getCredentialApiKey(db, cipher, endpoint.id);
}

describeEachDatabase("configuration export and import", (context) => {
  it("export → wipe → import gives the same configuration, provider keys and metrics token included", async () => {
    await seed(context.db);
    const exported = await exportConfig(context.db, cipher, { includeSecrets: true, passphrase: PASSPHRASE });
    // Through text and back, as it travels through a file.
    const document = parseConfigDocumentText(serializeConfigDocument(exported));

    await resetTestDb(context.db);
    const result = await importConfig(context.db, cipher, document, { passphrase: PASSPHRASE });
    assert.equal(result.isApplied, true);
    assert.deepEqual(
      result.plan.skippedApiKeys,
      ["backend", "ops"],
      "key secrets cannot be imported: those entries are skipped",
    );
    assert.ok(result.configVersion > 0, "the config version is bumped");

    const again = await exportConfig(context.db, cipher);
    assert.deepEqual({ ...comparable(again), apiKeys: [] }, { ...comparable(exported), apiKeys: [] });
    assert.equal(await endpointKey(context.db, "openai"), OPENAI_KEY);
    assert.equal(await endpointKey(context.db, "local"), LOCAL_KEY);
    assert.equal((await getSettings(context.db)).metricsToken, METRICS_TOKEN);
    const local = again.endpoints.find((endpoint) => endpoint.name === "local");
    assert.deepEqual([local?.forwardHeaders, local?.streamUsage], [["user-agent", "x-trace-*"], false]);
    const openai = again.endpoints.find((endpoint) => endpoint.name === "openai");
    assert.deepEqual([openai?.forwardHeaders, openai?.streamUsage], [null, true], "defaults travel as defaults");

    // Keys created anew under the same names take the document's groups, state and expiry.
    await createApiKey(context.db, { name: "backend", allGroups: true, groupIds: [], expiresAt: null });
    await createApiKey(context.db, { name: "ops", allGroups: false, groupIds: [], expiresAt: null });
    const second = await importConfig(context.db, cipher, document, { passphrase: PASSPHRASE });
    assert.deepEqual(
      second.plan.changes.map((c) => [c.kind, c.name, c.action]),
      [
        ["apiKey", "backend", "update"],
        ["apiKey", "ops", "update"],
      ],
    );
    assert.deepEqual(comparable(await exportConfig(context.db, cipher)), comparable(exported));
  });

  it("a second import of the same document changes nothing, not even the config version", async () => {
    await seed(context.db);
    const document = await exportConfig(context.db, cipher);
    const version = await getConfigVersion(context.db);
    const result = await importConfig(context.db, cipher, document, { prune: true });
    assert.deepEqual(result.plan.changes, []);
    assert.equal(result.isApplied, false);
    assert.equal(await getConfigVersion(context.db), version);
  });

  it("a dry run reports creations, updates and removals and changes nothing", async () => {
    await seed(context.db);
    const before = await exportConfig(context.db, cipher);
    const version = await getConfigVersion(context.db);
    const document: ConfigDocument = structuredClone(before);
    document.providers = document.providers.filter((p) => p.name !== "gpt-big");
    document.providers[0] = { ...document.providers[0]!, priceOutput: 99 };
    document.groups = [
      ...document.groups.map((g) => ({ ...g, members: g.members.filter((m) => m.provider !== "gpt-big") })),
      {
        name: "new-group",
        description: "",
        members: [{ provider: "llama", priority: 1, weight: 1 }],
        limits: { rpm: 10, tpm: null },
        strategy: "least-latency",
        hedge: { mode: "fixed", delayMs: 400 },
      },
    ];
    document.keywords = [{ keyword: "Overloaded", enabled: true }];
    document.settings = { maxAttempts: 2 };
    const checked = parseConfigDocument(JSON.parse(JSON.stringify(document)));

    const dry = await importConfig(context.db, cipher, checked, { dryRun: true, prune: true });
    assert.equal(dry.isApplied, false);
    assert.deepEqual(
      dry.plan.changes.map((c) => [c.kind, c.name, c.action, c.fields.join(",")]),
      [
        ["provider", "gpt-mini", "update", "priceOutput"],
        ["provider", "gpt-big", "remove", ""],
        ["group", "chat", "update", "members"],
        ["group", "new-group", "create", ""],
        ["keyword", "Overloaded", "update", "keyword"],
        ["keyword", "As an AI", "remove", ""],
        ["setting", "maxAttempts", "update", ""],
      ],
    );
    assert.deepEqual(
      comparable(await exportConfig(context.db, cipher)),
      comparable(before),
      "the dry run wrote nothing",
    );
    assert.equal(await getConfigVersion(context.db), version);

    const applied = await importConfig(context.db, cipher, checked, { prune: true });
    assert.deepEqual(applied.plan, dry.plan, "applying does what the dry run said");
    assert.ok(applied.configVersion > version);
    const after = await exportConfig(context.db, cipher);
    assert.deepEqual(
      after.providers.map((p) => p.name),
      ["gpt-mini", "llama"],
    );
    assert.deepEqual(
      after.groups.map((g) => g.name),
      ["chat", "cheap", "new-group"],
    );
    assert.deepEqual(after.keywords, [{ keyword: "Overloaded", enabled: true }]);
    assert.equal(after.settings.maxAttempts, 2);
    assert.equal(after.settings.cooldownSeconds, 120, "settings the document leaves out keep their values");
  });

  it("without prune, what the document leaves out is kept and listed", async () => {
    await seed(context.db);
    const document = parseConfigDocument({ version: 1, endpoints: [], keywords: [{ keyword: "quota exceeded" }] });
    const result = await importConfig(context.db, cipher, document);
    assert.deepEqual(
      result.plan.changes.map((c) => [c.kind, c.name, c.action]),
      [["keyword", "quota exceeded", "create"]],
    );
    const kept = result.plan.kept.map((k) => `${k.kind}:${k.name}`);
    for (const name of ["provider:gpt-big", "endpoint:openai", "group:chat", "keyword:overloaded", "apiKey:backend"])
      assert.ok(kept.includes(name), name);
    assert.equal((await exportConfig(context.db, cipher)).providers.length, 3);
  });

  it("fails cleanly on a wrong passphrase and writes nothing", async () => {
    await seed(context.db);
    const document = await exportConfig(context.db, cipher, { includeSecrets: true, passphrase: PASSPHRASE });
    await resetTestDb(context.db);
    await assert.rejects(
      importConfig(context.db, cipher, document, { passphrase: "not the passphrase" }),
      (error: unknown) => isConfigTransferError(error, "wrong_passphrase") && /passphrase is wrong/.test(error.message),
    );
    await assert.rejects(importConfig(context.db, cipher, document), (error: unknown) =>
      isConfigTransferError(error, "passphrase_required"),
    );
    assert.equal((await listCredentials(context.db)).length, 0);
    assert.equal(await getConfigVersion(context.db), 0);
  });

  it("keeps secrets out of a default export, and only encrypted in one that asks for them", async () => {
    await seed(context.db);
    const plain = serializeConfigDocument(await exportConfig(context.db, cipher));
    for (const secret of [OPENAI_KEY, LOCAL_KEY, METRICS_TOKEN, "canary", "metricsToken", "v1:"])
      assert.ok(!plain.includes(secret), `default export holds ${secret}`);
    assert.equal(JSON.parse(plain).secrets, undefined);
    assert.ok(!plain.includes((await listApiKeys(context.db))[0]!.keyPrefix), "no API key material");

    const withSecrets = serializeConfigDocument(
      await exportConfig(context.db, cipher, { includeSecrets: true, passphrase: PASSPHRASE }),
    );
    for (const secret of [OPENAI_KEY, LOCAL_KEY, METRICS_TOKEN, "canary"])
      assert.ok(!withSecrets.includes(secret), `encrypted export holds ${secret}`);
    assert.equal(JSON.parse(withSecrets).secrets.kdf, "scrypt");
    await assert.rejects(
      exportConfig(context.db, cipher, { includeSecrets: true, passphrase: "short" }),
      (error: unknown) => isConfigTransferError(error, "weak_passphrase"),
    );
  });

  it("refuses an endpoint it cannot create (no key in the document) without writing anything", async () => {
    const document = parseConfigDocument({
      version: 1,
      endpoints: [{ name: "fresh", baseUrl: "https://fresh.example/v1" }],
      providers: [{ name: "p", endpoint: "fresh", upstreamModel: "m" }],
    });
    await assert.rejects(importConfig(context.db, cipher, document, { dryRun: true }), (error: unknown) =>
      isConfigTransferError(error, "missing_endpoint_key"),
    );
    await assert.rejects(importConfig(context.db, cipher, document), (error: unknown) =>
      isConfigTransferError(error, "missing_endpoint_key"),
    );
    assert.equal(await getConfigVersion(context.db), 0);
  });

  it("rolls the whole import back when one write fails", async () => {
    await seed(context.db);
    const before = await exportConfig(context.db, cipher);
    const version = await getConfigVersion(context.db);
    const document = structuredClone(before);
    document.keywords.push({ keyword: "brand new", enabled: true });
    // Passes the document checks but not the database's: a setting out of its range.
    (document.settings as Record<string, unknown>).maxAttempts = 5000;
    await assert.rejects(importConfig(context.db, cipher, document));
    assert.deepEqual(comparable(await exportConfig(context.db, cipher)), comparable(before));
    assert.equal(await getConfigVersion(context.db), version);
  });
});

describe("configuration document validation", () => {
  const invalid = (json: unknown, pattern: RegExp) =>
    assert.throws(
      () => parseConfigDocument(json),
      (error: unknown) => isConfigTransferError(error) && pattern.test(error.message),
    );

  it("names the place of the first problem", () => {
    invalid(
      {
        version: 1,
        endpoints: [{ name: "e", baseUrl: "https://e/v1" }],
        providers: [{ name: "p", endpoint: "x", upstreamModel: "m" }],
      },
      /providers\[0\]\.endpoint: no endpoint named "x"/,
    );
    invalid(
      { version: 1, groups: [{ name: "g", members: [{ provider: "nope" }] }] },
      /groups\[0\]\.members\[0\]\.provider/,
    );
    invalid({ version: 1, apiKeys: [{ name: "k", groups: ["missing"] }] }, /apiKeys\[0\]\.groups\[0\]/);
    invalid({ version: 1, keywords: [{ keyword: "a" }, { keyword: "A" }] }, /listed twice/);
    invalid({ version: 1, settings: { maxAtempts: 3 } }, /settings/);
    invalid({ version: 1, settings: { metricsToken: "plain" } }, /settings/);
    invalid({ version: 1, endpoints: [{ name: "e", baseUrl: "ftp://e" }] }, /endpoints\[0\]\.baseUrl/);
  });

  it("says when a document comes from another version", () => {
    invalid({ version: 2 }, /Unsupported configuration document version 2/);
    invalid({ endpoints: [] }, /not a configuration document/);
    assert.throws(
      () => parseConfigDocumentText("{ not json"),
      (error: unknown) => isConfigTransferError(error, "invalid_document"),
    );
  });
});
