"use client";

import { useTranslations } from "next-intl";

/** "Also remove what the file does not list", for every source alike. */
export function PruneOption({ checked, onChange }: { checked: boolean; onChange: (checked: boolean) => void }) {
  const t = useTranslations("Config.import");
  return (
    <div className="flex items-start gap-3 rounded-md bg-slate-50 p-3">
      <input
        id="import-prune"
        type="checkbox"
        checked={checked}
        onChange={(event) => onChange(event.target.checked)}
        className="mt-0.5 h-4 w-4 rounded border-slate-300 text-indigo-600"
        data-testid="import-prune"
      />
      <label htmlFor="import-prune" className="text-sm">
        <span className="font-medium text-slate-700">{t("prune")}</span>
        <span className="mt-0.5 block text-xs text-slate-500">{t("pruneHelp")}</span>
      </label>
    </div>
  );
}
