import { z } from "zod";
import type { KeyLimits, RateLimits } from "@/db/limits";

/*
 * The dashboard's checks of limit fields, flat on the form (each field shows its own error);
 * messages are `Errors` ids. The ranges are db/limits.ts's.
 */

const count = z
  .number({ error: "notANumber" })
  .int("notAWholeNumber")
  .min(1, "outOfRange")
  .max(1_000_000_000, "outOfRange")
  .nullable()
  .default(null);
const usd = z
  .number({ error: "notANumber" })
  .positive("outOfRange")
  .max(1_000_000_000, "outOfRange")
  .nullable()
  .default(null);

export const rateLimitFields = { rpm: count, tpm: count };
export const keyLimitFields = {
  ...rateLimitFields,
  maxConcurrent: count,
  budgetDay: usd,
  budgetMonth: usd,
  budgetTotal: usd,
};

export function toRateLimits(value: RateLimits): RateLimits {
  return { rpm: value.rpm, tpm: value.tpm };
}

export function toKeyLimits(value: KeyLimits): KeyLimits {
  return {
    rpm: value.rpm,
    tpm: value.tpm,
    maxConcurrent: value.maxConcurrent,
    budgetDay: value.budgetDay,
    budgetMonth: value.budgetMonth,
    budgetTotal: value.budgetTotal,
  };
}
