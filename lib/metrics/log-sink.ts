import type { CallLogRecord, LogSink } from "../gateway/types";
import { getGatewayMetrics, type GatewayMetrics } from "./registry";

/** `2xx`, `4xx`, `5xx` (a client that went away is 499: `4xx`). */
export function statusClass(status: number): string {
  return status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : "other";
}

/** Counts one finished request. Every figure comes from its log record: nothing on the hot path. */
export function observeCallRecord(metrics: GatewayMetrics, record: CallLogRecord): void {
  // The group is only set once it resolved to a configured one, so client-chosen model names
  // never become label values.
  const group = record.groupName ?? "";
  const provider = record.providerName ?? "";
  metrics.requests.inc({ api: record.api, group, provider, status_class: statusClass(record.status) });
  metrics.duration.observe({ group, provider }, record.latencyMs / 1000);
  if (record.ttftMs !== null) metrics.timeToFirstToken.observe({ group, provider }, record.ttftMs / 1000);
  let tried = 0;
  for (const attempt of record.attempts) {
    metrics.attempts.inc({ provider: attempt.providerName, outcome: attempt.outcome });
    if (attempt.outcome !== "skipped") tried += 1;
  }
  if (tried > 1) metrics.failovers.inc({ group }, tried - 1);
  if (record.promptTokens > 0) metrics.tokens.inc({ group, provider, type: "prompt" }, record.promptTokens);
  if (record.completionTokens > 0) metrics.tokens.inc({ group, provider, type: "completion" }, record.completionTokens);
  if (record.cachedTokens > 0) metrics.tokens.inc({ group, provider, type: "cached" }, record.cachedTokens);
  if (record.cacheWriteTokens > 0)
    metrics.tokens.inc({ group, provider, type: "cache_write" }, record.cacheWriteTokens);
  if (record.cost > 0) metrics.cost.inc({ group, provider }, record.cost);
}

/**
 * Wraps the log sink the gateway pushes each finished request's record to: the record is
 * counted, then handed on unchanged. A metrics failure never costs a log row.
 */
export function createMetricsLogSink(inner: LogSink, metrics: GatewayMetrics = getGatewayMetrics()): LogSink {
  return {
    push(record) {
      try {
        observeCallRecord(metrics, record);
      } catch {
        // Counting is best effort; the row below is what must not be lost.
      }
      inner.push(record);
    },
  };
}
