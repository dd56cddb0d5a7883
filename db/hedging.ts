/**
 * Hedged first tokens, per group (applied in lib/gateway/failover.ts): when the chosen
 * provider has not answered its first token after a delay, the next one is started beside it
 * and the first to pass the checks wins. `fixed` waits `delayMs`; `auto` waits the provider's
 * recent p95 time to first token, `delayMs` until it has enough samples.
 */
export const HEDGE_MODES = ["off", "fixed", "auto"] as const;
export type HedgeMode = (typeof HEDGE_MODES)[number];

export interface HedgePolicy {
  mode: HedgeMode;
  delayMs: number;
}

export const DEFAULT_HEDGE_DELAY_MS = 1_000;
export const NO_HEDGING: HedgePolicy = { mode: "off", delayMs: DEFAULT_HEDGE_DELAY_MS };
export const HEDGE_DELAY_LIMITS = { min: 10, max: 600_000 } as const;

/** Reads a stored mode; anything unknown (a newer version's value) is `off`. */
export function toHedgeMode(value: string): HedgeMode {
  return (HEDGE_MODES as readonly string[]).includes(value) ? (value as HedgeMode) : "off";
}
