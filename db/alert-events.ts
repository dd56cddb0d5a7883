/**
 * What the gateway alerts on. Pure data: the dispatcher turns an alert into a webhook body
 * (generic JSON or Slack), the targets choose which events they receive.
 */
export const ALERT_EVENTS = ["breaker_opened", "group_failed", "budget_threshold", "error_rate", "test"] as const;
export type AlertEvent = (typeof ALERT_EVENTS)[number];

/** The events an operator subscribes a target to; `test` goes only where the Test button sends it. */
export const SUBSCRIBABLE_EVENTS = ["breaker_opened", "group_failed", "budget_threshold", "error_rate"] as const;
export type SubscribableEvent = (typeof SUBSCRIBABLE_EVENTS)[number];

export type AlertSeverity = "info" | "warning" | "critical";

export interface Alert {
  event: AlertEvent;
  severity: AlertSeverity;
  /** Event + subject: the same key is sent at most once per cooldown. */
  key: string;
  /** One line a human reads first (Slack's text). */
  summary: string;
  details: Record<string, string | number | boolean | null>;
  /** Epoch ms when it happened. */
  at: number;
}

export type TargetKind = "generic" | "slack";

export interface AlertTarget {
  id: number;
  name: string;
  kind: TargetKind;
  url: string;
  /** Decrypted HMAC secret; null for none. Never logged, never sent to the browser. */
  secret: string | null;
  events: ReadonlySet<AlertEvent>;
  isEnabled: boolean;
}
