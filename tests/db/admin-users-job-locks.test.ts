import assert from "node:assert/strict";
import { it } from "node:test";
import {
  ensureAdminUser,
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
