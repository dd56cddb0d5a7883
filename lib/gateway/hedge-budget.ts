/** The budget is counted over this sliding window, in one-second buckets. */
const WINDOW_SECONDS = 60;

/**
 * Bounds the extra upstream requests hedging costs: over the last minute, hedges are at most
 * `percent` % of the requests that could have hedged (those of groups with hedging on). One
 * per process, like the breakers; the check is a few array reads, no timer.
 */
export class HedgeBudget {
  private readonly requests = new Uint32Array(WINDOW_SECONDS);
  private readonly hedges = new Uint32Array(WINDOW_SECONDS);
  /** The second each bucket holds, so a stale bucket is zeroed when reused. */
  private readonly seconds = new Float64Array(WINDOW_SECONDS).fill(-1);

  /** A request of a hedging group started. */
  countRequest(now: number): void {
    this.requests[this.bucket(now)]! += 1;
  }

  /** Takes one hedge when the budget allows it; false leaves the request to its first provider. */
  tryTake(now: number, percent: number): boolean {
    if (percent <= 0) return false;
    const current = this.bucket(now);
    const { requests, hedges } = this.usage(now);
    if ((hedges + 1) * 100 > requests * percent) return false;
    this.hedges[current]! += 1;
    return true;
  }

  /** Gives back a hedge taken when no provider was left to start. */
  refund(now: number): void {
    const index = this.bucket(now);
    if (this.hedges[index]! > 0) this.hedges[index]! -= 1;
  }

  /** Hedges and requests in the window, for the bench and tests. */
  usage(now: number): { requests: number; hedges: number } {
    const second = Math.floor(now / 1000);
    let requests = 0;
    let hedges = 0;
    for (let index = 0; index < WINDOW_SECONDS; index += 1) {
      if (this.seconds[index]! <= second - WINDOW_SECONDS) continue;
      requests += this.requests[index]!;
      hedges += this.hedges[index]!;
    }
    return { requests, hedges };
  }

  private bucket(now: number): number {
    const second = Math.floor(now / 1000);
    const index = second % WINDOW_SECONDS;
    if (this.seconds[index] !== second) {
      this.seconds[index] = second;
      this.requests[index] = 0;
      this.hedges[index] = 0;
    }
    return index;
  }
}
