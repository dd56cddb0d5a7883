import "server-only";
import cluster from "node:cluster";
import { randomUUID } from "node:crypto";
import { AggregatorRegistry, type Registry } from "prom-client";

/*
 * /metrics under WORKERS=N. A scrape lands on one worker, which asks the primary
 * (scripts/cluster-primary.mjs) for the sum over every worker; the primary collects each
 * worker's registry with prom-client's AggregatorRegistry. Counters and histograms add up,
 * gauges follow their `aggregator` (the breaker state takes the highest).
 */

const REQUEST = "gateway:metrics-request";
const RESPONSE = "gateway:metrics-response";
const JOINED_KEY = Symbol.for("ai-provider-api-server.metrics-cluster");

interface MetricsResponse {
  type: typeof RESPONSE;
  id: string;
  text?: string;
  error?: string;
}

export function isClusterWorker(): boolean {
  return cluster.isWorker && typeof process.send === "function";
}

/** Makes this worker's registry answer the primary's collection requests (once per process). */
export function joinClusterMetrics(registry: Registry): void {
  const holder = globalThis as Record<symbol, unknown>;
  if (holder[JOINED_KEY]) return;
  holder[JOINED_KEY] = true;
  AggregatorRegistry.setRegistries([registry]);
  // Constructing one installs prom-client's worker-side listener; the instance is not needed.
  void new AggregatorRegistry();
}

/** The metrics of every worker, summed by the primary (whose own wait for workers is 5 s). */
export function fetchClusterMetrics(timeoutMs = 6_000): Promise<string> {
  const id = randomUUID();
  return new Promise((resolve, reject) => {
    const onMessage = (message: unknown): void => {
      const response = message as Partial<MetricsResponse> | null;
      if (response?.type !== RESPONSE || response.id !== id) return;
      clearTimeout(timer);
      process.off("message", onMessage);
      if (typeof response.text === "string") resolve(response.text);
      else reject(new Error(response.error ?? "the primary sent no metrics"));
    };
    const timer = setTimeout(() => {
      process.off("message", onMessage);
      reject(new Error("the primary did not answer the metrics request"));
    }, timeoutMs);
    process.on("message", onMessage);
    process.send?.({ type: REQUEST, id });
  });
}
