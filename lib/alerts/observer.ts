import type { KeySpend } from "../../db/queries/key-spend";
import { nextUtcMonthStart, utcDayStart, utcMonthStart } from "../../db/queries/key-spend";
import { DAY_MS } from "../../db/queries/usage-rollup";
import type { ApiKeyConfig, CallLogRecord, ConfigSnapshot, LogSink } from "../gateway/types";
import type { BreakerOpened } from "./breaker-board";
import type { AlertDispatcher } from "./dispatcher";
import { ErrorRateWindows } from "./error-rate";
import type { Alert } from "./events";

/** Budget alerts fire at these shares of a budget, highest first. */
const BUDGET_THRESHOLDS = [1, 0.8] as const;
/** A total budget has no period: once crossed, it is said once (until the budget changes). */
const FOREVER_MS = 100 * 365 * DAY_MS;

export interface AlertObserverOptions {
  dispatcher: AlertDispatcher;
  getSnapshot(): ConfigSnapshot;
  /** What a key has spent (the limiter's spend book); absent when no limits run. */
  spent?(keyId: number): KeySpend;
}

type Period = "day" | "month" | "total";

const money = (amount: number): string => (Math.round(amount * 10_000) / 10_000).toString();

/**
 * Turns what the gateway already reports (breaker openings, finished requests' log records)
 * into alerts. Every check starts by asking whether any target wants the event, so with no
 * target the log sink costs one set lookup per request.
 */
export class AlertObserver {
  private readonly windows = new ErrorRateWindows();
  private keysVersion = -1;
  private keysById = new Map<number, ApiKeyConfig>();

  constructor(private readonly options: AlertObserverOptions) {}

  /** The limiter's spend book, once limits started (they start after the runtime exists). */
  setSpendSource(spent: (keyId: number) => KeySpend): void {
    this.options.spent = spent;
  }

  /** The log sink the gateway pushes to: the record goes on first, then is looked at. */
  wrap(inner: LogSink): LogSink {
    return {
      push: (record) => {
        inner.push(record);
        if (!this.options.dispatcher.hasTargets) return;
        try {
          this.observe(record);
        } catch {
          // An alerting bug never costs a log row.
        }
      },
    };
  }

  breakerOpened(event: BreakerOpened): void {
    const { dispatcher, getSnapshot } = this.options;
    if (!dispatcher.wants("breaker_opened")) return;
    const name = getSnapshot().providers.get(event.providerId)?.name ?? `#${event.providerId}`;
    dispatcher.emit({
      event: "breaker_opened",
      severity: "warning",
      key: `breaker_opened:${event.providerId}`,
      summary: `Circuit breaker opened for provider "${name}" (${event.reason})`,
      details: {
        provider: name,
        providerId: event.providerId,
        reason: event.reason,
        reopenAt: new Date(event.openUntil).toISOString(),
        lastFailure: event.lastFailure,
      },
      at: event.at,
    });
  }

  observe(record: CallLogRecord): void {
    const { dispatcher } = this.options;
    if (dispatcher.wants("group_failed")) this.checkGroupFailed(record);
    if (dispatcher.wants("error_rate")) this.checkErrorRate(record);
    if (dispatcher.wants("budget_threshold") && record.apiKeyId !== null && record.cost > 0) this.checkBudget(record);
  }

  private checkGroupFailed(record: CallLogRecord): void {
    const group = record.groupName;
    if (group === null || !(record.status >= 500 || record.status === 429)) return;
    const tried = record.attempts.filter((attempt) => attempt.outcome !== "skipped");
    // Refused before any upstream was tried (the gateway's own limits, shutdown): not the providers.
    if (tried.length === 0 || record.attempts.some((attempt) => attempt.outcome === "ok")) return;
    this.options.dispatcher.emit({
      event: "group_failed",
      severity: "critical",
      key: `group_failed:${group}`,
      summary: `Every provider of group "${group}" failed (HTTP ${record.status})`,
      details: {
        group,
        status: record.status,
        error: record.error,
        providers: record.attempts.map((attempt) => attempt.providerName).join(", "),
        requestId: record.requestId,
      },
      at: record.createdAt,
    });
  }

  private checkErrorRate(record: CallLogRecord): void {
    // A client that went away says nothing about the providers.
    if (record.status === 499 || record.groupName === null) return;
    const settings = this.options.getSnapshot().settings;
    const rule = {
      windowMs: settings.alertErrorRateWindowSeconds * 1000,
      minRequests: settings.alertErrorRateMinRequests,
      percent: settings.alertErrorRatePercent,
    };
    const group = record.groupName;
    const reading = this.windows.record(group, record.status >= 500, record.createdAt, rule);
    if (!reading) return;
    this.options.dispatcher.emit({
      event: "error_rate",
      severity: "critical",
      key: `error_rate:${group}`,
      summary: `Error rate of group "${group}" is ${reading.percent.toFixed(1)}% over the last ${settings.alertErrorRateWindowSeconds} s`,
      details: {
        group,
        percent: Math.round(reading.percent * 10) / 10,
        errors: reading.errors,
        requests: reading.total,
        thresholdPercent: rule.percent,
        windowSeconds: settings.alertErrorRateWindowSeconds,
      },
      at: record.createdAt,
    });
  }

  private checkBudget(record: CallLogRecord): void {
    const key = this.keyById(record.apiKeyId!);
    const limits = key?.limits;
    if (!key || !limits || !this.options.spent) return;
    const spend = this.options.spent(key.id);
    const now = record.createdAt;
    const periods: [Period, number | null | undefined, number, number][] = [
      ["day", limits.budgetDay, utcDayStart(now), utcDayStart(now) + DAY_MS],
      ["month", limits.budgetMonth, utcMonthStart(now), nextUtcMonthStart(now)],
      ["total", limits.budgetTotal, 0, now + FOREVER_MS],
    ];
    for (const [period, budget, start, end] of periods) {
      if (budget == null || budget <= 0) continue;
      const used = spend[period];
      const threshold = BUDGET_THRESHOLDS.find((share) => used >= budget * share);
      if (threshold === undefined) continue;
      const alert: Alert = {
        event: "budget_threshold",
        severity: threshold >= 1 ? "critical" : "warning",
        // Once per period and threshold; a changed budget is a new key.
        key: `budget:${key.id}:${period}:${budget}:${threshold}:${period === "total" ? 0 : start}`,
        summary: `API key "${key.name}" reached ${threshold * 100}% of its ${period} budget (${money(used)} of ${money(budget)})`,
        details: {
          key: key.name,
          keyId: key.id,
          period,
          thresholdPercent: threshold * 100,
          spent: money(used),
          budget: money(budget),
        },
        at: now,
      };
      this.options.dispatcher.emit(alert, Math.max(1, end - now));
    }
  }

  private keyById(id: number): ApiKeyConfig | undefined {
    const snapshot = this.options.getSnapshot();
    if (snapshot.version !== this.keysVersion) {
      this.keysById = new Map([...snapshot.keysByHash.values()].map((key) => [key.id, key]));
      this.keysVersion = snapshot.version;
    }
    return this.keysById.get(id);
  }
}
