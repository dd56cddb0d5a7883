import type { getFormatter, getTranslations } from "next-intl/server";
import type { BreakdownRow, OverviewModel } from "@/lib/analytics/overview";
import type { OverviewRange } from "@/lib/analytics/overview-range";
import type { ChartRow } from "./charts";
import type { UsageTable } from "./usage-breakdown";

/*
 * Formats the overview model for display: labels in the configured time zone, numbers and
 * money for the locale. Charts get raw numbers (the client formats their axes); tables and
 * cards get finished strings.
 */

type Formatter = Awaited<ReturnType<typeof getFormatter>>;
type Translator = Awaited<ReturnType<typeof getTranslations<"Overview">>>;

export const SHARE_COLORS = ["indigo", "cyan", "amber", "emerald", "violet", "rose", "sky", "lime"] as const;
/** The same colors as classes for the legends beside the donuts (kept literal for Tailwind). */
export const SHARE_DOT_CLASSES = [
  "bg-indigo-500",
  "bg-cyan-500",
  "bg-amber-500",
  "bg-emerald-500",
  "bg-violet-500",
  "bg-rose-500",
  "bg-sky-500",
  "bg-lime-500",
] as const;
const TABLE_ROWS = 15;

export function formatCost(format: Formatter, value: number): string {
  return format.number(value, {
    style: "currency",
    currency: "USD",
    maximumFractionDigits: value !== 0 && value < 1 ? 4 : 2,
  });
}

export function formatPercent(format: Formatter, value: number | null): string {
  return value === null ? "—" : format.number(value, { style: "percent", maximumFractionDigits: 1 });
}

export function formatMs(format: Formatter, value: number | null): string {
  return value === null
    ? "—"
    : format.number(value, { style: "unit", unit: "millisecond", unitDisplay: "short", maximumFractionDigits: 0 });
}

export function bucketLabel(format: Formatter, start: number, range: OverviewRange, timeZone: string): string {
  if (range.granularity === "day") return format.dateTime(start, { month: "short", day: "numeric", timeZone });
  if (range.preset === "24h") return format.dateTime(start, { hour: "numeric", minute: "2-digit", timeZone });
  return format.dateTime(start, { month: "short", day: "numeric", hour: "numeric", timeZone });
}

export interface SeriesCharts {
  requests: ChartRow[];
  successRate: ChartRow[];
  latency: ChartRow[];
  ttft: ChartRow[];
}

const round = (value: number | null) => (value === null ? null : Math.round(value * 10) / 10);

export function seriesCharts(
  model: OverviewModel,
  labels: string[],
  names: Record<"succeeded" | "failed" | "successRate" | "average" | "p95", string>,
): SeriesCharts {
  const at = (index: number) => labels[index] ?? "";
  return {
    requests: model.series.map((point, index) => ({
      label: at(index),
      [names.succeeded]: point.successes,
      [names.failed]: point.failures,
    })),
    successRate: model.series.map((point, index) => ({
      label: at(index),
      [names.successRate]: point.successRate === null ? null : round(point.successRate * 100),
    })),
    latency: model.series.map((point, index) => ({
      label: at(index),
      [names.average]: round(point.avgLatencyMs),
      [names.p95]: round(point.p95LatencyMs),
    })),
    ttft: model.series.map((point, index) => ({
      label: at(index),
      [names.average]: round(point.avgTtftMs),
      [names.p95]: round(point.p95TtftMs),
    })),
  };
}

export function displayName(row: BreakdownRow, t: Translator): { name: string; isPlaceholder: boolean } {
  if (row.name !== null) return { name: row.name, isPlaceholder: false };
  if (row.id.startsWith("group:")) return { name: t("names.noGroup"), isPlaceholder: true };
  if (row.id.startsWith("provider:")) return { name: t("names.noProvider"), isPlaceholder: true };
  const keyId = row.id.slice("key:".length);
  return keyId === "0"
    ? { name: t("names.noKey"), isPlaceholder: true }
    : { name: t("names.deletedKey", { id: keyId }), isPlaceholder: true };
}

export function usageTable(rows: BreakdownRow[], totalCost: number, format: Formatter, t: Translator): UsageTable {
  const sorted = [...rows].sort((a, b) => b.cost - a.cost || b.requests - a.requests);
  return {
    hidden: Math.max(0, sorted.length - TABLE_ROWS),
    rows: sorted.slice(0, TABLE_ROWS).map((row) => ({
      id: row.id,
      ...displayName(row, t),
      requests: format.number(row.requests),
      successRate: formatPercent(format, row.successRate),
      promptTokens: format.number(row.promptTokens),
      completionTokens: format.number(row.completionTokens),
      cachedTokens: format.number(row.cachedTokens),
      cost: formatCost(format, row.cost),
      costShare: totalCost > 0 ? row.cost / totalCost : 0,
    })),
  };
}

export interface ShareSlice {
  name: string;
  value: number;
  share: string;
  /** Tremor color name of the slice, and the matching class for its legend dot. */
  color: string;
  dotClass: string;
  isPlaceholder: boolean;
}

/** The largest entries by requests, the rest folded into "other", with legend colors. */
export function shareSlices(rows: BreakdownRow[], total: number, format: Formatter, t: Translator): ShareSlice[] {
  const top = rows.filter((row) => row.requests > 0).slice(0, SHARE_COLORS.length);
  const rest = rows.slice(SHARE_COLORS.length).reduce((sum, row) => sum + row.requests, 0);
  const slices = top.map((row, index) => ({
    ...displayName(row, t),
    value: row.requests,
    share: formatPercent(format, total > 0 ? row.requests / total : null),
    color: SHARE_COLORS[index] ?? "slate",
    dotClass: SHARE_DOT_CLASSES[index] ?? "bg-slate-500",
  }));
  if (rest > 0) {
    slices.push({
      name: t("names.other"),
      isPlaceholder: true,
      value: rest,
      share: formatPercent(format, rest / total),
      color: "slate",
      dotClass: "bg-slate-500",
    });
  }
  return slices;
}
