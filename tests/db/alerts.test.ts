import assert from "node:assert/strict";
import { it } from "node:test";
import {
  claimAlert,
  createAlertTarget,
  deleteAlertTarget,
  listAlertTargets,
  loadAlertTargets,
  updateAlertTarget,
} from "../../db/queries/alerts";
import { createSecretCipher } from "../../db/crypto";
import { isDataError } from "../../db/queries/errors";
import { describeEachDatabase } from "../support/test-database";

const cipher = createSecretCipher(Buffer.alloc(32, 7));
const SECRET = "whsec-canary-0123456789";
const T0 = 1_700_000_000_000;

describeEachDatabase("alert targets and dedupe state", (context) => {
  it("stores the secret encrypted, lists targets without it, and keeps it when an edit leaves it out", async () => {
    const id = await createAlertTarget(context.db, cipher, {
      name: "ops",
      kind: "generic",
      url: "https://hooks.example.com/a",
      secret: SECRET,
      events: ["breaker_opened", "error_rate"],
      isEnabled: true,
    });
    const raw = await context.db.selectFrom("alert_targets").selectAll().executeTakeFirstOrThrow();
    assert.ok(!JSON.stringify(raw).includes(SECRET), "encrypted at rest");
    const [view] = await listAlertTargets(context.db);
    assert.deepEqual(view, {
      id,
      name: "ops",
      kind: "generic",
      url: "https://hooks.example.com/a",
      hasSecret: true,
      events: ["breaker_opened", "error_rate"],
      isEnabled: true,
    });
    await updateAlertTarget(context.db, cipher, id, {
      name: "ops",
      kind: "generic",
      url: "https://hooks.example.com/b",
      events: ["group_failed"],
      isEnabled: false,
    });
    const [loaded] = await loadAlertTargets(context.db, cipher);
    assert.equal(loaded!.secret, SECRET, "kept");
    assert.deepEqual([...loaded!.events], ["group_failed"]);
    await updateAlertTarget(context.db, cipher, id, { ...view!, secret: "", events: ["group_failed"] });
    assert.equal((await loadAlertTargets(context.db, cipher))[0]!.secret, null, "removed");
    await assert.rejects(createAlertTarget(context.db, cipher, { ...view!, secret: null }), (error) =>
      isDataError(error, "conflict"),
    );
    await deleteAlertTarget(context.db, id);
    assert.deepEqual(await listAlertTargets(context.db), []);
    await assert.rejects(deleteAlertTarget(context.db, id), (error) => isDataError(error, "not_found"));
  });

  it("claims an alert key once per cooldown, across callers", async () => {
    assert.equal(await claimAlert(context.db, "breaker_opened:1", T0, 600_000), true);
    assert.equal(await claimAlert(context.db, "breaker_opened:1", T0 + 1_000, 600_000), false);
    assert.equal(await claimAlert(context.db, "breaker_opened:2", T0 + 1_000, 600_000), true);
    assert.equal(await claimAlert(context.db, "breaker_opened:1", T0 + 600_000, 600_000), true, "cooldown over");
    const claims = await Promise.all(
      Array.from({ length: 5 }, () => claimAlert(context.db, "group_failed:g", T0, 600_000)),
    );
    assert.equal(claims.filter(Boolean).length, 1, "one of several racing callers wins");
  });
});
