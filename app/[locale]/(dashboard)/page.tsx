import { getFormatter, getTranslations, setRequestLocale } from "next-intl/server";
import { headers } from "next/headers";
import { getDialect } from "@/db/client";
import { loadOverview } from "@/lib/analytics/overview";
import { overviewSearchSchema } from "@/lib/analytics/overview-range";
import { requireAdminPage } from "@/app/_framework/session";
import { getServerState } from "@/lib/server/state";
import { resolveTimeZone } from "@/lib/time-zone";
import { ShareDonut, SeriesChart } from "./_overview/charts";
import { KpiCards, type KpiCard } from "./_overview/kpi-cards";
import { LogQueueCard } from "./_overview/log-queue-card";
import {
  bucketLabel,
  formatCost,
  formatMs,
  formatPercent,
  seriesCharts,
  shareSlices,
  usageTable,
  type ShareSlice,
} from "./_overview/overview-view";
import { RangePicker } from "./_overview/range-picker";
import { UsageBreakdown } from "./_overview/usage-breakdown";
import { PageHeader } from "./_components/page-header";
import { EmptyState } from "./_components/ui/empty-state";
import { ClientMessages } from "../_components/client-messages";

export const dynamic = "force-dynamic";

async function publicBaseUrl(): Promise<string> {
  const list = await headers();
  const host = list.get("x-forwarded-host") ?? list.get("host") ?? "localhost:8001";
  const proto = list.get("x-forwarded-proto") ?? "http";
  return `${proto}://${host}/v1`;
}

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

