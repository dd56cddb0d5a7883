import assert from "node:assert/strict";
import { it } from "node:test";
import { createDb } from "../../db/client";
import { migrateToLatest } from "../../db/migrate";
import { DataError } from "../../db/queries/errors";
import { getConfigVersion } from "../../db/queries/config-state";
import { ensureDefaultSettings, getSettings, saveSettings } from "../../db/queries/settings";
import { defaultSettings, settingKeys } from "../../db/settings-schema";
import { describeEachDatabase } from "../support/test-database";

describeEachDatabase("settings", (context) => {
  it("inserts a row for every default setting", async () => {
    await ensureDefaultSettings(context.db);
    const rows = await context.db.selectFrom("settings").select(["key", "value"]).execute();
    assert.deepEqual(rows.map((row) => row.key).sort(), [...settingKeys].sort());
    assert.deepEqual(await getSettings(context.db), defaultSettings);
  });

  it("never resets a saved value on restart (defaults again, migrations again, a new connection)", async () => {
    await ensureDefaultSettings(context.db);
    await saveSettings(context.db, { failoverThreshold: 7, storeBodies: true, timeZone: "Asia/Tokyo" });

    const restarted = createDb(context.url);
    try {
      await migrateToLatest(restarted);
      await ensureDefaultSettings(restarted);
      const settings = await getSettings(restarted);
      assert.equal(settings.failoverThreshold, 7);
      assert.equal(settings.storeBodies, true);
      assert.equal(settings.timeZone, "Asia/Tokyo");
      assert.equal(settings.cooldownSeconds, defaultSettings.cooldownSeconds);
    } finally {
      await restarted.destroy();
    }
  });

  it("inserts only the missing keys, leaving the others alone", async () => {
    await saveSettings(context.db, { maxAttempts: 5 });
    await ensureDefaultSettings(context.db);
    const settings = await getSettings(context.db);
    assert.equal(settings.maxAttempts, 5);
    assert.equal(settings.logRetentionDays, defaultSettings.logRetentionDays);
  });

  it("saves only the given keys and bumps the config version", async () => {
    await ensureDefaultSettings(context.db);
    const before = await getConfigVersion(context.db);
    const saved = await saveSettings(context.db, { cooldownSeconds: 120 });
    assert.equal(saved.cooldownSeconds, 120);
    assert.equal(saved.failoverThreshold, defaultSettings.failoverThreshold);
    assert.equal(await getConfigVersion(context.db), before + 1);
  });

  it("refuses an out-of-range value with an invalid DataError and stores nothing", async () => {
    await assert.rejects(saveSettings(context.db, { maxAttempts: 0, cooldownSeconds: 9 }), (error: unknown) => {
      return error instanceof DataError && error.code === "invalid" && error.message.includes("maxAttempts");
    });
    assert.equal((await getSettings(context.db)).cooldownSeconds, defaultSettings.cooldownSeconds);
  });

  it("falls back to the default for a stored value that no longer parses", async () => {
    await ensureDefaultSettings(context.db);
    await context.db.updateTable("settings").set({ value: "{not json" }).where("key", "=", "maxAttempts").execute();
    await context.db.updateTable("settings").set({ value: '"many"' }).where("key", "=", "failoverThreshold").execute();
    await context.db.insertInto("settings").values({ key: "retiredSetting", value: "1", updated_at: 0 }).execute();
    const settings = await getSettings(context.db);
    assert.equal(settings.maxAttempts, defaultSettings.maxAttempts);
    assert.equal(settings.failoverThreshold, defaultSettings.failoverThreshold);
  });
});
