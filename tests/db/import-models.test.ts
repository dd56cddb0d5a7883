import assert from "node:assert/strict";
import { it } from "node:test";
import { sql } from "kysely";
import { getConfigVersion } from "../../db/queries/config-state";
import { createCredential, getCredentialApiKey, listCredentials } from "../../db/queries/credentials";
import { isDataError } from "../../db/queries/errors";
import { createGroup, getGroup, listGroups } from "../../db/queries/groups";
import {
  findCredentialByEndpoint,
  getSeenModelIds,
  importModels,
  listUpstreamModelsOfCredential,
  type ImportModelsPlan,
} from "../../lib/importer/apply";
import { createProvider, findProviderByName, listProviders } from "../../db/queries/providers";
import type { Executor } from "../../db/schema";
import { createSecretCipher } from "../../db/crypto";
import { describeEachDatabase } from "../support/test-database";

const cipher = createSecretCipher(Buffer.alloc(32, 9));
const KEY = "sk-import-test-0123456789wxyz";
const BASE = "http://127.0.0.1:9999/v1";

function plan(overrides: Partial<ImportModelsPlan> = {}): ImportModelsPlan {
  return {
    endpoint: { kind: "new", name: "Local vLLM", baseUrl: BASE, apiKey: KEY },
    rows: [
      { name: "acme-gpt-4o", upstreamModel: "gpt-4o", prices: { input: 2.5, output: 10, cached: 1.25 } },
      { name: "acme-claude", upstreamModel: "claude-3-5-sonnet", prices: { input: 3, output: 15, cached: 0 } },
    ],
    onExisting: "skip",
    groups: { groupIds: [], newGroupNames: [], priority: 1, weight: 1 },
    listedModelIds: ["claude-3-5-sonnet", "gpt-4o", "text-embedding-3-small"],
    ...overrides,
  };
}

/** Every configuration table's rows, to prove a failed import wrote nothing. */
async function snapshot(db: Executor) {
  const tables = [
    "endpoint_credentials",
    "providers",
    "model_groups",
    "group_members",
    "model_list_snapshots",
    "config_state",
  ] as const;
  const out: Record<string, unknown[]> = {};
  for (const table of tables) out[table] = (await sql`select * from ${sql.table(table)} order by 1`.execute(db)).rows;
  return out;
}

