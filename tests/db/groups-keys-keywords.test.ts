import assert from "node:assert/strict";
import { it } from "node:test";
import {
  createApiKey,
  deleteApiKey,
  getApiKey,
  listApiKeys,
  setApiKeyEnabled,
  touchApiKeys,
  updateApiKey,
} from "../../db/queries/api-keys";
import { getConfigVersion } from "../../db/queries/config-state";
import { createCredential } from "../../db/queries/credentials";
import { isDataError } from "../../db/queries/errors";
import {
  createGroup,
  deleteGroup,
  getGroup,
  listGroups,
  removeGroupMember,
  renameGroup,
  replaceGroupMembers,
  setGroupMember,
  updateGroup,
} from "../../db/queries/groups";
import {
  addKeywordHits,
  createKeyword,
  deleteKeyword,
  listKeywords,
  setKeywordEnabled,
  updateKeyword,
} from "../../db/queries/keywords";
import { createProvider, deleteProvider } from "../../db/queries/providers";
import { createSecretCipher, hashApiKey } from "../../db/crypto";
import type { Executor } from "../../db/schema";
import { describeEachDatabase } from "../support/test-database";

const cipher = createSecretCipher(Buffer.alloc(32, 7));

async function seedProviders(db: Executor, names: string[]): Promise<number[]> {
  const credentialId = await createCredential(db, cipher, {
    name: "E",
    baseUrl: "https://e/v1",
    apiKey: "sk-0123456789abcdef",
  });
  const ids: number[] = [];
  for (const name of names) ids.push(await createProvider(db, { name, credentialId, upstreamModel: name }));
  return ids;
}

describeEachDatabase("groups", (context) => {
  it("creates, renames and describes a group; refuses a duplicate name", async () => {
    const id = await createGroup(context.db, { name: " gpt-4o ", description: "fast" });
    await renameGroup(context.db, id, "gpt-4o-mini");
    await updateGroup(context.db, id, { description: "cheap" });
    const group = await getGroup(context.db, id);
    assert.equal(group?.name, "gpt-4o-mini");
    assert.equal(group?.description, "cheap");
    await createGroup(context.db, { name: "other" });
    await assert.rejects(renameGroup(context.db, id, "other"), (error: unknown) => isDataError(error, "conflict"));
  });

  it("upserts members and lists them by priority, then weight descending", async () => {
    const [a, b, c] = await seedProviders(context.db, ["a", "b", "c"]);
    assert.ok(a && b && c);
    const id = await createGroup(context.db, { name: "g" });
    await setGroupMember(context.db, id, { providerId: a, priority: 2, weight: 1 });
    await setGroupMember(context.db, id, { providerId: b, priority: 1, weight: 1 });
    await setGroupMember(context.db, id, { providerId: c, priority: 1, weight: 5 });
    await setGroupMember(context.db, id, { providerId: a, priority: 2, weight: 3 });
    const [group] = await listGroups(context.db);
    assert.deepEqual(
      group?.members.map((m) => [m.providerName, m.priority, m.weight, m.isEnabled]),
      [
        ["c", 1, 5, true],
        ["b", 1, 1, true],
        ["a", 2, 3, true],
      ],
    );
    await removeGroupMember(context.db, id, c);
    assert.deepEqual(
      (await getGroup(context.db, id))?.members.map((m) => m.providerName),
      ["b", "a"],
    );
    await assert.rejects(setGroupMember(context.db, id, { providerId: a, priority: 0, weight: 1 }), (error: unknown) =>
      isDataError(error, "invalid"),
    );
  });

  it("replaces the member list at once, and drops members when a provider or group is deleted", async () => {
    const [a, b] = await seedProviders(context.db, ["a", "b"]);
    assert.ok(a && b);
    const id = await createGroup(context.db, { name: "g" });
    await replaceGroupMembers(context.db, id, [
      { providerId: a, priority: 1, weight: 1 },
      { providerId: b, priority: 2, weight: 1 },
    ]);
    await deleteProvider(context.db, a);
    assert.deepEqual(
      (await getGroup(context.db, id))?.members.map((m) => m.providerId),
      [b],
    );
    await deleteGroup(context.db, id);
    assert.equal(await getGroup(context.db, id), undefined);
    const left = await context.db.selectFrom("group_members").selectAll().execute();
    assert.equal(left.length, 0);
  });

  it("bumps the config version on every group write", async () => {
    const [a] = await seedProviders(context.db, ["a"]);
    assert.ok(a);
    const start = await getConfigVersion(context.db);
    const id = await createGroup(context.db, { name: "g" });
    await renameGroup(context.db, id, "h");
    await setGroupMember(context.db, id, { providerId: a, priority: 1, weight: 1 });
    await removeGroupMember(context.db, id, a);
    await deleteGroup(context.db, id);
    assert.equal(await getConfigVersion(context.db), start + 5);
  });
});

