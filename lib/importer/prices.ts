/** Prices per 1M tokens, as providers store them. */
export interface Prices {
  input: number;
  output: number;
  cached: number;
}

/** The typed text of a row's or the bulk price fields; blank means "not set here". */
export interface PriceTexts {
  input: string;
  output: string;
  cached: string;
}

/** The same bound as the providers form. */
export const MAX_PRICE = 1_000_000;

export const emptyPriceTexts: PriceTexts = { input: "", output: "", cached: "" };
export const PRICE_KINDS = ["input", "output", "cached"] as const;
export type PriceKind = (typeof PRICE_KINDS)[number];

/** null for blank text, a number in range, or "invalid". */
export function parsePrice(text: string): number | null | "invalid" {
  const trimmed = text.trim();
  if (trimmed === "") return null;
  const value = Number(trimmed);
  if (!Number.isFinite(value) || value < 0 || value > MAX_PRICE) return "invalid";
  return value;
}

/**
 * A row's prices: its own where typed, else the bulk price, else 0. Returns null when any
 * typed value (row or bulk) is not a valid price.
 */
export function resolvePrices(row: PriceTexts | undefined, bulk: PriceTexts): Prices | null {
  const out: Prices = { input: 0, output: 0, cached: 0 };
  for (const kind of PRICE_KINDS) {
    const own = parsePrice(row?.[kind] ?? "");
    const shared = parsePrice(bulk[kind]);
    if (own === "invalid" || shared === "invalid") return null;
    out[kind] = own ?? shared ?? 0;
  }
  return out;
}
