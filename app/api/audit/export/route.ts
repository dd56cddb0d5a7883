import { iterateAuditLog } from "@/db/queries/audit-log";
import { auditCsvHeader, auditCsvRow } from "@/lib/audit/csv";
import { parseAuditSearch, toAuditFilters } from "@/lib/audit/filters";
import { auth } from "@/app/_framework/auth";
import { getServerState } from "@/lib/server/state";
import { resolveTimeZone } from "@/lib/time-zone";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const BATCH_ROWS = 1_000;

function unauthorized(): Response {
  return Response.json(
    {
      error: {
        message: "Sign in to the dashboard to export the audit log.",
        type: "authentication_error",
        param: null,
        code: "unauthorized",
      },
    },
    { status: 401, headers: { "cache-control": "no-store" } },
  );
}

/**
 * GET /api/audit/export?<the audit page's filters>: the matching entries as CSV, newest
 * first, streamed in batches as the client reads them. Route handlers are public URLs: the
 * admin session is checked here, not by a layout.
 */
export async function GET(request: Request): Promise<Response> {
  const session = await auth();
  if (!session || session.mustChangePassword) return unauthorized();

  const state = await getServerState();
  const timeZone = resolveTimeZone(state.runtime.getSnapshot().settings.timeZone);
  const { search } = parseAuditSearch(new URL(request.url).searchParams);
  const batches = iterateAuditLog(state.db, toAuditFilters(search, timeZone), BATCH_ROWS);
  const encoder = new TextEncoder();

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      // A BOM so spreadsheet apps read the file as UTF-8.
      controller.enqueue(encoder.encode(`\uFEFF${auditCsvHeader()}`));
    },
    async pull(controller) {
      try {
        const next = await batches.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value.map((entry) => auditCsvRow(entry, timeZone)).join("")));
      } catch (error) {
        controller.error(error);
      }
    },
    async cancel() {
      await batches.return(undefined);
    },
  });

  const stamp = new Date().toISOString().slice(0, 16).replace(/[-:]/g, "").replace("T", "-");
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="audit-log-${stamp}.csv"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
