import { PRICE_UNITS, WORK_KINDS, type PriceUnit, type WorkKind } from "./schema";

/* How a provider's kinds and price unit are stored: comma-separated names, unknown ones dropped. */

/** The stored comma-separated list, unknown names dropped, in WORK_KINDS order. */
export function parseWorkKinds(stored: string): WorkKind[] {
  const named = new Set(stored.split(",").map((part) => part.trim()));
  return WORK_KINDS.filter((kind) => named.has(kind));
}

export function formatWorkKinds(kinds: readonly WorkKind[]): string {
  return WORK_KINDS.filter((kind) => kinds.includes(kind)).join(",");
}

export function toPriceUnit(stored: string): PriceUnit {
  return (PRICE_UNITS as readonly string[]).includes(stored) ? (stored as PriceUnit) : "none";
}
