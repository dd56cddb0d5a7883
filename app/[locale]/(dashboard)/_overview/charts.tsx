"use client";

import { AreaChart, BarChart, DonutChart, LineChart } from "@tremor/react";
import { useFormatter } from "next-intl";

/*
 * Tremor charts, fed by the server with ready labels (dates are formatted there, in the
 * configured time zone) and raw numbers, which are formatted here for the locale: value
 * formatters are functions and cannot cross from a server component.
 */

export type ValueKind = "count" | "percent" | "ms" | "usd";

export type ChartRow = Record<string, string | number | null>;

function useValueFormatter(kind: ValueKind): (value: number) => string {
  const format = useFormatter();
  switch (kind) {
    case "percent":
      return (value) => format.number(value / 100, { style: "percent", maximumFractionDigits: 1 });
    case "ms":
      return (value) =>
        format.number(value, { style: "unit", unit: "millisecond", unitDisplay: "short", maximumFractionDigits: 0 });
    case "usd":
      return (value) =>
        format.number(value, {
          style: "currency",
          currency: "USD",
          maximumFractionDigits: value !== 0 && Math.abs(value) < 1 ? 4 : 2,
        });
    default:
      // Large counts in short form ("1.2M"), so axis labels fit their column.
      return (value) =>
        format.number(
          value,
          Math.abs(value) >= 100_000 ? { notation: "compact", maximumFractionDigits: 1 } : { maximumFractionDigits: 0 },
        );
  }
}

interface SeriesChartProps {
  kind: "stacked-bar" | "line" | "area";
  data: ChartRow[];
  categories: string[];
  colors: string[];
  valueKind: ValueKind;
  noDataText: string;
  testId: string;
  /** Fixed axis bounds (e.g. 0–100 for a percentage); otherwise Tremor picks them. */
  minValue?: number;
  maxValue?: number;
}

export function SeriesChart({
  kind,
  data,
  categories,
  colors,
  valueKind,
  noDataText,
  testId,
  minValue,
  maxValue,
}: SeriesChartProps) {
  const valueFormatter = useValueFormatter(valueKind);
  const common = {
    data,
    index: "label",
    categories,
    colors,
    valueFormatter,
    noDataText,
    yAxisWidth: valueKind === "count" ? 60 : valueKind === "ms" ? 84 : 64,
    showAnimation: false,
    className: "mt-4 h-64",
    minValue,
    maxValue,
  };
  return (
    <div data-testid={testId}>
      {kind === "stacked-bar" ? <BarChart {...common} stack /> : null}
      {kind === "line" ? <LineChart {...common} connectNulls={false} /> : null}
      {kind === "area" ? <AreaChart {...common} connectNulls={false} /> : null}
    </div>
  );
}

export function ShareDonut({
  data,
  colors,
  noDataText,
  testId,
}: {
  data: { name: string; value: number }[];
  colors: string[];
  noDataText: string;
  testId: string;
}) {
  const valueFormatter = useValueFormatter("count");
  return (
    <div className="min-w-0" data-testid={testId}>
      <DonutChart
        data={data}
        index="name"
        category="value"
        colors={colors}
        valueFormatter={valueFormatter}
        noDataText={noDataText}
        showAnimation={false}
        className="h-44"
      />
    </div>
  );
}
