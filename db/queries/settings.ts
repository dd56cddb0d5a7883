import { defaultSettings, settingKeys, settingsSchema } from "../settings-schema";
import type { SettingKey, Settings } from "../settings-schema";
import { withTransaction } from "../dialect";
import type { Executor } from "../schema";
import { bumpConfigVersion } from "./config-state";
import { DataError } from "./errors";

/**
 * Inserts a row for every setting that has none. Existing rows are never touched, so a
 * restart (or a new release with new defaults) never resets what the operator saved.
 */
export async function ensureDefaultSettings(db: Executor): Promise<void> {
  const now = Date.now();
  await db
    .insertInto("settings")
    .values(settingKeys.map((key) => ({ key, value: JSON.stringify(defaultSettings[key]), updated_at: now })))
    .onConflict((oc) => oc.column("key").doNothing())
    .execute();
}

function parseSetting<K extends SettingKey>(key: K, json: string): Settings[K] {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return defaultSettings[key];
  }
  const parsed = settingsSchema.shape[key].safeParse(raw);
  // A value an older release or a hand edit left behind must not take the gateway down.
  return parsed.success ? (parsed.data as Settings[K]) : defaultSettings[key];
}

/** Every setting: stored values where valid, defaults for the rest. Unknown rows are ignored. */
export async function getSettings(db: Executor): Promise<Settings> {
  const rows = await db.selectFrom("settings").select(["key", "value"]).execute();
  const stored = new Map(rows.map((row) => [row.key, row.value]));
  const settings: Settings = { ...defaultSettings };
  for (const key of settingKeys) {
    const json = stored.get(key);
    if (json !== undefined) assign(settings, key, parseSetting(key, json));
  }
  return settings;
}

function assign<K extends SettingKey>(settings: Settings, key: K, value: Settings[K]): void {
  settings[key] = value;
}

/**
 * Validates and stores the given settings only; the others keep their saved values.
 * Returns the full settings as now stored.
 */
export async function saveSettings(db: Executor, partial: Partial<Settings>): Promise<Settings> {
  const now = Date.now();
  const rows: { key: string; value: string; updated_at: number }[] = [];
  for (const key of settingKeys) {
    const value = partial[key];
    if (value === undefined) continue;
    // Key by key: parsing a partial object would fill every absent key with its default.
    const parsed = settingsSchema.shape[key].safeParse(value);
    if (!parsed.success) {
      throw new DataError("invalid", `Invalid value for setting ${key}: ${parsed.error.issues[0]?.message ?? ""}`, {
        cause: parsed.error,
      });
    }
    rows.push({ key, value: JSON.stringify(parsed.data), updated_at: now });
  }
  return withTransaction(db, async (trx) => {
    if (rows.length > 0) {
      await trx
        .insertInto("settings")
        .values(rows)
        .onConflict((oc) =>
          oc
            .column("key")
            .doUpdateSet((eb) => ({ value: eb.ref("excluded.value"), updated_at: eb.ref("excluded.updated_at") })),
        )
        .execute();
      await bumpConfigVersion(trx);
    }
    return getSettings(trx);
  });
}
