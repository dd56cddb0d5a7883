import { iterateCallLogs } from "@/db/queries/call-log-search";
import { callLogCsvHeader, callLogCsvRow } from "@/lib/call-log-csv";
import { parseLogSearch, toCallLogFilters } from "@/lib/call-log-filters";
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
        message: "Sign in to the dashboard to export call logs.",
        type: "authentication_error",
        param: null,
        code: "unauthorized",
      },
    },
    { status: 401, headers: { "cache-control": "no-store" } },
  );
}

/**
 * GET /api/logs/export?<the logs page's filters>: the filtered rows as CSV, newest first,
 * streamed in keyset batches as the client reads them (pull-based, so a slow download holds
 * one batch in memory and no transaction open). Route handlers are public URLs: the admin
 * session is checked here, not by a layout.
 */
export async function GET(request: Request): Promise<Response> {
  const session = await auth();
  if (!session || session.mustChangePassword) return unauthorized();

  const state = await getServerState();
  const timeZone = resolveTimeZone(state.runtime.getSnapshot().settings.timeZone);
  const { search } = parseLogSearch(new URL(request.url).searchParams);
  const filters = toCallLogFilters(search, timeZone);
  const batches = iterateCallLogs(state.db, filters, BATCH_ROWS);
  const encoder = new TextEncoder();

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      // A BOM so spreadsheet apps read the file as UTF-8 (group names, errors in any script).
      controller.enqueue(encoder.encode(`\uFEFF${callLogCsvHeader()}`));
    },
    async pull(controller) {
      try {
        const next = await batches.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value.map((entry) => callLogCsvRow(entry, timeZone)).join("")));
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
      "content-disposition": `attachment; filename="call-logs-${stamp}.csv"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
