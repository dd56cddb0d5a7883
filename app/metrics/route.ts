import { hasBearerToken } from "@/lib/metrics/bearer";
import { getGatewayMetrics, refreshProcessMetrics } from "@/lib/metrics/registry";
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
      { error: { message: "Send the metrics token as `Authorization: Bearer <token>`.", type: "authentication_error", param: null, code: "invalid_metrics_token" } },
      { status: 401, headers: { "www-authenticate": 'Bearer realm="metrics"', "cache-control": "no-store" } },
    );
  }
  const metrics = getGatewayMetrics();
  const now = Date.now();
  refreshProcessMetrics(metrics, {
    providers: [...snapshot.providers.values()].map((provider) => ({ name: provider.name, breaker: state.runtime.breakers.view(provider.id, now).state })),
    logStats: state.logWriter.stats(),
  });
  return new Response(await metrics.registry.metrics(), {
    headers: { "content-type": metrics.registry.contentType, "cache-control": "no-store" },
  });
}
