import { performance } from "node:perf_hooks";
import { setTimeout as startTimer } from "node:timers";
import { afterPendingIo } from "../after-pending-io";

/** Why an attempt's upstream request was aborted. */
export type AbortCause = "client" | "first_token_timeout" | "idle_timeout" | "total_timeout" | "finished";

export interface AttemptTimeouts {
  connectMs: number;
  firstTokenMs: number;
  totalMs: number;
}

/**
 * One upstream attempt's abort signal and deadlines. Every deadline and the client's own
 * disconnect end the attempt the same way: by aborting the signal, which destroys the
 * upstream socket so any pending read fails at once. `cause` says which one it was.
 *
 * Before the first token one timer runs from the attempt's start. After it, the same length
 * becomes an idle limit measured only while a read is pending, so a slow-reading client is
 * never mistaken for a stalled provider; per chunk that costs one clock read, not a timer.
 */
export class AttemptControl {
  cause: AbortCause | null = null;
  private readonly controller = new AbortController();
  private firstTokenTimer: NodeJS.Timeout | null;
  private readonly totalTimer: NodeJS.Timeout;
  private idleTimer: NodeJS.Timeout | null = null;
  private readStartedAt = 0;
  private isReading = false;
  private readonly onClientAbort = (): void => this.abort("client");

  constructor(
    private readonly clientSignal: AbortSignal,
    readonly timeouts: AttemptTimeouts,
  ) {
    this.firstTokenTimer = startTimer(() => afterPendingIo(this.checkFirstToken), timeouts.firstTokenMs);
    this.totalTimer = startTimer(() => this.abort("total_timeout"), timeouts.totalMs);
    if (clientSignal.aborted) this.abort("client");
    else clientSignal.addEventListener("abort", this.onClientAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get isTimeout(): boolean {
    return this.cause === "first_token_timeout" || this.cause === "idle_timeout" || this.cause === "total_timeout";
  }

  abort(cause: AbortCause): void {
    if (this.cause !== null) return;
    this.cause = cause;
    this.controller.abort();
    this.clearTimers();
  }

  /** Non-stream answers: headers arrived, so only the total deadline is left. */
  stopFirstTokenTimer(): void {
    if (this.firstTokenTimer) clearTimeout(this.firstTokenTimer);
    this.firstTokenTimer = null;
  }

  /** Streams: the first meaningful event arrived; from now on the limit is per idle read. */
  startIdleWatch(): void {
    this.stopFirstTokenTimer();
    if (this.cause !== null || this.idleTimer) return;
    this.idleTimer = startTimer(this.checkIdle, this.timeouts.firstTokenMs);
  }

  beginRead(): void {
    this.readStartedAt = performance.now();
    this.isReading = true;
  }

  endRead(): void {
    this.isReading = false;
  }

  /** Stops the timers and forgets the client signal; the upstream socket is closed elsewhere. */
  dispose(): void {
    this.clearTimers();
    this.clientSignal.removeEventListener("abort", this.onClientAbort);
  }

  /** Stopped meanwhile (the headers or the first token came in with the delayed I/O): not a timeout. */
  private readonly checkFirstToken = (): void => {
    if (this.firstTokenTimer !== null) this.abort("first_token_timeout");
  };

  private readonly checkIdle = (): void => {
    const limit = this.timeouts.firstTokenMs;
    const elapsed = this.isReading ? performance.now() - this.readStartedAt : 0;
    if (elapsed < limit) {
      this.idleTimer = startTimer(this.checkIdle, limit - elapsed);
      return;
    }
    // The read that looks overdue may have completed during a stall: look again after I/O.
    afterPendingIo(() => {
      if (this.cause !== null || this.idleTimer === null) return;
      const now = performance.now();
      if (this.isReading && now - this.readStartedAt >= limit) this.abort("idle_timeout");
      else this.idleTimer = startTimer(this.checkIdle, this.isReading ? limit - (now - this.readStartedAt) : limit);
    });
  };

  private clearTimers(): void {
    if (this.firstTokenTimer) clearTimeout(this.firstTokenTimer);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    clearTimeout(this.totalTimer);
    this.firstTokenTimer = null;
    this.idleTimer = null;
  }
}
