import type { Settings } from "../../db/settings-schema";
import { BreakerBoard } from "../gateway/breaker";
import type { BreakerReason } from "../gateway/types";

type BreakerSettings = Parameters<BreakerBoard["recordFailure"]>[2] & Partial<Settings>;

export interface BreakerOpened {
  providerId: number;
  reason: BreakerReason;
  openUntil: number;
  lastFailure: string | null;
  at: number;
}

/**
 * The gateway's breaker board, telling when a breaker goes from closed (or half-open) to open.
 * A subclass rather than a hook inside the core: the board's rules stay untouched, and the
 * check is two map reads after a failure, which is already the slow path.
 */
export class AlertingBreakerBoard extends BreakerBoard {
  constructor(private readonly onOpened: (event: BreakerOpened) => void) {
    super();
  }

  override recordFailure(
    providerId: number,
    now: number,
    settings: BreakerSettings,
    retryAfterMs?: number | null,
    detail?: string,
  ): void {
    const wasOpen = this.view(providerId, now).state === "open";
    super.recordFailure(providerId, now, settings, retryAfterMs, detail);
    if (wasOpen) return;
    const after = this.view(providerId, now);
    if (after.state !== "open" || after.reason === null || after.openUntil === null) return;
    try {
      this.onOpened({
        providerId,
        reason: after.reason,
        openUntil: after.openUntil,
        lastFailure: after.lastFailure,
        at: now,
      });
    } catch {
      // An alerting bug never breaks routing.
    }
  }
}