describeEachDatabase("model importer", (context) => {
  it("creates one shared endpoint, one provider per row with its prices, and remembers the list", async () => {
    const before = await getConfigVersion(context.db);
    const result = await importModels(context.db, cipher, plan());
    assert.deepEqual(result.created, ["acme-gpt-4o", "acme-claude"]);
    assert.deepEqual(result.updated, []);
    assert.deepEqual(result.skipped, []);
    assert.equal(result.isCredentialCreated, true);
    assert.equal(result.credentialName, "Local vLLM");

    const [credential] = await listCredentials(context.db);
    assert.equal(credential?.id, result.credentialId);
    assert.equal(credential?.baseUrl, BASE);
    assert.equal(credential?.providerCount, 2);
    assert.equal(credential?.keyHint, "••••wxyz");
    assert.equal(await getCredentialApiKey(context.db, cipher, result.credentialId), KEY);

    const gpt = await findProviderByName(context.db, "acme-gpt-4o");
    assert.equal(gpt?.credentialId, result.credentialId);
    assert.equal(gpt?.upstreamModel, "gpt-4o");
    assert.deepEqual([gpt?.priceInput, gpt?.priceOutput, gpt?.priceCached], [2.5, 10, 1.25]);
    assert.equal(gpt?.isEnabled, true);
    assert.deepEqual((await listUpstreamModelsOfCredential(context.db, result.credentialId)).sort(), [
      "claude-3-5-sonnet",
      "gpt-4o",
    ]);
    assert.deepEqual(await getSeenModelIds(context.db, result.credentialId), [
      "claude-3-5-sonnet",
      "gpt-4o",
      "text-embedding-3-small",
    ]);
    // One configuration change for the whole import: the gateway reloads once.
    assert.equal(await getConfigVersion(context.db), before + 1);
  });

  it("reuses an endpoint with the same URL and key, and names a new one apart from taken names", async () => {
    const existingId = await createCredential(context.db, cipher, {
      name: "Local vLLM",
      baseUrl: `${BASE}/`,
      apiKey: KEY,
    });
    const reused = await importModels(context.db, cipher, plan({ rows: [plan().rows[0]!] }));
    assert.equal(reused.credentialId, existingId);
    assert.equal(reused.isCredentialCreated, false);
    assert.deepEqual(await findCredentialByEndpoint(context.db, cipher, BASE, KEY), {
      id: existingId,
      name: "Local vLLM",
    });

    const otherKey = await importModels(
      context.db,
      cipher,
      plan({
        endpoint: { kind: "new", name: "Local vLLM", baseUrl: BASE, apiKey: "sk-another-key-000000" },
        rows: [plan().rows[1]!],
      }),
    );
    assert.equal(otherKey.isCredentialCreated, true);
    assert.equal(otherKey.credentialName, "Local vLLM (2)");
    assert.equal((await listCredentials(context.db)).length, 2);
  });

  it("imports onto a chosen existing endpoint and refuses one that is gone", async () => {
    const id = await createCredential(context.db, cipher, {
      name: "Chosen",
      baseUrl: "https://chosen.example/v1",
      apiKey: "sk-chosen-key-123456",
    });
    const result = await importModels(context.db, cipher, plan({ endpoint: { kind: "existing", credentialId: id } }));
    assert.equal(result.credentialId, id);
    assert.equal(
      (await listProviders(context.db)).every((provider) => provider.credentialId === id),
      true,
    );
    await assert.rejects(
      importModels(context.db, cipher, plan({ endpoint: { kind: "existing", credentialId: id + 1000 } })),
      (error) => isDataError(error, "not_found"),
    );
  });

  it("skips existing names untouched, or updates them, as chosen", async () => {
    const oldEndpoint = await createCredential(context.db, cipher, {
      name: "Old",
      baseUrl: "https://old.example/v1",
      apiKey: "sk-old-key-00000000",
    });
    await createProvider(context.db, {
      name: "acme-gpt-4o",
      credentialId: oldEndpoint,
      upstreamModel: "old-model",
      priceInput: 9,
      priceOutput: 9,
      priceCached: 9,
      totalTimeoutMs: 60_000,
    });

    const skipped = await importModels(context.db, cipher, plan());
    assert.deepEqual(skipped.created, ["acme-claude"]);
    assert.deepEqual(skipped.skipped, ["acme-gpt-4o"]);
    const untouched = await findProviderByName(context.db, "acme-gpt-4o");
    assert.equal(untouched?.credentialId, oldEndpoint);
    assert.equal(untouched?.upstreamModel, "old-model");
    assert.equal(untouched?.priceInput, 9);

    const updated = await importModels(context.db, cipher, plan({ onExisting: "update" }));
    assert.deepEqual(updated.created, []);
    assert.deepEqual(updated.updated, ["acme-gpt-4o", "acme-claude"]);
    assert.equal(updated.updatedProviderIds.length, 2);
    const changed = await findProviderByName(context.db, "acme-gpt-4o");
    assert.equal(changed?.credentialId, updated.credentialId);
    assert.equal(changed?.upstreamModel, "gpt-4o");
    assert.deepEqual([changed?.priceInput, changed?.priceOutput, changed?.priceCached], [2.5, 10, 1.25]);
    // What the import does not manage stays as the operator set it.
    assert.equal(changed?.totalTimeoutMs, 60_000);
  });

  it("places created and updated providers in existing and new groups with the chosen priority", async () => {
    const existingGroup = await createGroup(context.db, { name: "chat" });
    const result = await importModels(
      context.db,
      cipher,
      plan({ groups: { groupIds: [existingGroup], newGroupNames: ["acme", "chat"], priority: 3, weight: 2 } }),
    );
    // "chat" typed as a new name is the existing group, not a second one.
    assert.deepEqual(result.createdGroups, ["acme"]);
    assert.deepEqual(result.groupNames, ["acme", "chat"]);
    const groups = await listGroups(context.db);
    assert.deepEqual(
      groups.map((group) => group.name),
      ["acme", "chat"],
    );
    for (const group of groups) {
      assert.deepEqual(group.members.map((member) => [member.providerName, member.priority, member.weight]).sort(), [
        ["acme-claude", 3, 2],
        ["acme-gpt-4o", 3, 2],
      ]);
    }

    // A re-import with "skip" leaves skipped providers' memberships alone.
    await importModels(
      context.db,
      cipher,
      plan({ groups: { groupIds: [existingGroup], newGroupNames: [], priority: 1, weight: 1 } }),
    );
    const chat = await getGroup(context.db, existingGroup);
    assert.deepEqual(
      chat?.members.map((member) => member.priority),
      [3, 3],
    );
  });

  it("rolls everything back when an insert fails mid-transaction (a forced conflict)", async () => {
    const group = await createGroup(context.db, { name: "chat" });
    const second = await createGroup(context.db, { name: "second" });
    // Forced conflict: one membership per provider at most, so the second group's rows collide
    // after the endpoint, the providers, a new group and the first memberships were written.
    await sql`create unique index forced_one_group_per_provider on group_members (provider_id)`.execute(context.db);
    try {
      const before = await snapshot(context.db);
      await assert.rejects(
        importModels(
          context.db,
          cipher,
          plan({ groups: { groupIds: [group, second], newGroupNames: ["brand-new"], priority: 1, weight: 1 } }),
        ),
        (error) => isDataError(error, "conflict"),
      );
      assert.deepEqual(await snapshot(context.db), before);
    } finally {
      await sql`drop index forced_one_group_per_provider`.execute(context.db);
    }
  });

  it("rolls back when a chosen group was deleted meanwhile", async () => {
    const group = await createGroup(context.db, { name: "gone" });
    await context.db.deleteFrom("model_groups").where("id", "=", group).execute();
    const before = await snapshot(context.db);
    await assert.rejects(
      importModels(
        context.db,
        cipher,
        plan({ groups: { groupIds: [group], newGroupNames: [], priority: 1, weight: 1 } }),
      ),
      (error) => isDataError(error, "not_found"),
    );
    assert.deepEqual(await snapshot(context.db), before);
  });

  it("refuses rows whose names collide, before writing anything", async () => {
    const before = await snapshot(context.db);
    const rows = [plan().rows[0]!, { ...plan().rows[1]!, name: "acme-gpt-4o" }];
    await assert.rejects(importModels(context.db, cipher, plan({ rows })), (error) => isDataError(error, "invalid"));
    await assert.rejects(
      importModels(context.db, cipher, plan({ groups: { groupIds: [], newGroupNames: [], priority: 0, weight: 1 } })),
      (error) => isDataError(error, "invalid"),
    );
    assert.deepEqual(await snapshot(context.db), before);
  });

  it("imports hundreds of models in one go", async () => {
    const rows = Array.from({ length: 450 }, (_, index) => ({
      name: `bulk-${index}`,
      upstreamModel: `model-${index}`,
      prices: { input: index, output: 0, cached: 0 },
    }));
    const result = await importModels(
      context.db,
      cipher,
      plan({
        rows,
        groups: { groupIds: [], newGroupNames: ["bulk"], priority: 1, weight: 1 },
        listedModelIds: rows.map((row) => row.upstreamModel),
      }),
    );
    assert.equal(result.created.length, 450);
    assert.equal((await listProviders(context.db)).length, 450);
    const [group] = await listGroups(context.db);
    assert.equal(group?.members.length, 450);
    assert.equal((await findProviderByName(context.db, "bulk-449"))?.priceInput, 449);
  });
});
