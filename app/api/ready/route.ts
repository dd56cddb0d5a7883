import { checkReadiness } from "@/lib/server/readiness";
import { getServerState } from "@/lib/server/state";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const headers = { "cache-control": "no-store" };

/**
 * Readiness, for load balancers and orchestrators: 200 while the database answers, the schema
 * is current and the log queue has room; 503 naming the failing checks otherwise. No auth: it
 * tells nothing beyond ok/failed and two queue counts.
 */
export async function GET(): Promise<Response> {
  let state: Awaited<ReturnType<typeof getServerState>>;
  try {
    state = await getServerState();
  } catch {
    return Response.json(
      { status: "not_ready", failing: ["startup"], checks: { startup: "failed" } },
      { status: 503, headers },
    );
  }
  const readiness = await checkReadiness(state.db, state.logWriter.stats());
  if (readiness.isReady) {
    return Response.json({ status: "ready", checks: readiness.checks, logQueue: readiness.logQueue }, { headers });
  }
  const failing = Object.entries(readiness.checks)
    .filter(([, status]) => status !== "ok")
    .map(([name]) => name);
  return Response.json(
    { status: "not_ready", failing, checks: readiness.checks, logQueue: readiness.logQueue },
    { status: 503, headers },
  );
}