describeEachDatabase("api keys", (context) => {
  it("returns the key once and stores only its hash and prefix", async () => {
    const group = await createGroup(context.db, { name: "g" });
    const { id, key } = await createApiKey(context.db, {
      name: "app",
      allGroups: false,
      groupIds: [group],
      expiresAt: null,
    });
    assert.match(key, /^sk-[A-Za-z0-9]{48}$/);
    const row = await context.db.selectFrom("api_keys").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    assert.equal(row.key_hash, hashApiKey(key));
    assert.equal(row.key_prefix, key.slice(0, 7));
    const [listed] = await listApiKeys(context.db);
    assert.deepEqual(listed?.groupIds, [group]);
    assert.equal(listed?.isEnabled, true);
    assert.equal(listed?.allGroups, false);
    assert.ok(!JSON.stringify(listed).includes(row.key_hash), "the listing carries no hash");
    assert.ok(!JSON.stringify(listed).includes(key), "the listing carries no key");
  });

  it("updates name, groups, all-groups and expiry; enables, disables and deletes", async () => {
    const g1 = await createGroup(context.db, { name: "g1" });
    const g2 = await createGroup(context.db, { name: "g2" });
    const { id } = await createApiKey(context.db, { name: "app", allGroups: false, groupIds: [g1], expiresAt: null });
    await updateApiKey(context.db, id, {
      name: "app2",
      groupIds: [g2, g1, g2],
      allGroups: true,
      expiresAt: 1_900_000_000_000,
    });
    await setApiKeyEnabled(context.db, id, false);
    const key = await getApiKey(context.db, id);
    assert.equal(key?.name, "app2");
    assert.deepEqual(key?.groupIds, [g1, g2]);
    assert.equal(key?.allGroups, true);
    assert.equal(key?.expiresAt, 1_900_000_000_000);
    assert.equal(key?.isEnabled, false);
    await deleteGroup(context.db, g1);
    assert.deepEqual((await getApiKey(context.db, id))?.groupIds, [g2]);
    await deleteApiKey(context.db, id);
    assert.equal(await getApiKey(context.db, id), undefined);
    await assert.rejects(setApiKeyEnabled(context.db, id, true), (error: unknown) => isDataError(error, "not_found"));
  });

  it("moves last-used forward only, without bumping the config version", async () => {
    const a = await createApiKey(context.db, { name: "a", allGroups: true, groupIds: [], expiresAt: null });
    const b = await createApiKey(context.db, { name: "b", allGroups: true, groupIds: [], expiresAt: null });
    const version = await getConfigVersion(context.db);
    await touchApiKeys(
      context.db,
      new Map([
        [a.id, 2_000],
        [b.id, 5_000],
        [9_999, 1],
      ]),
    );
    await touchApiKeys(
      context.db,
      new Map([
        [a.id, 3_000],
        [b.id, 4_000],
      ]),
    );
    assert.equal((await getApiKey(context.db, a.id))?.lastUsedAt, 3_000);
    assert.equal((await getApiKey(context.db, b.id))?.lastUsedAt, 5_000);
    assert.equal(await getConfigVersion(context.db), version);
  });
});

describeEachDatabase("failure keywords", (context) => {
  it("creates, edits, disables and deletes keywords, bumping the config version each time", async () => {
    const start = await getConfigVersion(context.db);
    const id = await createKeyword(context.db, { keyword: " I cannot help " });
    await updateKeyword(context.db, id, { keyword: "cannot help" });
    await setKeywordEnabled(context.db, id, false);
    const [keyword] = await listKeywords(context.db);
    assert.equal(keyword?.keyword, "cannot help");
    assert.equal(keyword?.isEnabled, false);
    assert.equal(keyword?.hitCount, 0);
    assert.equal(keyword?.lastHitAt, null);
    await deleteKeyword(context.db, id);
    assert.deepEqual(await listKeywords(context.db), []);
    assert.equal(await getConfigVersion(context.db), start + 4);
    await assert.rejects(createKeyword(context.db, { keyword: "  " }), (error: unknown) =>
      isDataError(error, "invalid"),
    );
  });

  it("adds hit counts and keeps the latest hit time, without bumping the config version", async () => {
    const id = await createKeyword(context.db, { keyword: "quota" });
    const version = await getConfigVersion(context.db);
    await addKeywordHits(context.db, new Map([[id, { count: 3, lastAt: 5_000 }]]));
    await addKeywordHits(
      context.db,
      new Map([
        [id, { count: 2, lastAt: 4_000 }],
        [12_345, { count: 1, lastAt: 1 }],
      ]),
    );
    const [keyword] = await listKeywords(context.db);
    assert.equal(keyword?.hitCount, 5);
    assert.equal(keyword?.lastHitAt, 5_000);
    assert.equal(await getConfigVersion(context.db), version);
  });
});
