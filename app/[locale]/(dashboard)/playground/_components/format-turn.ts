import type { useFormatter } from "next-intl";

type Formatter = ReturnType<typeof useFormatter>;

/** "340 ms" below a second, "1.25 s" above. */
export function formatDuration(format: Formatter, ms: number): string {
  if (ms < 1_000)
    return format.number(ms, { style: "unit", unit: "millisecond", unitDisplay: "short", maximumFractionDigits: 0 });
  return format.number(ms / 1_000, { style: "unit", unit: "second", unitDisplay: "short", maximumFractionDigits: 2 });
}

/** Prices are per million tokens, so one turn often costs a fraction of a cent: keep its digits. */
export function formatCost(format: Formatter, cost: number): string {
  const digits =
    cost > 0 && cost < 0.01 ? { maximumSignificantDigits: 3 } : { minimumFractionDigits: 2, maximumFractionDigits: 4 };
  return format.number(cost, { style: "currency", currency: "USD", ...digits });
}
