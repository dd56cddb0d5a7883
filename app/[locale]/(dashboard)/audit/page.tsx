import { getFormatter, getTranslations, setRequestLocale } from "next-intl/server";
import { Link } from "@/app/_framework/i18n/navigation";
import { listAuditActors, searchAuditLog, type AuditEntry } from "@/db/queries/audit-log";
import { auditSearchParams, hasAuditFilters, parseAuditSearch, toAuditFilters } from "@/lib/audit/filters";
import { describeAuditChanges } from "@/lib/audit/format";
import { inertLine } from "@/lib/inert-text";
import { requireAdminPage } from "@/app/_framework/session";
import { getServerState } from "@/lib/server/state";
import { resolveTimeZone } from "@/lib/time-zone";
import { PageHeader } from "../_components/page-header";
import { EmptyState } from "../_components/ui/empty-state";
import { AuditFilterForm } from "./_components/audit-filter-form";
import { AuditTable, type AuditRowView } from "./_components/audit-table";

export const dynamic = "force-dynamic";

const PAGE_ROWS = 50;
/** Characters of one change line or a name shown in the list. */
const CELL_CHARS = 300;

type Formatter = Awaited<ReturnType<typeof getFormatter>>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

function verbOf(action: string): AuditRowView["verb"] {
  const verb = action.split(".")[1];
  return verb === "create" || verb === "update" || verb === "delete" ? verb : "other";
}

function toRowView(entry: AuditEntry, format: Formatter, timeZone: string): AuditRowView {
  return {
    id: entry.id,
    timeIso: new Date(entry.at).toISOString(),
    time: format.dateTime(entry.at, { dateStyle: "medium", timeStyle: "medium", timeZone }),
    actor: inertLine(entry.actor, CELL_CHARS),
    source: entry.source,
    ip: entry.ip === null ? null : inertLine(entry.ip, CELL_CHARS),
    userAgent: entry.userAgent === null ? null : inertLine(entry.userAgent, CELL_CHARS),
    kind: entry.targetKind,
    verb: verbOf(entry.action),
    action: entry.action,
    target: inertLine(entry.targetName, CELL_CHARS),
    changes: describeAuditChanges(entry.action, entry.changes).map((line) => inertLine(line, CELL_CHARS)),
  };
}

export default async function AuditPage({
  params,
  searchParams,
}: {
  params: Promise<{ locale: string }>;
  searchParams: SearchParams;
}) {
  const { locale } = await params;
  setRequestLocale(locale);
  await requireAdminPage(locale);
  const t = await getTranslations("Audit");
  const format = await getFormatter();
  const state = await getServerState();
  const timeZone = resolveTimeZone(state.runtime.getSnapshot().settings.timeZone);
  const { search, invalid } = parseAuditSearch(await searchParams);
  const filters = toAuditFilters(search, timeZone);
  const [page, actors] = await Promise.all([
    searchAuditLog(state.db, { ...filters, limit: PAGE_ROWS, before: search.before }),
    listAuditActors(state.db),
  ]);
  const rows = page.rows.map((entry) => toRowView(entry, format, timeZone));
  const exportHref = `/api/audit/export?${auditSearchParams(search, null).toString()}`;
  const olderQuery = page.next === null ? null : Object.fromEntries(auditSearchParams(search, page.next));
  const newestQuery = Object.fromEntries(auditSearchParams(search, null));

  return (
    <>
      <PageHeader
        title={t("title")}
        subtitle={t("subtitle")}
        actions={
          <a href={exportHref} className="btn-secondary" download data-testid="audit-export">
            {t("export")}
          </a>
        }
      />
      <AuditFilterForm search={search} actors={actors} timeZone={timeZone} />
      {invalid.length > 0 ? (
        <p
          className="mb-4 rounded-md border border-amber-200 bg-amber-50 px-4 py-2 text-sm text-amber-900"
          data-testid="audit-filters-invalid"
        >
          {t("invalidFilters")}
        </p>
      ) : null}
      {rows.length === 0 ? (
        hasAuditFilters(search) || search.before ? (
          <EmptyState title={t("noMatches.title")} body={t("noMatches.body")} />
        ) : (
          <EmptyState title={t("empty.title")} body={t("empty.body")} />
        )
      ) : (
        <AuditTable rows={rows} />
      )}
      <nav className="mt-4 flex items-center justify-between gap-3" aria-label={t("pagination.label")}>
        {search.before ? (
          <Link href={{ pathname: "/audit", query: newestQuery }} className="btn-secondary" data-testid="audit-newest">
            {t("pagination.newest")}
          </Link>
        ) : (
          <span />
        )}
        {olderQuery ? (
          <Link href={{ pathname: "/audit", query: olderQuery }} className="btn-secondary" data-testid="audit-older">
            {t("pagination.older")}
          </Link>
        ) : null}
      </nav>
    </>
  );
}
