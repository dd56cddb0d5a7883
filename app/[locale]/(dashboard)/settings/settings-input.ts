import { z } from "zod";
import type { Settings } from "@/db/settings-schema";
import {
  METRICS_TOKEN_MAX,
  METRICS_TOKEN_MIN,
  TIME_ZONE_MAX,
  numberFieldSpec,
  numberSettingKeys,
  type NumberSettingKey,
} from "./setting-fields";

/**
 * The settings form as the browser sends it (numbers as typed text) and its translation
 * into a settings patch. Error messages are keys of the `Errors` namespace; range errors
 * are shown with the field's min and max, which the form knows from the same schema.
 */
function wholeNumber(key: NumberSettingKey) {
  const { min, max } = numberFieldSpec(key);
  return z
    .string()
    .trim()
    .min(1, "required")
    .pipe(
      z.coerce
        .number<string>({ error: "notANumber" })
        .int("notAWholeNumber")
        .min(min, "outOfRangeBetween")
        .max(max, "outOfRangeBetween"),
    );
}

/** The zone's canonical IANA name, or null when the runtime does not know it. */
export function canonicalTimeZone(zone: string): string | null {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

const numberShape = Object.fromEntries(numberSettingKeys.map((key) => [key, wholeNumber(key)])) as Record<
  NumberSettingKey,
  ReturnType<typeof wholeNumber>
>;

export const settingsFormSchema = z
  .object({
    ...numberShape,
    storeBodies: z.boolean(),
    // Empty means the server's own zone; anything else must be a zone this runtime knows.
    timeZone: z
      .string()
      .trim()
      .max(TIME_ZONE_MAX, "tooLong")
      .refine((zone) => zone === "" || canonicalTimeZone(zone) !== null, "invalidTimeZone"),
    // The token is write-only: keep it, replace it with a new one, or clear it.
    metricsTokenMode: z.enum(["keep", "replace", "clear"]),
    metricsToken: z.string().max(METRICS_TOKEN_MAX + 64, "tooLong"),
  })
  .superRefine((input, context) => {
    if (input.metricsTokenMode !== "replace") return;
    const token = input.metricsToken.trim();
    const isValid =
      token.length >= METRICS_TOKEN_MIN && token.length <= METRICS_TOKEN_MAX && /^[\x21-\x7e]+$/.test(token);
    if (!isValid) context.addIssue({ code: "custom", path: ["metricsToken"], message: "invalidMetricsToken" });
  });

export type SettingsFormInput = z.input<typeof settingsFormSchema>;

export function toSettingsPatch(input: z.output<typeof settingsFormSchema>): Partial<Settings> {
  const patch: Partial<Settings> = { storeBodies: input.storeBodies };
  for (const key of numberSettingKeys) patch[key] = input[key];
  patch.timeZone = input.timeZone === "" ? "" : (canonicalTimeZone(input.timeZone) ?? "");
  if (input.metricsTokenMode === "replace") patch.metricsToken = input.metricsToken.trim();
  if (input.metricsTokenMode === "clear") patch.metricsToken = "";
  return patch;
}
