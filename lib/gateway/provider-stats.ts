/** How much each new sample moves the moving averages (higher = quicker to follow). */
const EWMA_ALPHA = 0.2;
/** Time-to-first-token samples kept per provider for its percentiles. */
const RECENT_SAMPLES = 100;

interface ProviderStatsState {
  ttftEwmaMs: number | null;
  totalEwmaMs: number | null;
  /** The latest TTFTs, oldest first, at most RECENT_SAMPLES of them. */
  recentTtftMs: number[];
  inFlight: number;
}

export interface ProviderStatsView {
  ttftEwmaMs: number | null;
  totalEwmaMs: number | null;
  ttftP50Ms: number | null;
  ttftP95Ms: number | null;
  inFlight: number;
  samples: number;
}

function ewma(previous: number | null, sample: number): number {
  return previous === null ? sample : previous + EWMA_ALPHA * (sample - previous);
}

/** Nearest-rank percentile of unsorted values; null when there are none. */
export function percentile(values: readonly number[], fraction: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(fraction * sorted.length)));
  return sorted[rank - 1]!;
}

/**
 * Live per-provider figures of this process, in memory: moving averages of time to first
 * token and total time, recent TTFTs for percentiles, and attempts in flight. Routing
 * strategies and hedging read them; the providers page shows them.
 */
export class ProviderStatsBoard {
  private readonly states = new Map<number, ProviderStatsState>();

  /** An attempt to the provider started; call the returned function exactly once when it ends. */
  begin(providerId: number): () => void {
    const state = this.ensureState(providerId);
    state.inFlight += 1;
    let isDone = false;
    return () => {
      if (isDone) return;
      isDone = true;
      state.inFlight = Math.max(0, state.inFlight - 1);
    };
  }

  recordFirstToken(providerId: number, ttftMs: number): void {
    const state = this.ensureState(providerId);
    state.ttftEwmaMs = ewma(state.ttftEwmaMs, ttftMs);
    state.recentTtftMs.push(ttftMs);
    if (state.recentTtftMs.length > RECENT_SAMPLES) state.recentTtftMs.shift();
  }

  recordTotal(providerId: number, totalMs: number): void {
    const state = this.ensureState(providerId);
    state.totalEwmaMs = ewma(state.totalEwmaMs, totalMs);
  }

  view(providerId: number): ProviderStatsView {
    const state = this.states.get(providerId);
    if (!state)
      return { ttftEwmaMs: null, totalEwmaMs: null, ttftP50Ms: null, ttftP95Ms: null, inFlight: 0, samples: 0 };
    return {
      ttftEwmaMs: state.ttftEwmaMs,
      totalEwmaMs: state.totalEwmaMs,
      ttftP50Ms: percentile(state.recentTtftMs, 0.5),
      ttftP95Ms: percentile(state.recentTtftMs, 0.95),
      inFlight: state.inFlight,
      samples: state.recentTtftMs.length,
    };
  }

  /** Forgets a provider's figures, e.g. after the operator edits it. */
  reset(providerId: number): void {
    this.states.delete(providerId);
  }

  private ensureState(providerId: number): ProviderStatsState {
    let state = this.states.get(providerId);
    if (!state) {
      state = { ttftEwmaMs: null, totalEwmaMs: null, recentTtftMs: [], inFlight: 0 };
      this.states.set(providerId, state);
    }
    return state;
  }
}
