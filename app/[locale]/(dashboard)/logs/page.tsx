import { getFormatter, getTranslations, setRequestLocale } from "next-intl/server";
import { Link } from "@/app/_framework/i18n/navigation";
import { listApiKeys } from "@/db/queries/api-keys";
import { searchCallLogs } from "@/db/queries/call-log-search";
import type { CallLogEntry } from "@/db/queries/call-logs";
import { listGroups } from "@/db/queries/groups";
import { listProviders } from "@/db/queries/providers";
import {
  formatCursor,
  hasFilters,
  logSearchParams,
  parseCursor,
  parseLogSearch,
  toCallLogFilters,
} from "@/lib/call-log-filters";
import { inertLine } from "@/lib/inert-text";
import { requireAdminPage } from "@/app/_framework/session";
import { getServerState } from "@/lib/server/state";
import { resolveTimeZone } from "@/lib/time-zone";
import { PageHeader } from "../_components/page-header";
import { EmptyState } from "../_components/ui/empty-state";
import { formatCost, formatMs } from "../_overview/overview-view";
import { LogFilterForm } from "./_components/log-filter-form";
import { LogTable, type LogRowView } from "./_components/log-table";

export const dynamic = "force-dynamic";

const PAGE_ROWS = 50;
/** Characters of a name or an error shown in a list cell (full text on the detail page). */
const CELL_CHARS = 160;

type Formatter = Awaited<ReturnType<typeof getFormatter>>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

function toRowView(entry: CallLogEntry, format: Formatter, timeZone: string): LogRowView {
  const line = (text: string | null) => (text === null || text === "" ? null : inertLine(text, CELL_CHARS));
  return {
    requestId: entry.requestId,
    timeIso: new Date(entry.createdAt).toISOString(),
    time: format.dateTime(entry.createdAt, {
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "2-digit",
      second: "2-digit",
      timeZone,
    }),
    status: entry.status,
    isStream: entry.isStream,
    isIncomplete: entry.isIncomplete,
    isUsageEstimated: entry.isUsageEstimated,
    group: line(entry.groupName),
    provider: line(entry.providerName),
    key: line(entry.apiKeyName),
    latency: formatMs(format, entry.latencyMs),
    tokens: format.number(entry.promptTokens + entry.completionTokens),
    cost: formatCost(format, entry.cost),
    error: line(entry.error),
    attempts: entry.attempts.length,
  };
}

export default async function LogsPage({
  params,
  searchParams,
}: {
  params: Promise<{ locale: string }>;
  searchParams: SearchParams;
}) {
  const { locale } = await params;
  setRequestLocale(locale);
  await requireAdminPage(locale);
  const t = await getTranslations("Logs");
  const format = await getFormatter();
  const state = await getServerState();
  const timeZone = resolveTimeZone(state.runtime.getSnapshot().settings.timeZone);
  const { search, invalid } = parseLogSearch(await searchParams);
  const filters = toCallLogFilters(search, timeZone);

  const [page, providers, groups, keys] = await Promise.all([
    searchCallLogs(state.db, { ...filters, limit: PAGE_ROWS, before: parseCursor(search.before) }),
    listProviders(state.db),
    listGroups(state.db),
    listApiKeys(state.db),
  ]);
  const options = {
    groups: groups.map((group) => group.name),
    providers: providers.map((provider) => ({ id: provider.id, name: provider.name })),
    keys: keys.map((key) => ({ id: key.id, name: key.name })),
  };
  const rows = page.rows.map((entry) => toRowView(entry, format, timeZone));
  const isFiltered = hasFilters(search);
  const exportHref = `/api/logs/export?${logSearchParams(search, null).toString()}`;
  const olderQuery = page.next ? Object.fromEntries(logSearchParams(search, formatCursor(page.next))) : null;
  const newestQuery = Object.fromEntries(logSearchParams(search, null));

  return (
    <>
      <PageHeader
        title={t("title")}
        subtitle={t("subtitle")}
        actions={
          <a href={exportHref} className="btn-secondary" download data-testid="log-export">
            {t("export")}
          </a>
        }
      />
      <LogFilterForm search={search} options={options} timeZone={timeZone} />
      {invalid.length > 0 ? (
        <p
          className="mb-4 rounded-md border border-amber-200 bg-amber-50 px-4 py-2 text-sm text-amber-900"
          data-testid="filters-invalid"
        >
          {t("invalidFilters")}
        </p>
      ) : null}
      {rows.length === 0 && !page.isScanCapped ? (
        isFiltered || search.before ? (
          <EmptyState title={t("noMatches.title")} body={t("noMatches.body")} />
        ) : (
          <EmptyState title={t("empty.title")} body={t("empty.body")} />
        )
      ) : null}
      {rows.length > 0 ? <LogTable rows={rows} /> : null}
      {page.isScanCapped && page.next ? (
        <p
          className="mt-4 rounded-md border border-slate-200 bg-white px-4 py-3 text-sm text-slate-600"
          data-testid="scan-capped"
        >
          {t("pagination.scanCapped", {
            time: format.dateTime(page.next.createdAt, { dateStyle: "medium", timeStyle: "short", timeZone }),
          })}
        </p>
      ) : null}
      <nav className="mt-4 flex items-center justify-between gap-3" aria-label={t("pagination.label")}>
        {search.before ? (
          <Link href={{ pathname: "/logs", query: newestQuery }} className="btn-secondary" data-testid="page-newest">
            {t("pagination.newest")}
          </Link>
        ) : (
          <span />
        )}
        {olderQuery ? (
          <Link href={{ pathname: "/logs", query: olderQuery }} className="btn-secondary" data-testid="page-older">
            {page.isScanCapped ? t("pagination.continue") : t("pagination.older")}
          </Link>
        ) : null}
      </nav>
    </>
  );
}
