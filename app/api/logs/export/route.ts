import { iterateCallLogs } from "@/db/queries/call-log-search";
import { callLogCsvHeader, callLogCsvRow } from "@/lib/call-log-csv";
import { parseLogSearch, toCallLogFilters } from "@/lib/call-log-filters";
import { auth } from "@/app/_framework/auth";
import { csvResponse, exportUnauthorized } from "@/lib/csv-response";
import { getServerState } from "@/lib/server/state";
import { resolveTimeZone } from "@/lib/time-zone";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const BATCH_ROWS = 1_000;

/**
 * GET /api/logs/export?<the logs page's filters>: the filtered rows as CSV, newest first,
 * streamed in keyset batches as the client reads them. Route handlers are public URLs: the
 * admin session is checked here, not by a layout.
 */
export async function GET(request: Request): Promise<Response> {
  const session = await auth();
  if (!session || session.mustChangePassword) return exportUnauthorized("call logs");
  const state = await getServerState();
  const timeZone = resolveTimeZone(state.runtime.getSnapshot().settings.timeZone);
  const { search } = parseLogSearch(new URL(request.url).searchParams);
  return csvResponse({
    header: callLogCsvHeader(),
    batches: iterateCallLogs(state.db, toCallLogFilters(search, timeZone), BATCH_ROWS),
    row: (entry) => callLogCsvRow(entry, timeZone),
    name: "call-logs",
  });
}
