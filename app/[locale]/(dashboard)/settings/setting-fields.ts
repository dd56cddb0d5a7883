import { settingsSchema, type SettingKey, type Settings } from "@/db/settings-schema";

/**
 * How the settings page lays out db/settings-schema.ts: sections, units and ranges. Ranges
 * are read from the schema itself, so the hint, the validation and the stored value can
 * never disagree.
 */
export type NumberSettingKey = { [K in SettingKey]: Settings[K] extends number ? K : never }[SettingKey];
export type SettingUnit = "count" | "ms" | "seconds" | "days" | "bytes" | "percent";

export interface NumberFieldSpec {
  key: NumberSettingKey;
  unit: SettingUnit;
  min: number;
  max: number;
  defaultValue: number;
}

const units: Record<NumberSettingKey, SettingUnit> = {
  failoverThreshold: "count",
  failoverSampleSize: "count",
  failoverWindowSeconds: "seconds",
  cooldownSeconds: "seconds",
  maxAttempts: "count",
  hedgeBudgetPercent: "percent",
  connectTimeoutMs: "ms",
  firstTokenTimeoutMs: "ms",
  totalTimeoutMs: "ms",
  logRetentionDays: "days",
  bodyRetentionDays: "days",
  bodyMaxBytes: "bytes",
  auditRetentionDays: "days",
  alertErrorRatePercent: "percent",
  alertErrorRateWindowSeconds: "seconds",
  alertErrorRateMinRequests: "count",
  alertCooldownSeconds: "seconds",
};

export const settingSections = [
  {
    id: "routing",
    keys: [
      "failoverThreshold",
      "failoverSampleSize",
      "failoverWindowSeconds",
      "cooldownSeconds",
      "maxAttempts",
      "hedgeBudgetPercent",
    ],
  },
  { id: "timeouts", keys: ["connectTimeoutMs", "firstTokenTimeoutMs", "totalTimeoutMs"] },
  {
    id: "logging",
    keys: ["logRetentionDays", "storeBodies", "bodyRetentionDays", "bodyMaxBytes", "auditRetentionDays"],
  },
  {
    id: "alerts",
    keys: ["alertErrorRatePercent", "alertErrorRateWindowSeconds", "alertErrorRateMinRequests", "alertCooldownSeconds"],
  },
  { id: "dashboard", keys: ["timeZone", "metricsToken"] },
] as const satisfies ReadonlyArray<{ id: string; keys: readonly SettingKey[] }>;

// Fails to compile when a setting is added to the schema but not to a section.
type ListedKey = (typeof settingSections)[number]["keys"][number];
const everySettingListed: [Exclude<SettingKey, ListedKey>] extends [never] ? true : false = true;
void everySettingListed;

export function isNumberSetting(key: SettingKey): key is NumberSettingKey {
  return key in units;
}

export function numberFieldSpec(key: NumberSettingKey): NumberFieldSpec {
  const schema = settingsSchema.shape[key];
  const inner = schema.unwrap();
  return {
    key,
    unit: units[key],
    min: inner.minValue ?? 0,
    max: inner.maxValue ?? Number.MAX_SAFE_INTEGER,
    defaultValue: schema.parse(undefined),
  };
}

export const numberSettingKeys = Object.keys(units) as NumberSettingKey[];

/** Metrics tokens: long enough not to be guessed, visible ASCII so they fit a header. */
export const METRICS_TOKEN_MIN = 16;
export const METRICS_TOKEN_MAX = settingsSchema.shape.metricsToken.unwrap().maxLength ?? 256;
export const TIME_ZONE_MAX = settingsSchema.shape.timeZone.unwrap().maxLength ?? 64;
