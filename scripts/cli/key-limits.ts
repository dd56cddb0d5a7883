import { keyLimitsSchema, NO_KEY_LIMITS, type KeyLimitField, type KeyLimits } from "../../db/limits";
import type { KeySpend } from "../../db/queries/key-spend";
import { stringOption, type OptionValues } from "./command";
import { UsageError } from "./output";

/** The `keys create` flag of each limit, with its help. */
export const KEY_LIMIT_FLAGS: readonly [string, KeyLimitField, string][] = [
  ["rpm", "rpm", "requests per minute"],
  ["tpm", "tpm", "tokens (input + output) per minute"],
  ["concurrency", "maxConcurrent", "requests in flight at once"],
  ["budget-day", "budgetDay", "USD per UTC day"],
  ["budget-month", "budgetMonth", "USD per UTC month"],
  ["budget-total", "budgetTotal", "USD in total"],
];

export const KEY_LIMIT_OPTIONS = Object.fromEntries(
  KEY_LIMIT_FLAGS.map(([flag]) => [flag, { type: "string" as const }]),
) as Record<string, { type: "string" }>;

export const KEY_LIMIT_HELP: [string, string][] = KEY_LIMIT_FLAGS.map(([flag, , help]) => [`--${flag} N`, help]);

/** Reads the limit flags; a value that is not a valid limit is a usage error naming the flag. */
export function parseKeyLimits(values: OptionValues): KeyLimits {
  const limits: Record<string, number | null> = { ...NO_KEY_LIMITS };
  for (const [flag, field] of KEY_LIMIT_FLAGS) {
    const text = stringOption(values, flag)?.trim();
    if (text === undefined || text === "") continue;
    const value = Number(text);
    const checked = keyLimitsSchema.shape[field].safeParse(Number.isFinite(value) ? value : Number.NaN);
    if (!checked.success)
      throw new UsageError(
        `--${flag} expects ${field.startsWith("budget") ? "a USD amount above 0" : "a whole number, 1 or more"}`,
      );
    limits[field] = checked.data;
  }
  return limits as unknown as KeyLimits;
}

/** `60 rpm, 4 at once, $5/day` or `-`. */
export function describeKeyLimits(limits: KeyLimits): string {
  const parts: string[] = [];
  if (limits.rpm !== null) parts.push(`${limits.rpm} rpm`);
  if (limits.tpm !== null) parts.push(`${limits.tpm} tpm`);
  if (limits.maxConcurrent !== null) parts.push(`${limits.maxConcurrent} at once`);
  if (limits.budgetDay !== null) parts.push(`$${limits.budgetDay}/day`);
  if (limits.budgetMonth !== null) parts.push(`$${limits.budgetMonth}/month`);
  if (limits.budgetTotal !== null) parts.push(`$${limits.budgetTotal} total`);
  return parts.join(", ") || "-";
}

/** `$0.12 today, $3.40 this month` — what the budgets are measured against. */
export function describeSpend(spend: KeySpend | undefined): string {
  const usd = (amount: number) => `$${amount.toFixed(amount > 0 && amount < 0.01 ? 6 : 2)}`;
  const value = spend ?? { day: 0, month: 0, total: 0 };
  return `${usd(value.day)} today, ${usd(value.month)} month, ${usd(value.total)} total`;
}