function ShareCard({
  title,
  slices,
  noData,
  testId,
}: {
  title: string;
  slices: ShareSlice[];
  noData: string;
  testId: string;
}) {
  return (
    <section className="card min-w-0">
      <h2 className="font-semibold">{title}</h2>
      <div className="mt-4 grid min-w-0 items-center gap-4 sm:grid-cols-2">
        <ShareDonut
          data={slices.map(({ name, value }) => ({ name, value }))}
          colors={slices.map((slice) => slice.color)}
          noDataText={noData}
          testId={testId}
        />
        <ul className="min-w-0 space-y-1.5 text-sm">
          {slices.map((slice) => (
            <li key={slice.name} className="flex items-center gap-2">
              <span className={`h-2.5 w-2.5 shrink-0 rounded-full ${slice.dotClass}`} aria-hidden />
              <span
                className={`min-w-0 flex-1 truncate ${slice.isPlaceholder ? "italic text-slate-400" : "text-slate-700"}`}
                title={slice.name}
              >
                {slice.name}
              </span>
              <span className="tabular-nums text-slate-500">{slice.share}</span>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}

export default async function OverviewPage({
  params,
  searchParams,
}: {
  params: Promise<{ locale: string }>;
  searchParams: SearchParams;
}) {
  const { locale } = await params;
  setRequestLocale(locale);
  await requireAdminPage(locale);
  const t = await getTranslations("Overview");
  const format = await getFormatter();
  const state = await getServerState();
  const timeZone = resolveTimeZone(state.runtime.getSnapshot().settings.timeZone);
  const search = overviewSearchSchema.parse(await searchParams);
  const { range, model } = await loadOverview(state.db, search, Date.now(), timeZone);
  const { kpis } = model;

  const labels = model.series.map((point) => bucketLabel(format, point.start, range, timeZone));
  const names = {
    succeeded: t("charts.succeeded"),
    failed: t("charts.failed"),
    successRate: t("charts.successRate"),
    average: t("charts.average"),
    p95: t("charts.p95"),
  };
  const charts = seriesCharts(model, labels, names);
  const noData = t("charts.noData");
  const failureTone =
    kpis.successRate === null || kpis.successRate >= 0.99 ? "good" : kpis.successRate >= 0.95 ? "warn" : "bad";
  const cards: KpiCard[] = [
    {
      id: "requests",
      label: t("kpi.requests"),
      value: format.number(kpis.requests),
      detail: t("kpi.failed", { count: kpis.failures }),
    },
    {
      id: "success-rate",
      label: t("kpi.successRate"),
      value: formatPercent(format, kpis.successRate),
      tone: failureTone,
    },
    {
      id: "latency",
      label: t("kpi.avgLatency"),
      value: formatMs(format, kpis.avgLatencyMs),
      detail: t("kpi.p95", { value: formatMs(format, kpis.p95LatencyMs) }),
    },
    {
      id: "ttft",
      label: t("kpi.avgTtft"),
      value: formatMs(format, kpis.avgTtftMs),
      detail: t("kpi.p95", { value: formatMs(format, kpis.p95TtftMs) }),
    },
    {
      id: "tokens",
      label: t("kpi.tokens"),
      value: format.number(kpis.promptTokens + kpis.completionTokens, {
        notation: "compact",
        maximumFractionDigits: 1,
      }),
      detail: t("kpi.tokensDetail", {
        prompt: format.number(kpis.promptTokens),
        completion: format.number(kpis.completionTokens),
      }),
    },
    {
      id: "cost",
      label: t("kpi.cost"),
      value: formatCost(format, kpis.cost),
      detail: t("kpi.cachedTokens", { cached: format.number(kpis.cachedTokens) }),
    },
  ];
  const rangeText = t("rangeSummary", {
    from: format.dateTime(range.from, { dateStyle: "medium", timeStyle: "short", timeZone }),
    to: format.dateTime(range.to, { dateStyle: "medium", timeStyle: "short", timeZone }),
    zone: timeZone,
  });

  return (
    <ClientMessages namespaces={["Overview"]}>
      <PageHeader title={t("title")} subtitle={t("subtitle")} actions={<RangePicker range={range} />} />
      <p className="-mt-3 mb-4 text-xs text-slate-500" data-testid="range-summary">
        {rangeText}
      </p>
      {range.isInvalidCustom ? (
        <p
          className="mb-4 rounded-md border border-amber-200 bg-amber-50 px-4 py-2 text-sm text-amber-900"
          data-testid="range-invalid"
        >
          {t("range.invalid")}
        </p>
      ) : null}
      <KpiCards cards={cards} />
      {kpis.requests === 0 ? (
        <div className="mt-6">
          <EmptyState title={t("empty.title")} body={t("empty.body")} />
        </div>
      ) : (
        <>
          <div className="mt-6 grid gap-4 xl:grid-cols-3">
            <section className="card xl:col-span-2">
              <h2 className="font-semibold">
                {range.granularity === "hour" ? t("charts.requestsByHour") : t("charts.requestsByDay")}
              </h2>
              <SeriesChart
                kind="stacked-bar"
                data={charts.requests}
                categories={[names.succeeded, names.failed]}
                colors={["emerald", "rose"]}
                valueKind="count"
                noDataText={noData}
                testId="chart-requests"
              />
            </section>
            <section className="card">
              <h2 className="font-semibold">{t("charts.successRate")}</h2>
              <SeriesChart
                kind="area"
                data={charts.successRate}
                categories={[names.successRate]}
                colors={["indigo"]}
                valueKind="percent"
                noDataText={noData}
                testId="chart-success-rate"
                minValue={0}
                maxValue={100}
              />
            </section>
          </div>
          <div className="mt-4 grid gap-4 lg:grid-cols-2">
            <section className="card">
              <h2 className="font-semibold">{t("charts.latency")}</h2>
              <p className="text-xs text-slate-500">{t("charts.p95Note")}</p>
              <SeriesChart
                kind="line"
                data={charts.latency}
                categories={[names.average, names.p95]}
                colors={["indigo", "amber"]}
                valueKind="ms"
                noDataText={noData}
                testId="chart-latency"
              />
            </section>
            <section className="card">
              <h2 className="font-semibold">{t("charts.ttft")}</h2>
              <p className="text-xs text-slate-500">{t("charts.ttftNote")}</p>
              <SeriesChart
                kind="line"
                data={charts.ttft}
                categories={[names.average, names.p95]}
                colors={["cyan", "amber"]}
                valueKind="ms"
                noDataText={noData}
                testId="chart-ttft"
              />
            </section>
          </div>
          <div className="mt-4 grid gap-4 lg:grid-cols-2">
            <ShareCard
              title={t("charts.byGroup")}
              slices={shareSlices(model.byGroup, kpis.requests, format, t)}
              noData={noData}
              testId="chart-by-group"
            />
            <ShareCard
              title={t("charts.byProvider")}
              slices={shareSlices(model.byProvider, kpis.requests, format, t)}
              noData={noData}
              testId="chart-by-provider"
            />
          </div>
          <div className="mt-4">
            <UsageBreakdown
              tables={{
                group: usageTable(model.byGroup, kpis.cost, format, t),
                provider: usageTable(model.byProvider, kpis.cost, format, t),
                key: usageTable(model.byKey, kpis.cost, format, t),
              }}
            />
          </div>
        </>
      )}
      <div className="mt-6 grid gap-4 lg:grid-cols-3">
        <section className="card">
          <h2 className="font-semibold">{t("baseUrlTitle")}</h2>
          <p className="mt-1 text-sm text-slate-500">{t("baseUrlBody")}</p>
          <code className="mt-3 block overflow-x-auto rounded bg-slate-100 px-3 py-2 text-sm" data-testid="base-url">
            {await publicBaseUrl()}
          </code>
        </section>
        <section className="card">
          <h2 className="font-semibold">{t("databaseTitle")}</h2>
          <p className="mt-1 text-sm text-slate-500">{t("databaseBody", { dialect: getDialect(state.db) })}</p>
        </section>
        <LogQueueCard stats={state.logWriter.stats()} />
      </div>
    </ClientMessages>
  );
}
