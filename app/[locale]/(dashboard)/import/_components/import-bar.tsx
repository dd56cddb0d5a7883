"use client";

import { useTranslations } from "next-intl";
import type { PlanAction } from "@/lib/importer/plan";

/** The live counts, what the import will do, what still blocks it, and the import button. */
export function ImportBar({
  counts,
  total,
  kept,
  excluded,
  blockers,
  isPending,
  isStale,
  onImport,
}: {
  counts: Record<PlanAction, number>;
  total: number;
  kept: number;
  excluded: number;
  blockers: string[];
  isPending: boolean;
  isStale: boolean;
  onImport: () => void;
}) {
  const t = useTranslations("Import.footer");
  return (
    <section className="card border-indigo-200 bg-indigo-50/40" data-testid="import-bar">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="min-w-0 space-y-1 text-sm">
          <p className="text-slate-700" data-testid="live-counts">
            {t("counts", { total, kept, excluded })}
          </p>
          <p className="text-slate-500" data-testid="plan-counts">
            {t("plan", { create: counts.create, update: counts.update, skip: counts.skip })}
          </p>
          {blockers.length > 0 ? (
            <ul className="text-red-600" data-testid="import-blockers">
              {blockers.map((blocker) => (
                <li key={blocker}>{blocker}</li>
              ))}
            </ul>
          ) : null}
        </div>
        <button
          type="button"
          className="btn-primary"
          disabled={isPending || isStale || blockers.length > 0}
          onClick={onImport}
          data-testid="import-submit"
        >
          {isPending ? t("importing") : t("import", { count: counts.create + counts.update })}
        </button>
      </div>
    </section>
  );
}
