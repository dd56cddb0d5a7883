"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";

/** One row of the tokens-and-cost table; every figure arrives formatted for the locale. */
export interface UsageRowView {
  id: string;
  name: string;
  /** Muted names are placeholders such as "(no group)" or a deleted key. */
  isPlaceholder: boolean;
  requests: string;
  successRate: string;
  promptTokens: string;
  completionTokens: string;
  cachedTokens: string;
  cost: string;
  /** Share of the range's cost, 0–1, drawn as a bar. */
  costShare: number;
}

export interface UsageTable {
  rows: UsageRowView[];
  /** Rows left out beyond the shown ones. */
  hidden: number;
}

const tabs = ["group", "provider", "key"] as const;
type Tab = (typeof tabs)[number];

export function UsageBreakdown({ tables }: { tables: Record<Tab, UsageTable> }) {
  const t = useTranslations("Overview.usage");
  const [tab, setTab] = useState<Tab>("group");
  const table = tables[tab];
  const tabLabel: Record<Tab, string> = { group: t("byGroup"), provider: t("byProvider"), key: t("byKey") };
  return (
    <section className="card" data-testid="usage-breakdown">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 className="font-semibold">{t("title")}</h2>
        <div role="tablist" className="inline-flex rounded-md border border-slate-200 bg-slate-50 p-0.5 text-sm">
          {tabs.map((name) => (
            <button
              key={name}
              type="button"
              role="tab"
              aria-selected={tab === name}
              onClick={() => setTab(name)}
              className={`rounded px-3 py-1 font-medium ${tab === name ? "bg-white text-slate-900 shadow-sm" : "text-slate-500 hover:text-slate-800"}`}
              data-testid={`usage-tab-${name}`}
            >
              {tabLabel[name]}
            </button>
          ))}
        </div>
      </div>
      {table.rows.length === 0 ? (
        <p className="mt-4 text-sm text-slate-500">{t("empty")}</p>
      ) : (
        <div className="mt-4 overflow-x-auto">
          <table className="min-w-full text-sm" data-testid={`usage-table-${tab}`}>
            <thead>
              <tr className="border-b border-slate-200 text-left text-xs uppercase tracking-wide text-slate-500">
                <th className="py-2 pr-4 font-medium">{t("name")}</th>
                <th className="py-2 pr-4 text-right font-medium">{t("requests")}</th>
                <th className="py-2 pr-4 text-right font-medium">{t("successRate")}</th>
                <th className="py-2 pr-4 text-right font-medium">{t("promptTokens")}</th>
                <th className="py-2 pr-4 text-right font-medium">{t("completionTokens")}</th>
                <th className="py-2 pr-4 text-right font-medium">{t("cachedTokens")}</th>
                <th className="py-2 text-right font-medium">{t("cost")}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {table.rows.map((row) => (
                <tr key={row.id} data-testid="usage-row">
                  <td
                    className={`max-w-[16rem] truncate py-2 pr-4 ${row.isPlaceholder ? "italic text-slate-400" : "font-medium text-slate-900"}`}
                    title={row.name}
                  >
                    {row.name}
                  </td>
                  <td className="py-2 pr-4 text-right tabular-nums">{row.requests}</td>
                  <td className="py-2 pr-4 text-right tabular-nums">{row.successRate}</td>
                  <td className="py-2 pr-4 text-right tabular-nums">{row.promptTokens}</td>
                  <td className="py-2 pr-4 text-right tabular-nums">{row.completionTokens}</td>
                  <td className="py-2 pr-4 text-right tabular-nums">{row.cachedTokens}</td>
                  <td className="py-2 text-right tabular-nums">
                    <div className="flex items-center justify-end gap-2">
                      <span
                        className="hidden h-1.5 w-16 overflow-hidden rounded-full bg-slate-100 sm:block"
                        aria-hidden
                      >
                        <span
                          className="block h-full rounded-full bg-indigo-500"
                          style={{ width: `${Math.round(row.costShare * 100)}%` }}
                        />
                      </span>
                      {row.cost}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {table.hidden > 0 ? (
            <p className="mt-2 text-xs text-slate-500">{t("more", { count: table.hidden })}</p>
          ) : null}
        </div>
      )}
    </section>
  );
}
