import type { Settings } from "../../db/settings-schema";
import type { BreakerView } from "./types";

type BreakerSettings = Pick<Settings, "failoverThreshold" | "failoverWindowSeconds" | "cooldownSeconds">;

interface BreakerState {
  /** The latest failure times, at most `threshold` of them: enough to tell N-within-T. */
  failures: number[];
  windowMs: number;
  /** Epoch ms until which the provider rests; 0 when it never opened since the last close. */
  openUntil: number;
  isProbeInFlight: boolean;
}

/**
 * Per-provider circuit breakers, in memory only (the request path never counts log rows).
 * Closed → open after N failures within T (for the cool-down) or a Retry-After (for exactly
 * that long); open → half-open when the rest is over, letting exactly one probe through; the
 * probe's verdict closes or reopens it.
 */
export class BreakerBoard {
  private readonly states = new Map<number, BreakerState>();

  /** Whether a new attempt may go to this provider now. */
  canTry(providerId: number, now: number): boolean {
    const state = this.states.get(providerId);
    if (!state || state.openUntil === 0) return true;
    if (now < state.openUntil) return false;
    return !state.isProbeInFlight;
  }

  /** Marks an attempt as started; in half-open state it takes the one probe slot. */
  beginAttempt(providerId: number, now: number): void {
    const state = this.states.get(providerId);
    if (state && state.openUntil !== 0 && now >= state.openUntil) state.isProbeInFlight = true;
  }

  recordSuccess(providerId: number, _now: number): void {
    const state = this.states.get(providerId);
    if (!state || state.openUntil === 0) return;
    // A success after the breaker had opened proves the provider is back.
    state.failures.length = 0;
    state.openUntil = 0;
    state.isProbeInFlight = false;
  }

  recordFailure(providerId: number, now: number, settings: BreakerSettings, retryAfterMs?: number | null): void {
    const state = this.ensureState(providerId);
    state.windowMs = settings.failoverWindowSeconds * 1000;
    state.failures.push(now);
    while (state.failures.length > settings.failoverThreshold) state.failures.shift();
    const cooldownMs = settings.cooldownSeconds * 1000;
    const isHalfOpen = state.openUntil !== 0 && now >= state.openUntil;
    const oldest = state.failures[0] ?? now;
    const isOverThreshold = state.failures.length >= settings.failoverThreshold && now - oldest <= state.windowMs;
    // The provider said when it takes requests again: that, not the default cool-down, is the rest.
    if (retryAfterMs && retryAfterMs > 0) state.openUntil = now + retryAfterMs;
    else if (isHalfOpen || isOverThreshold) state.openUntil = Math.max(state.openUntil, now + cooldownMs);
    state.isProbeInFlight = false;
  }

  /** For attempts that ended without a verdict (client went away, client's own error). */
  releaseProbe(providerId: number): void {
    const state = this.states.get(providerId);
    if (state) state.isProbeInFlight = false;
  }

  openUntil(providerId: number): number | null {
    const openUntil = this.states.get(providerId)?.openUntil ?? 0;
    return openUntil === 0 ? null : openUntil;
  }

  view(providerId: number, now: number): BreakerView {
    const state = this.states.get(providerId);
    if (!state) return { state: "closed", openUntil: null, recentFailures: 0 };
    const recentFailures = state.failures.filter((at) => now - at <= state.windowMs).length;
    if (state.openUntil === 0) return { state: "closed", openUntil: null, recentFailures };
    return { state: now < state.openUntil ? "open" : "half_open", openUntil: state.openUntil, recentFailures };
  }

  /** Forgets a provider's history, e.g. after the operator edits or re-enables it. */
  reset(providerId: number): void {
    this.states.delete(providerId);
  }

  private ensureState(providerId: number): BreakerState {
    let state = this.states.get(providerId);
    if (!state) {
      state = { failures: [], windowMs: 0, openUntil: 0, isProbeInFlight: false };
      this.states.set(providerId, state);
    }
    return state;
  }
}
