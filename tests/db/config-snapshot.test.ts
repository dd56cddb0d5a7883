import assert from "node:assert/strict";
import { it } from "node:test";
import { createApiKey, setApiKeyEnabled } from "../../db/queries/api-keys";
import { loadConfigSnapshot } from "../../lib/server/config-snapshot";
import { getConfigVersion } from "../../db/queries/config-state";
import { createCredential } from "../../db/queries/credentials";
import { createGroup, setGroupMember } from "../../db/queries/groups";
import { createKeyword } from "../../db/queries/keywords";
import { createProvider } from "../../db/queries/providers";
import { ensureDefaultSettings, saveSettings } from "../../db/queries/settings";
import { createSecretCipher, hashApiKey } from "../../db/crypto";
import { compileHeaderRule, DEFAULT_HEADER_RULE } from "../../lib/gateway/forward-headers";
import { describeEachDatabase } from "../support/test-database";

const cipher = createSecretCipher(Buffer.alloc(32, 7));
const otherCipher = createSecretCipher(Buffer.alloc(32, 9));

describeEachDatabase("loadConfigSnapshot", (context) => {
  it("carries each endpoint's passthrough settings to its providers, checked and normalized", async () => {
    const credentialId = await createCredential(context.db, cipher, {
      name: "own-rule",
      baseUrl: "https://own/v1",
      apiKey: "sk-own-key-123456",
      forwardHeaders: [" User-Agent ", "x-trace-*", "user-agent"],
      streamUsage: false,
    });
    const id = await createProvider(context.db, { name: "own", credentialId, upstreamModel: "m" });
    const provider = (await loadConfigSnapshot(context.db, cipher)).providers.get(id);
    assert.deepEqual(provider?.forwardHeaders, compileHeaderRule(["user-agent", "x-trace-*"]));
    assert.equal(provider?.streamUsage, false);
    await assert.rejects(
      createCredential(context.db, cipher, {
        name: "bad",
        baseUrl: "https://b/v1",
        apiKey: "k",
        forwardHeaders: ["a b"],
      }),
      /"a b" is not a header name/,
    );
  });

  it("holds every provider with its decrypted key, groups by name, keys by hash, enabled keywords and settings", async () => {
    await ensureDefaultSettings(context.db);
    await saveSettings(context.db, { maxAttempts: 4 });
    const shared = await createCredential(context.db, cipher, {
      name: "E",
      baseUrl: "https://e/v1/",
      apiKey: "sk-shared-key-1234",
    });
    const p1 = await createProvider(context.db, {
      name: "p1",
      credentialId: shared,
      upstreamModel: "m1",
      priceInput: 3,
      firstTokenTimeoutMs: 9_000,
      extraHeaders: { "X-A": "1" },
    });
    const p2 = await createProvider(context.db, {
      name: "p2",
      credentialId: shared,
      upstreamModel: "m2",
      isEnabled: false,
    });
    const group = await createGroup(context.db, { name: "smart" });
    await setGroupMember(context.db, group, { providerId: p2, priority: 2, weight: 1 });
    await setGroupMember(context.db, group, { providerId: p1, priority: 1, weight: 3 });
    const allowed = await createApiKey(context.db, {
      name: "app",
      allGroups: false,
      groupIds: [group],
      expiresAt: 2_000_000_000_000,
      limits: { rpm: null, tpm: null, maxConcurrent: null, budgetDay: null, budgetMonth: null, budgetTotal: null },
    });
    const disabled = await createApiKey(context.db, { name: "off", allGroups: true, groupIds: [], expiresAt: null });
    await setApiKeyEnabled(context.db, disabled.id, false);
    const keyword = await createKeyword(context.db, { keyword: "as an AI" });
    await createKeyword(context.db, { keyword: "off", isEnabled: false });

    const snapshot = await loadConfigSnapshot(context.db, cipher);

    assert.equal(snapshot.version, await getConfigVersion(context.db));
    assert.deepEqual(snapshot.providers.get(p1), {
      id: p1,
      name: "p1",
      baseUrl: "https://e/v1",
      protocol: "openai",
      apiKey: "sk-shared-key-1234",
      upstreamModel: "m1",
      priceInput: 3,
      priceOutput: 0,
      priceCached: 0,
      priceCacheWrite: 0,
      priceUnit: "none",
      pricePerUnit: 0,
      kinds: new Set(["chat"]),
      isEnabled: true,
      connectTimeoutMs: null,
      firstTokenTimeoutMs: 9_000,
      totalTimeoutMs: null,
      extraHeaders: { "X-A": "1" },
      forwardHeaders: DEFAULT_HEADER_RULE,
      streamUsage: true,
      limits: { rpm: null, tpm: null },
    });
    assert.equal(snapshot.providers.get(p2)?.isEnabled, false, "disabled providers are included, marked disabled");
    assert.equal(snapshot.providers.get(p2)?.apiKey, "sk-shared-key-1234");
    assert.deepEqual(snapshot.groupsByName.get("smart"), {
      id: group,
      name: "smart",
      members: [
        { providerId: p1, priority: 1, weight: 3 },
        { providerId: p2, priority: 2, weight: 1 },
      ],
      limits: { rpm: null, tpm: null },
      strategy: "weighted",
      hedge: { mode: "off", delayMs: 1000 },
    });
    const key = snapshot.keysByHash.get(hashApiKey(allowed.key));
    assert.deepEqual(key && { ...key, groupIds: [...key.groupIds] }, {
      id: allowed.id,
      name: "app",
      isEnabled: true,
      allGroups: false,
      groupIds: [group],
      expiresAt: 2_000_000_000_000,
      limits: { rpm: null, tpm: null, maxConcurrent: null, budgetDay: null, budgetMonth: null, budgetTotal: null },
    });
    assert.equal(snapshot.keysByHash.get(hashApiKey(disabled.key))?.isEnabled, false);
    assert.deepEqual(snapshot.keywords, [{ id: keyword, keyword: "as an AI" }]);
    assert.equal(snapshot.settings.maxAttempts, 4);
  });

  it("loads a provider whose key no longer decrypts as disabled instead of failing", async () => {
    const good = await createCredential(context.db, cipher, {
      name: "good",
      baseUrl: "https://g/v1",
      apiKey: "sk-good-000000",
    });
    const bad = await createCredential(context.db, otherCipher, {
      name: "bad",
      baseUrl: "https://b/v1",
      apiKey: "sk-bad-0000000",
    });
    const ok = await createProvider(context.db, { name: "ok", credentialId: good, upstreamModel: "m" });
    const broken = await createProvider(context.db, { name: "broken", credentialId: bad, upstreamModel: "m" });

    const snapshot = await loadConfigSnapshot(context.db, cipher);

    assert.equal(snapshot.providers.get(ok)?.isEnabled, true);
    assert.equal(snapshot.providers.get(broken)?.isEnabled, false);
    assert.equal(snapshot.providers.get(broken)?.apiKey, "");
  });

  it("reports a later write as a newer version", async () => {
    const first = await loadConfigSnapshot(context.db, cipher);
    await createGroup(context.db, { name: "new" });
    const second = await loadConfigSnapshot(context.db, cipher);
    assert.ok(second.version > first.version);
    assert.ok(second.groupsByName.has("new"));
  });
});
