import type { UpstreamSend } from "../gateway/types";
import { isOutboundError, type OutboundErrorCode } from "../http/outbound";
import { LocalCooldown } from "./error-rate";
import type { Alert, AlertTarget } from "./events";
import { buildWebhookRequest } from "./payload";

/** A webhook that has not answered in this long counts as failed. */
export const DELIVERY_TIMEOUT_MS = 5_000;
/** Waits before the retries of a failed delivery (network error, timeout, 429 or 5xx). */
const RETRY_DELAYS_MS = [500, 2_000];

export type DeliveryResult =
  | { ok: true; status: number; latencyMs: number }
  | { ok: false; status: number | null; latencyMs: number; error: DeliveryError };

/** Closed set, translated by the dashboard. */
export type DeliveryError = "http_status" | "timeout" | "connect_failed" | "address_blocked" | "invalid_url";

export interface DispatcherOptions {
  send: UpstreamSend;
  now(): number;
  loadTargets(): Promise<AlertTarget[]>;
  /** The cluster-wide dedupe: true when this process may send `key` now. */
  claim(key: string, now: number, cooldownMs: number): Promise<boolean>;
  cooldownMs(): number;
  /** Named in every alert, so one receiver can tell several gateways apart. */
  gatewayName: string;
  /** A delivery that failed after its retries, or a claim that failed: logged, never thrown. */
  onFailure(target: string, detail: string): void;
  sleep?(ms: number): Promise<void>;
}

function toDeliveryError(code: OutboundErrorCode): DeliveryError {
  if (code === "address_blocked" || code === "invalid_url") return code;
  if (code === "unsupported_scheme" || code === "credentials_in_url") return "invalid_url";
  if (code === "connect_timeout" || code === "timeout") return "timeout";
  return "connect_failed";
}

const isRetryable = (result: DeliveryResult): boolean =>
  !result.ok &&
  (result.error === "timeout" ||
    result.error === "connect_failed" ||
    result.status === 429 ||
    (result.status ?? 0) >= 500);

/**
 * Sends alerts to the webhook targets that want them, off the request path: every method
 * returns at once or resolves later, none throws. With no target subscribed to an event the
 * gateway's only cost per request is one set lookup.
 */
export class AlertDispatcher {
  private targets: AlertTarget[] = [];
  private wanted = new Set<string>();
  private readonly local = new LocalCooldown();
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly options: DispatcherOptions) {}

  /** Whether any enabled target wants this event. */
  wants(event: Alert["event"]): boolean {
    return this.wanted.has(event);
  }

  get hasTargets(): boolean {
    return this.wanted.size > 0;
  }

  async refresh(): Promise<void> {
    const targets = await this.options.loadTargets();
    this.targets = targets.filter((target) => target.isEnabled);
    this.wanted = new Set(this.targets.flatMap((target) => [...target.events]));
  }

  /** Sends `alert` unless the same key went out within its cooldown (here or in another process). */
  emit(alert: Alert, cooldownMs = this.options.cooldownMs()): void {
    if (!this.wanted.has(alert.event)) return;
    if (!this.local.take(alert.key, alert.at, cooldownMs)) return;
    const targets = this.targets.filter((target) => target.events.has(alert.event));
    const work = this.options
      .claim(alert.key, alert.at, cooldownMs)
      .then(async (isClaimed) => {
        if (!isClaimed) return;
        await Promise.all(targets.map((target) => this.deliverWithRetry(target, alert)));
      })
      .catch((error: unknown) => this.options.onFailure("(claim)", error instanceof Error ? error.message : "error"));
    this.track(work);
  }

  /** The Test button: one delivery, no retry, no dedupe, and the result for the operator. */
  sendTest(target: AlertTarget, alert: Alert): Promise<DeliveryResult> {
    return this.deliver(target, alert);
  }

  /** Resolves when every delivery started so far has ended (shutdown, tests). */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private track(work: Promise<void>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  private async deliverWithRetry(target: AlertTarget, alert: Alert): Promise<void> {
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    let result = await this.deliver(target, alert);
    for (const delay of RETRY_DELAYS_MS) {
      if (!isRetryable(result)) break;
      await sleep(delay);
      result = await this.deliver(target, alert);
    }
    if (!result.ok)
      this.options.onFailure(target.name, result.status === null ? result.error : `${result.error} ${result.status}`);
  }

  private async deliver(target: AlertTarget, alert: Alert): Promise<DeliveryResult> {
    const { headers, body } = buildWebhookRequest(target, alert, this.options.gatewayName);
    const startedAt = this.options.now();
    const signal = AbortSignal.timeout(DELIVERY_TIMEOUT_MS);
    const latency = (): number => Math.max(0, this.options.now() - startedAt);
    try {
      const response = await this.options.send({
        url: target.url,
        method: "POST",
        headers,
        body,
        connectTimeoutMs: DELIVERY_TIMEOUT_MS,
        signal,
      });
      try {
        for await (const chunk of response.body) void chunk;
      } finally {
        response.close();
      }
      const status = response.status;
      if (status >= 200 && status < 300) return { ok: true, status, latencyMs: latency() };
      return { ok: false, status, latencyMs: latency(), error: "http_status" };
    } catch (error) {
      if (signal.aborted) return { ok: false, status: null, latencyMs: latency(), error: "timeout" };
      const code = isOutboundError(error) ? toDeliveryError(error.code) : "connect_failed";
      return { ok: false, status: null, latencyMs: latency(), error: code };
    }
  }
}
