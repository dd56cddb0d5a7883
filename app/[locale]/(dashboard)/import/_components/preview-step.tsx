"use client";

import { useTranslations } from "next-intl";
import { useCallback, useDeferredValue, useMemo, useState } from "react";
import { defaultAliasOptions, type AliasOptions } from "@/lib/importer/aliases";
import { computeImportPlan, MAX_IMPORT_ROWS } from "@/lib/importer/plan";
import { emptyPriceTexts, type PriceKind, type PriceTexts } from "@/lib/importer/prices";
import { buildPreview, indexModels, toImportRows, type RowOverride } from "@/lib/importer/preview";
import { useAction } from "../../_components/ui/use-action";
import { importModelsAction } from "../actions";
import type { FetchedModels, GroupChoice, ImportSummary } from "../import-types";
import { FilterPanel, type FilterValues } from "./filter-panel";
import { ImportBar } from "./import-bar";
import { ModelTable } from "./model-table";
import { NamingPanel } from "./naming-panel";
import { parseRank, PlacementPanel, type PlacementValues } from "./placement-panel";
import type { SourceValues } from "./source-step";
import type { WorkKind } from "@/lib/work-kinds";

/**
 * Step 2: everything happens in the browser. Filters, names and counts are recomputed from
 * deferred copies of the inputs, so typing stays responsive with thousands of models; only
 * the import itself goes to the server.
 */
