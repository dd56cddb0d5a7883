import "server-only";
import type { GatewayRuntime } from "../gateway/types";
import type { LogWriter } from "../log-writer";
import { isClusterWorker, joinClusterMetrics } from "../metrics/cluster";
import { getGatewayMetrics, refreshProcessMetrics } from "../metrics/registry";

/** Breaker states and log-writer counts of this process, copied into its gauges. */
export function refreshMetricsFromState(runtime: GatewayRuntime, logWriter: LogWriter): void {
  const now = Date.now();
  refreshProcessMetrics(getGatewayMetrics(), {
    providers: [...runtime.getSnapshot().providers.values()].map((provider) => {
      const view = runtime.breakers.view(provider.id, now);
      return { name: provider.name, breaker: view.state, breakerReason: view.reason, breakerReopensAt: view.openUntil };
    }),
    logStats: logWriter.stats(),
  });
}

/** Refreshes a worker's gauges this often, so a scrape answered by another worker is current. */
const WORKER_REFRESH_MS = 2_000;

/**
 * Under WORKERS=N: lets the primary collect this worker's metrics and keeps its gauges fresh.
 * Returns the function that stops the refresh (a no-op outside a cluster).
 */
export function startClusterMetrics(runtime: GatewayRuntime, logWriter: LogWriter): () => void {
  if (!isClusterWorker()) return () => undefined;
  joinClusterMetrics(getGatewayMetrics().registry);
  const timer = setInterval(() => refreshMetricsFromState(runtime, logWriter), WORKER_REFRESH_MS);
  timer.unref();
  return () => clearInterval(timer);
}
