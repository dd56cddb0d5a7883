import type { RateLimits } from "@/db/limits";
import type { BreakerReason, BreakerStateName } from "@/lib/gateway/types";
import type { PriceUnit, WorkKind } from "@/lib/work-kinds";

/** What the browser knows about a provider: its settings and state, never its endpoint's key. */
export interface ProviderItem {
  id: number;
  name: string;
  credentialId: number;
  credentialName: string;
  upstreamModel: string;
  priceInput: number;
  priceOutput: number;
  priceCached: number;
  priceCacheWrite: number;
  priceUnit: PriceUnit;
  pricePerUnit: number;
  /** The ticked kinds of work; empty: guessed from the model id. */
  kinds: WorkKind[];
  /** What it serves: the ticked kinds, or the guess. */
  servedKinds: WorkKind[];
  isEnabled: boolean;
  connectTimeoutMs: number | null;
  firstTokenTimeoutMs: number | null;
  totalTimeoutMs: number | null;
  extraHeaders: Record<string, string>;
  limits: RateLimits;
  breaker: {
    state: BreakerStateName;
    secondsLeft: number | null;
    recentFailures: number;
    reason: BreakerReason | null;
    /** Epoch ms when an open breaker lets its probe through. */
    reopensAt: number | null;
    lastFailure: string | null;
  };
  /** This process's live figures (lib/gateway/provider-stats.ts). */
  live: { ttftP50Ms: number | null; ttftP95Ms: number | null; inFlight: number };
  calls24h: number;
  successes24h: number;
}

export interface EndpointOption {
  id: number;
  name: string;
}

export type TimeoutField = "connectTimeoutMs" | "firstTokenTimeoutMs" | "totalTimeoutMs";

/** Per timeout: the settings' value (what a blank field means) and the allowed range. */
export type TimeoutDefaults = Record<TimeoutField, { fallback: number; min: number; max: number }>;
