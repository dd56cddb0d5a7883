import { hasBearerToken } from "@/lib/metrics/bearer";
import { fetchClusterMetrics, isClusterWorker } from "@/lib/metrics/cluster";
import { getGatewayMetrics } from "@/lib/metrics/registry";
import { refreshMetricsFromState } from "@/lib/server/process-metrics";
import { getServerState } from "@/lib/server/state";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * Prometheus metrics. When the metricsToken setting is set, a scrape must send it as a
 * Bearer token; without one the endpoint is open (keep it off the public network then).
 */
export async function GET(request: Request): Promise<Response> {
  const state = await getServerState();
  const snapshot = state.runtime.getSnapshot();
  const token = snapshot.settings.metricsToken;
  if (token !== "" && !hasBearerToken(request.headers.get("authorization"), token)) {
    return Response.json(
      {
        error: {
          message: "Send the metrics token as `Authorization: Bearer <token>`.",
          type: "authentication_error",
          param: null,
          code: "invalid_metrics_token",
        },
      },
      { status: 401, headers: { "www-authenticate": 'Bearer realm="metrics"', "cache-control": "no-store" } },
    );
  }
  const metrics = getGatewayMetrics();
  refreshMetricsFromState(state.runtime, state.logWriter);
  // Under WORKERS=N the primary sums every worker's metrics; alone, this process's are all.
  let text: string;
  try {
    text = isClusterWorker() ? await fetchClusterMetrics() : await metrics.registry.metrics();
  } catch {
    return Response.json(
      {
        error: {
          message: "The workers' metrics could not be collected; retry.",
          type: "server_error",
          param: null,
          code: "metrics_unavailable",
        },
      },
      { status: 503, headers: { "cache-control": "no-store" } },
    );
  }
  return new Response(text, {
    headers: { "content-type": metrics.registry.contentType, "cache-control": "no-store" },
  });
}
