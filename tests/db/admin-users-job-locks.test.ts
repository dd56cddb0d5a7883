import assert from "node:assert/strict";
import { it } from "node:test";
import {
  countActiveUsers,
  createAdminUser,
  deleteAdminUser,
  ensureAdminUser,
  getAdminBySubject,
  listAdminUsers,
  setAdminRole,
  getAdminById,
  getAdminByUsername,
  invalidateAdminSessions,
  updateAdminPassword,
} from "../../db/queries/admin-users";
import { getConfigVersion } from "../../db/queries/config-state";
import { releaseJobLock, tryAcquireJobLock } from "../../db/queries/job-locks";
import { describeEachDatabase } from "../support/test-database";

describeEachDatabase("admin users", (context) => {
  it("creates the admin once; a later start with another password leaves it alone", async () => {
    assert.equal(
      await ensureAdminUser(context.db, { username: "admin", passwordHash: "h1", mustChangePassword: true }),
      true,
    );
    assert.equal(
      await ensureAdminUser(context.db, { username: "admin", passwordHash: "h2", mustChangePassword: false }),
      false,
    );
    const admin = await getAdminByUsername(context.db, "admin");
    assert.equal(admin?.passwordHash, "h1");
    assert.equal(admin?.mustChangePassword, true);
    assert.equal(admin?.sessionVersion, 1);
    assert.equal(await getAdminByUsername(context.db, "nobody"), undefined);
  });

  it("changing the password clears must-change and ends older sessions", async () => {
    await ensureAdminUser(context.db, { username: "admin", passwordHash: "h1", mustChangePassword: true });
    const admin = await getAdminByUsername(context.db, "admin");
    assert.ok(admin);
    const version = await getConfigVersion(context.db);
    await updateAdminPassword(context.db, admin.id, "h2");
    const changed = await getAdminById(context.db, admin.id);
    assert.equal(changed?.passwordHash, "h2");
    assert.equal(changed?.mustChangePassword, false);
    assert.equal(changed?.sessionVersion, 2);
    await invalidateAdminSessions(context.db, admin.id);
    assert.equal((await getAdminById(context.db, admin.id))?.sessionVersion, 3);
    assert.equal(await getConfigVersion(context.db), version, "admin changes are not gateway configuration");
  });

  it("the first admin is the owner; more users carry their role, provider and subject", async () => {
    await ensureAdminUser(context.db, { username: "admin", passwordHash: "h1", mustChangePassword: false });
    const viewerId = await createAdminUser(context.db, { username: "vera", role: "viewer", provider: "local" });
    await createAdminUser(context.db, {
      username: "oidc:abc",
      role: "admin",
      provider: "oidc",
      subject: "abc",
      email: "ada@example.com",
      displayName: "Ada",
    });
    const users = await listAdminUsers(context.db);
    assert.deepEqual(
      users.map((user) => [user.username, user.role, user.provider]),
      [
        ["admin", "owner", "local"],
        ["vera", "viewer", "local"],
        ["oidc:abc", "admin", "oidc"],
      ],
    );
    assert.equal((await getAdminBySubject(context.db, "oidc", "abc"))?.email, "ada@example.com");
    assert.equal(await countActiveUsers(context.db, ["owner", "admin"]), 2);
    assert.equal(await countActiveUsers(context.db, ["owner", "admin"], { ssoOnly: true }), 1);
    await assert.rejects(createAdminUser(context.db, { username: "vera", role: "admin", provider: "local" }));

    const before = await getAdminById(context.db, viewerId);
    assert.equal(await setAdminRole(context.db, viewerId, "admin"), true);
    const promoted = await getAdminById(context.db, viewerId);
    assert.equal(promoted?.role, "admin");
    assert.equal(promoted?.sessionVersion, (before?.sessionVersion ?? 0) + 1, "a role change ends open sessions");
    assert.equal(await deleteAdminUser(context.db, viewerId), true);
    assert.equal(await getAdminById(context.db, viewerId), undefined);
    assert.equal(await deleteAdminUser(context.db, viewerId), false);
  });
});

describeEachDatabase("job locks", (context) => {
  it("lets one holder in until the lock expires or is released", async () => {
    assert.equal(await tryAcquireJobLock(context.db, "retention", "a", 1_000, 10_000), true);
    assert.equal(await tryAcquireJobLock(context.db, "retention", "b", 1_000, 10_500), false);
    assert.equal(await tryAcquireJobLock(context.db, "retention", "a", 1_000, 10_600), true, "the holder renews");
    assert.equal(
      await tryAcquireJobLock(context.db, "retention", "b", 1_000, 11_700),
      true,
      "an expired lock is taken over",
    );
    await releaseJobLock(context.db, "retention", "b");
    assert.equal(await tryAcquireJobLock(context.db, "retention", "a", 1_000, 11_800), true);
  });
});