export function PreviewStep({
  source,
  fetched,
  groups,
  existingNames,
  onBack,
  onImported,
}: {
  source: SourceValues;
  fetched: FetchedModels;
  groups: GroupChoice[];
  existingNames: string[];
  onBack: () => void;
  onImported: (summary: ImportSummary) => void;
}) {
  const t = useTranslations("Import");
  const { run, isPending } = useAction();
  const indexed = useMemo(() => indexModels(fetched.models.map((model) => model.id)), [fetched]);
  const modelsById = useMemo(() => new Map(fetched.models.map((model) => [model.id, model])), [fetched]);
  const existing = useMemo(() => new Set(existingNames), [existingNames]);

  const [filters, setFilters] = useState<FilterValues>({ include: "", excludes: [], useRegex: false });
  const [alias, setAlias] = useState<AliasOptions>(defaultAliasOptions);
  const [bulkPrices, setBulkPrices] = useState<PriceTexts>(emptyPriceTexts);
  const [overrides, setOverrides] = useState<ReadonlyMap<string, RowOverride>>(() => new Map());
  const [placement, setPlacement] = useState<PlacementValues>({
    groupIds: [],
    newGroupNames: [],
    priority: "1",
    weight: "1",
    onExisting: "skip",
  });
  const [endpointName, setEndpointName] = useState(source.name.trim() || fetched.suggestedName);

  // Typing in the bulk inputs is deferred; row choices are not: a tick must show at once.
  const deferredFilters = useDeferredValue(filters);
  const deferredAlias = useDeferredValue(alias);
  const deferredBulk = useDeferredValue(bulkPrices);
  const preview = useMemo(
    () => buildPreview(indexed, deferredFilters, deferredAlias, overrides),
    [indexed, deferredFilters, deferredAlias, overrides],
  );
  const importRows = useMemo(() => toImportRows(preview, overrides, deferredBulk), [preview, overrides, deferredBulk]);
  const plan = useMemo(
    () => computeImportPlan(importRows.rows, existing, placement.onExisting),
    [importRows, existing, placement.onExisting],
  );
  const planByModel = useMemo(() => new Map(plan.rows.map((row) => [row.upstreamModel, row])), [plan]);
  const invalidPriceIds = useMemo(() => new Set(importRows.invalidPriceIds), [importRows]);
  const isStale = deferredFilters !== filters || deferredAlias !== alias || deferredBulk !== bulkPrices;

  const patchOverride = useCallback((id: string, patch: (current: RowOverride) => RowOverride) => {
    setOverrides((current) => {
      const next = new Map(current);
      next.set(id, patch(current.get(id) ?? {}));
      return next;
    });
  }, []);
  const onToggle = useCallback(
    (id: string, isKept: boolean) => patchOverride(id, (current) => ({ ...current, include: isKept })),
    [patchOverride],
  );
  const onRename = useCallback(
    (id: string, rename: string) => patchOverride(id, (current) => ({ ...current, rename })),
    [patchOverride],
  );
  const onPrice = useCallback(
    (id: string, kind: PriceKind, text: string) =>
      patchOverride(id, (current) => ({
        ...current,
        prices: { ...(current.prices ?? emptyPriceTexts), [kind]: text },
      })),
    [patchOverride],
  );
  const onKind = useCallback(
    (id: string, kind: WorkKind) => patchOverride(id, (current) => ({ ...current, kind })),
    [patchOverride],
  );
  const onToggleMany = useCallback((ids: string[], isKept: boolean) => {
    setOverrides((current) => {
      const next = new Map(current);
      for (const id of ids) next.set(id, { ...(current.get(id) ?? {}), include: isKept });
      return next;
    });
  }, []);

  const onResetTicks = useCallback(() => {
    setOverrides((current) => {
      const next = new Map<string, RowOverride>();
      for (const [id, override] of current) {
        const rest: RowOverride = { rename: override.rename, prices: override.prices, kind: override.kind };
        if (rest.rename !== undefined || rest.prices !== undefined || rest.kind !== undefined) next.set(id, rest);
      }
      return next;
    });
  }, []);

  const priority = parseRank(placement.priority);
  const weight = parseRank(placement.weight);
  const blockers: string[] = [];
  if (plan.rows.length === 0 && importRows.invalidPriceIds.length === 0) blockers.push(t("blockers.nothing"));
  if (importRows.invalidPriceIds.length > 0)
    blockers.push(t("blockers.prices", { count: importRows.invalidPriceIds.length }));
  if (plan.problemCount > 0) blockers.push(t("blockers.names", { count: plan.problemCount }));
  if (plan.rows.length > MAX_IMPORT_ROWS) blockers.push(t("blockers.tooMany", { max: MAX_IMPORT_ROWS }));
  if (priority === null || weight === null) blockers.push(t("blockers.rank"));
  if (fetched.credentialId === null && endpointName.trim() === "") blockers.push(t("blockers.endpointName"));

  const onImport = () => {
    if (blockers.length > 0 || isStale || priority === null || weight === null) return;
    const endpoint =
      fetched.credentialId !== null
        ? { kind: "existing" as const, credentialId: fetched.credentialId }
        : {
            kind: "new" as const,
            name: endpointName,
            baseUrl: fetched.baseUrl,
            apiKey: source.apiKey,
            protocol: source.protocol,
          };
    const input = {
      endpoint,
      rows: plan.rows.map(({ name, upstreamModel, prices, kinds }) => ({ name, upstreamModel, prices, kinds })),
      onExisting: placement.onExisting,
      groupIds: placement.groupIds,
      newGroupNames: placement.newGroupNames,
      priority,
      weight,
      listedModelIds: fetched.models.map((model) => model.id),
    };
    void run(() => importModelsAction(input), { onSuccess: (summary) => summary && onImported(summary) });
  };

  return (
    <div className="space-y-6">
      <section className="card flex flex-wrap items-start justify-between gap-4" data-testid="source-summary">
        <div className="min-w-0 space-y-1">
          <p className="text-sm text-slate-500">{t("preview.from")}</p>
          <p className="font-mono text-sm text-slate-900 [overflow-wrap:anywhere]" data-testid="resolved-base-url">
            {fetched.baseUrl}
          </p>
          <p className="text-sm text-slate-600" data-testid="endpoint-note">
            {fetched.credentialId !== null
              ? t("preview.existingEndpoint", { name: fetched.credentialName ?? "" })
              : t("preview.newEndpoint")}
          </p>
          {fetched.skippedEntries > 0 ? (
            <p className="text-xs text-amber-700">{t("preview.skippedEntries", { count: fetched.skippedEntries })}</p>
          ) : null}
        </div>
        <div className="flex flex-wrap items-end gap-3">
          {fetched.credentialId === null ? (
            <div>
              <label htmlFor="endpoint-name" className="field-label">
                {t("preview.endpointName")}
              </label>
              <input
                id="endpoint-name"
                className="field-input"
                value={endpointName}
                maxLength={100}
                onChange={(event) => setEndpointName(event.target.value)}
                data-testid="endpoint-name"
              />
            </div>
          ) : null}
          <button type="button" className="btn-secondary" onClick={onBack} data-testid="back-to-source">
            {t("preview.back")}
          </button>
        </div>
      </section>

      <div className="grid gap-6 xl:grid-cols-3">
        <FilterPanel
          values={filters}
          onChange={(patch) => setFilters((current) => ({ ...current, ...patch }))}
          isIncludeInvalid={preview.filter.isIncludeInvalid}
          invalidExcludes={preview.filter.invalidExcludes}
        />
        <NamingPanel
          alias={alias}
          onAlias={(patch) => setAlias((current) => ({ ...current, ...patch }))}
          prices={bulkPrices}
          onPrices={(patch) => setBulkPrices((current) => ({ ...current, ...patch }))}
          example={preview.rows.find((row) => row.isKept)?.id ?? preview.rows[0]?.id}
        />
        <PlacementPanel
          groups={groups}
          values={placement}
          onChange={(patch) => setPlacement((current) => ({ ...current, ...patch }))}
        />
      </div>

      <ImportBar
        counts={plan.counts}
        total={preview.total}
        kept={preview.kept}
        excluded={preview.excluded}
        blockers={blockers}
        isPending={isPending}
        isStale={isStale}
        onImport={onImport}
      />

      {/* No visual "stale" effect: restyling the whole table twice per keystroke costs more than it tells. */}
      <div aria-busy={isStale}>
        <ModelTable
          preview={preview}
          models={modelsById}
          overrides={overrides}
          bulkPrices={bulkPrices}
          planByModel={planByModel}
          invalidPriceIds={invalidPriceIds}
          hasHistory={fetched.hasHistory}
          onToggle={onToggle}
          onToggleMany={onToggleMany}
          onResetTicks={onResetTicks}
          onRename={onRename}
          onPrice={onPrice}
          onKind={onKind}
          baseUrl={fetched.baseUrl}
        />
      </div>
    </div>
  );
}
