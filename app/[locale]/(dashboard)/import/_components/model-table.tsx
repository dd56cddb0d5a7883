"use client";

import { useTranslations } from "next-intl";
import { memo, useMemo, useState } from "react";
import type { PlannedRow } from "@/lib/importer/plan";
import type { PriceKind, PriceTexts } from "@/lib/importer/prices";
import type { Preview, RowOverride } from "@/lib/importer/preview";
import type { FetchedModel } from "../import-types";
import { ModelRow } from "./model-row";
import { guessWorkKinds, type WorkKind } from "@/lib/work-kinds";

type View = "all" | "kept" | "excluded" | "new";
// Rows rendered at a time: the browser's style and layout work, not the filtering, is what
// grows with rows, and a hundred keeps every keystroke quick.
const PAGE_SIZE = 100;

/**
 * The listed models. Only the first rows of the current view are rendered (more on demand):
 * the DOM stays small with thousands of models, while counts and the import cover them all.
 * Memoised: a keystroke in a filter re-renders the table only once its deferred result is in.
 */
export const ModelTable = memo(function ModelTable({
  preview,
  models,
  overrides,
  bulkPrices,
  planByModel,
  invalidPriceIds,
  hasHistory,
  onToggle,
  onToggleMany,
  onResetTicks,
  onRename,
  onPrice,
  onKind,
  baseUrl,
}: {
  preview: Preview;
  models: ReadonlyMap<string, FetchedModel>;
  overrides: ReadonlyMap<string, RowOverride>;
  bulkPrices: PriceTexts;
  planByModel: ReadonlyMap<string, PlannedRow>;
  invalidPriceIds: ReadonlySet<string>;
  hasHistory: boolean;
  onToggle: (id: string, isKept: boolean) => void;
  onToggleMany: (ids: string[], isKept: boolean) => void;
  /** Forgets every tick made by hand, so the filters alone decide again. */
  onResetTicks: () => void;
  onRename: (id: string, text: string) => void;
  onPrice: (id: string, kind: PriceKind, text: string) => void;
  onKind: (id: string, kind: WorkKind) => void;
  /** The endpoint's URL, for the kind guess (OpenAI's own API also serves the Responses API). */
  baseUrl: string;
}) {
  const t = useTranslations("Import.table");
  const [view, setView] = useState<View>("all");
  const [limit, setLimit] = useState(PAGE_SIZE);
  const newCount = useMemo(
    () => preview.rows.reduce((count, row) => count + (models.get(row.id)?.isNew ? 1 : 0), 0),
    [preview.rows, models],
  );
  const visible = useMemo(
    () =>
      preview.rows.filter((row) =>
        view === "all"
          ? true
          : view === "kept"
            ? row.isKept
            : view === "excluded"
              ? !row.isKept
              : models.get(row.id)?.isNew === true,
      ),
    [preview.rows, view, models],
  );
  const shown = visible.slice(0, limit);
  const tickedByHand = useMemo(
    () => [...overrides.values()].filter((override) => override.include !== undefined).length,
    [overrides],
  );
  const allVisibleKept = visible.length > 0 && visible.every((row) => row.isKept);
  const views: { view: View; count: number }[] = [
    { view: "all", count: preview.total },
    { view: "kept", count: preview.kept },
    { view: "excluded", count: preview.excluded },
    ...(hasHistory ? [{ view: "new" as const, count: newCount }] : []),
  ];

  return (
    <section className="card p-0" aria-labelledby="models-title">
      <div className="flex flex-wrap items-center justify-between gap-3 border-b border-slate-200 px-4 py-3">
        <h2 id="models-title" className="text-base font-semibold text-slate-900">
          {t("title")}
        </h2>
        <div className="flex flex-wrap items-center gap-1" role="tablist" aria-label={t("viewLabel")}>
          {tickedByHand > 0 ? (
            <button
              type="button"
              className="mr-2 text-sm font-medium text-indigo-600 hover:text-indigo-500"
              onClick={onResetTicks}
              data-testid="reset-ticks"
            >
              {t("resetTicks", { count: tickedByHand })}
            </button>
          ) : null}
          {views.map((item) => (
            <button
              key={item.view}
              type="button"
              role="tab"
              aria-selected={view === item.view}
              onClick={() => {
                setView(item.view);
                setLimit(PAGE_SIZE);
              }}
              className={`rounded-full px-3 py-1 text-sm ${view === item.view ? "bg-indigo-600 text-white" : "bg-slate-100 text-slate-700 hover:bg-slate-200"}`}
              data-testid={`view-${item.view}`}
            >
              {t(`views.${item.view}`)}{" "}
              <span data-testid={`count-${item.view}`}>{t("count", { count: item.count })}</span>
            </button>
          ))}
        </div>
      </div>
      {visible.length === 0 ? (
        <p className="px-4 py-10 text-center text-sm text-slate-500" data-testid="no-rows">
          {preview.total === 0 ? t("emptyList") : t("noneInView")}
        </p>
      ) : (
        <div className="overflow-x-auto">
          {/* Fixed layout: a change in one cell never makes the browser re-measure the whole table. */}
          <table className="w-full min-w-[64rem] table-fixed text-sm" data-testid="model-table">
            <colgroup>
              <col className="w-10" />
              <col className="w-[30%]" />
              <col />
              <col className="w-32" />
              <col className="w-24" />
              <col className="w-24" />
              <col className="w-24" />
              <col className="w-32" />
            </colgroup>
            <thead className="border-b border-slate-200 text-left text-xs font-medium uppercase tracking-wide text-slate-500">
              <tr>
                <th className="w-10 px-3 py-2">
                  <input
                    type="checkbox"
                    checked={allVisibleKept}
                    onChange={(event) =>
                      onToggleMany(
                        visible.map((row) => row.id),
                        event.target.checked,
                      )
                    }
                    aria-label={t("keepAll")}
                    data-testid="keep-all"
                  />
                </th>
                <th className="px-3 py-2">{t("columns.model")}</th>
                <th className="px-3 py-2">{t("columns.name")}</th>
                <th className="px-2 py-2">{t("columns.kind")}</th>
                <th className="px-2 py-2">{t("columns.input")}</th>
                <th className="px-2 py-2">{t("columns.output")}</th>
                <th className="px-2 py-2">{t("columns.cached")}</th>
                <th className="px-3 py-2">{t("columns.result")}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {shown.map((row) => {
                const model = models.get(row.id);
                const planned = planByModel.get(row.id);
                const override = overrides.get(row.id);
                return (
                  <ModelRow
                    key={row.id}
                    id={row.id}
                    ownedBy={model?.ownedBy ?? null}
                    isNew={model?.isNew ?? false}
                    isImported={model?.isImported ?? false}
                    isKept={row.isKept}
                    passesFilter={row.passesFilter}
                    name={row.name}
                    rename={override?.rename ?? ""}
                    prices={override?.prices}
                    kind={override?.kind ?? guessWorkKinds(row.id, baseUrl)[0]!}
                    onKind={onKind}
                    bulkPrices={bulkPrices}
                    action={row.isKept ? (planned?.action ?? null) : null}
                    problem={planned?.problem ?? null}
                    hasInvalidPrice={invalidPriceIds.has(row.id)}
                    onToggle={onToggle}
                    onRename={onRename}
                    onPrice={onPrice}
                  />
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {visible.length > shown.length ? (
        <div className="flex flex-wrap items-center justify-center gap-3 border-t border-slate-200 px-4 py-3 text-sm text-slate-500">
          <span data-testid="rows-hidden">{t("showing", { shown: shown.length, total: visible.length })}</span>
          <button
            type="button"
            className="btn-secondary"
            onClick={() => setLimit((current) => current + PAGE_SIZE)}
            data-testid="show-more"
          >
            {t("showMore", { count: Math.min(PAGE_SIZE, visible.length - shown.length) })}
          </button>
        </div>
      ) : null}
    </section>
  );
});
