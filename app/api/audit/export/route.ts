import { iterateAuditLog } from "@/db/queries/audit-log";
import { auditCsvHeader, auditCsvRow } from "@/lib/audit/csv";
import { parseAuditSearch, toAuditFilters } from "@/lib/audit/filters";
import { auth } from "@/app/_framework/auth";
import { csvResponse, exportUnauthorized } from "@/lib/csv-response";
import { getServerState } from "@/lib/server/state";
import { resolveTimeZone } from "@/lib/time-zone";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const BATCH_ROWS = 1_000;

/**
 * GET /api/audit/export?<the audit page's filters>: the matching entries as CSV, newest
 * first, streamed in batches as the client reads them. Route handlers are public URLs: the
 * admin session is checked here, not by a layout.
 */
export async function GET(request: Request): Promise<Response> {
  const session = await auth();
  if (!session || session.mustChangePassword) return exportUnauthorized("the audit log");
  const state = await getServerState();
  const timeZone = resolveTimeZone(state.runtime.getSnapshot().settings.timeZone);
  const { search } = parseAuditSearch(new URL(request.url).searchParams);
  return csvResponse({
    header: auditCsvHeader(),
    batches: iterateAuditLog(state.db, toAuditFilters(search, timeZone), BATCH_ROWS),
    row: (entry) => auditCsvRow(entry, timeZone),
    name: "audit-log",
  });
}
