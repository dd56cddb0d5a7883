import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { BreakerReason, BreakerStateName } from "../gateway/types";

/*
 * The gateway's Prometheus metrics. One registry per process, kept on globalThis: Next.js
 * bundles the instrumentation (which feeds it through the log sink) and the /metrics route
 * separately, and each bundle would otherwise get its own empty copy.
 */

// `api` is one of the gateway's own API names (chat.completions, messages, responses, …).
const REQUEST_LABELS = ["api", "group", "provider", "status_class"] as const;
const ROUTE_LABELS = ["group", "provider"] as const;

export interface GatewayMetrics {
  registry: Registry;
  requests: Counter<(typeof REQUEST_LABELS)[number]>;
  duration: Histogram<(typeof ROUTE_LABELS)[number]>;
  timeToFirstToken: Histogram<(typeof ROUTE_LABELS)[number]>;
  failovers: Counter<"group">;
  attempts: Counter<"provider" | "outcome">;
  tokens: Counter<"group" | "provider" | "type">;
  cost: Counter<"group" | "provider">;
  breakerState: Gauge<"provider">;
  breakerReopensAt: Gauge<"provider">;
  breakerReason: Gauge<"provider" | "reason">;
  logQueueDepth: Gauge;
  logRowsDropped: Counter;
  logRowsWritten: Counter;
  limitRefusals: Counter<"limit">;
  limitStoreErrors: Counter<"store">;
}

function createGatewayMetrics(): GatewayMetrics {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new Counter({
      name: "gateway_requests_total",
      help: "Client requests to /v1/chat/completions, by group, final provider and status class (2xx, 4xx, 5xx).",
      labelNames: REQUEST_LABELS,
      registers,
    }),
    duration: new Histogram({
      name: "gateway_request_duration_seconds",
      help: "Time from a request's arrival to its last byte, failovers included.",
      labelNames: ROUTE_LABELS,
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers,
    }),
    timeToFirstToken: new Histogram({
      name: "gateway_time_to_first_token_seconds",
      help: "Time from a request's arrival to the first token sent to the client (requests that produced one).",
      labelNames: ROUTE_LABELS,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    failovers: new Counter({
      name: "gateway_failovers_total",
      help: "Upstream attempts beyond the first of a request (providers skipped by an open breaker not counted).",
      labelNames: ["group"],
      registers,
    }),
    attempts: new Counter({
      name: "gateway_upstream_attempts_total",
      help: "Upstream attempts by provider and outcome (ok, failed, client_error, skipped).",
      labelNames: ["provider", "outcome"],
      registers,
    }),
    tokens: new Counter({
      name: "gateway_tokens_total",
      help: "Tokens billed, by group, provider and type (prompt, completion, cached).",
      labelNames: ["group", "provider", "type"],
      registers,
    }),
    cost: new Counter({
      name: "gateway_cost_total",
      help: "Cost of the requests at the providers' prices, in the prices' currency.",
      labelNames: ROUTE_LABELS,
      registers,
    }),
    breakerState: new Gauge({
      name: "gateway_breaker_state",
      help: "Circuit breaker of each provider: 0 closed, 1 open, 2 half-open.",
      labelNames: ["provider"],
      // Under WORKERS=N each worker has its own breakers; the scrape shows the highest state.
      aggregator: "max",
      registers,
    }),
    breakerReopensAt: new Gauge({
      name: "gateway_breaker_reopen_timestamp_seconds",
      help: "When an open or half-open breaker lets (or let) its probe through, as Unix time in seconds; absent when closed.",
      labelNames: ["provider"],
      aggregator: "max",
      registers,
    }),
    breakerReason: new Gauge({
      name: "gateway_breaker_open_reason",
      help: "1 for the reason a provider's breaker is open or half-open: failure_rate, retry_after or probe_failed.",
      labelNames: ["provider", "reason"],
      aggregator: "max",
      registers,
    }),
    logQueueDepth: new Gauge({
      name: "gateway_log_queue_depth",
      help: "Call log rows waiting to be written.",
      registers,
    }),
    logRowsDropped: new Counter({
      name: "gateway_log_rows_dropped_total",
      help: "Call log rows given up (queue full, or unwritable), since the process started.",
      registers,
    }),
    logRowsWritten: new Counter({
      name: "gateway_log_rows_written_total",
      help: "Call log rows written since the process started.",
      registers,
    }),
    limitRefusals: new Counter({
      name: "gateway_limit_refusals_total",
      help: "Requests refused by the gateway's own limits: rpm, tpm, concurrent, budget (key or group), provider (skipped).",
      labelNames: ["limit"],
      registers,
    }),
    limitStoreErrors: new Counter({
      name: "gateway_limit_store_errors_total",
      help: "Limit checks that could not reach their store (Redis down): those requests were admitted (fail open).",
      labelNames: ["store"],
      registers,
    }),
  };
}

const METRICS_KEY = Symbol.for("ai-provider-api-server.metrics");
type MetricsHolder = { [METRICS_KEY]?: GatewayMetrics };

export function getGatewayMetrics(): GatewayMetrics {
  const holder = globalThis as MetricsHolder;
  holder[METRICS_KEY] ??= createGatewayMetrics();
  return holder[METRICS_KEY];
}

export const BREAKER_STATE_VALUES: Record<BreakerStateName, number> = { closed: 0, open: 1, half_open: 2 };

export interface ProcessGaugeSource {
  providers: readonly {
    name: string;
    breaker: BreakerStateName;
    breakerReason?: BreakerReason | null;
    /** Epoch ms; null when closed. */
    breakerReopensAt?: number | null;
  }[];
  logStats: { queued: number; dropped: number; written: number };
}

/** Values that live in the process rather than in call records, read at scrape time. */
export function refreshProcessMetrics(metrics: GatewayMetrics, source: ProcessGaugeSource): void {
  // Reset first, so a deleted provider's series disappears instead of freezing.
  metrics.breakerState.reset();
  metrics.breakerReopensAt.reset();
  metrics.breakerReason.reset();
  for (const provider of source.providers) {
    metrics.breakerState.set({ provider: provider.name }, BREAKER_STATE_VALUES[provider.breaker]);
    if (provider.breaker === "closed") continue;
    if (provider.breakerReopensAt)
      metrics.breakerReopensAt.set({ provider: provider.name }, provider.breakerReopensAt / 1000);
    if (provider.breakerReason)
      metrics.breakerReason.set({ provider: provider.name, reason: provider.breakerReason }, 1);
  }
  metrics.logQueueDepth.set(source.logStats.queued);
  // Counters cannot be set; these mirror the log writer's own monotonic counts.
  metrics.logRowsDropped.reset();
  metrics.logRowsDropped.inc(source.logStats.dropped);
  metrics.logRowsWritten.reset();
  metrics.logRowsWritten.inc(source.logStats.written);
}
