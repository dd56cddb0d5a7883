import type { Settings } from "../../db/settings-schema";
import type { BreakerReason, BreakerView } from "./types";

type BreakerSettings = Pick<
  Settings,
  "failoverThreshold" | "failoverSampleSize" | "failoverWindowSeconds" | "cooldownSeconds"
>;

interface Outcome {
  at: number;
  isFailure: boolean;
}

interface BreakerState {
  /** The latest outcomes, at most `failoverSampleSize` of them (successes and failures). */
  outcomes: Outcome[];
  windowMs: number;
  /** Epoch ms until which the provider rests; 0 when it never opened since the last close. */
  openUntil: number;
  isProbeInFlight: boolean;
  /** Why it opened last; null while it has not opened since the last close. */
  reason: BreakerReason | null;
  /** The last failure's plain reason (status, timeout, …), for the dashboard. */
  lastFailure: string | null;
}

/** The sample never holds fewer outcomes than the threshold, or N-of-M could never trip. */
function sampleSizeOf(settings: BreakerSettings): number {
  return Math.max(settings.failoverThreshold, settings.failoverSampleSize);
}

/**
 * Per-provider circuit breakers, in memory only (the request path never counts log rows).
 * Closed → open when N of the last M requests (within the window) failed, for the cool-down,
 * or at once when a provider asked for a rest (Retry-After and friends), for exactly that long;
 * open → half-open when the rest is over, letting exactly one probe through; the probe's
 * verdict closes or reopens it.
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

  recordSuccess(providerId: number, now: number, settings: BreakerSettings): void {
    const state = this.states.get(providerId);
    if (!state) return;
    if (state.openUntil !== 0) {
      // A success after the breaker had opened proves the provider is back.
      state.outcomes.length = 0;
      state.openUntil = 0;
      state.isProbeInFlight = false;
      state.reason = null;
      return;
    }
    // Only providers that failed lately have a state; their successes dilute the failures.
    this.push(state, { at: now, isFailure: false }, settings);
  }

  recordFailure(
    providerId: number,
    now: number,
    settings: BreakerSettings,
    retryAfterMs?: number | null,
    detail?: string,
  ): void {
    const state = this.ensureState(providerId);
    state.windowMs = settings.failoverWindowSeconds * 1000;
    this.push(state, { at: now, isFailure: true }, settings);
    state.lastFailure = detail ?? state.lastFailure;
    const cooldownMs = settings.cooldownSeconds * 1000;
    const isHalfOpen = state.openUntil !== 0 && now >= state.openUntil;
    const isOverThreshold = this.countFailures(state, now) >= settings.failoverThreshold;
    // The provider said when it takes requests again: that, not the default cool-down, is the rest.
    if (retryAfterMs && retryAfterMs > 0) {
      state.openUntil = now + retryAfterMs;
      state.reason = "retry_after";
    } else if (isHalfOpen || isOverThreshold) {
      state.openUntil = Math.max(state.openUntil, now + cooldownMs);
      state.reason = isHalfOpen ? "probe_failed" : "failure_rate";
    }
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
    if (!state) return { state: "closed", openUntil: null, recentFailures: 0, reason: null, lastFailure: null };
    const recentFailures = this.countFailures(state, now);
    const lastFailure = state.lastFailure;
    if (state.openUntil === 0) return { state: "closed", openUntil: null, recentFailures, reason: null, lastFailure };
    return {
      state: now < state.openUntil ? "open" : "half_open",
      openUntil: state.openUntil,
      recentFailures,
      reason: state.reason,
      lastFailure,
    };
  }

  /** Forgets a provider's history, e.g. after the operator edits or re-enables it. */
  reset(providerId: number): void {
    this.states.delete(providerId);
  }

  private push(state: BreakerState, outcome: Outcome, settings: BreakerSettings): void {
    state.outcomes.push(outcome);
    while (state.outcomes.length > sampleSizeOf(settings)) state.outcomes.shift();
  }

  private countFailures(state: BreakerState, now: number): number {
    return state.outcomes.filter((outcome) => outcome.isFailure && now - outcome.at <= state.windowMs).length;
  }

  private ensureState(providerId: number): BreakerState {
    let state = this.states.get(providerId);
    if (!state) {
      state = { outcomes: [], windowMs: 0, openUntil: 0, isProbeInFlight: false, reason: null, lastFailure: null };
      this.states.set(providerId, state);
    }
    return state;
  }
}
