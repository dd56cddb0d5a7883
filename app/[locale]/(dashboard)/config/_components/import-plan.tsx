"use client";

import { useTranslations } from "next-intl";
import type { ImportPlan, PlannedChange } from "@/lib/config-transfer";
import { Badge } from "../../_components/ui/badge";

const TONES = { create: "green", update: "amber", remove: "red" } as const;

function ChangeRow({ change }: { change: PlannedChange }) {
  const t = useTranslations("Config.plan");
  return (
    <li
      className="flex flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2 text-sm"
      data-testid="import-change"
      data-kind={change.kind}
      data-action={change.action}
      data-name={change.name}
    >
      <Badge tone={TONES[change.action]}>{t(`actions.${change.action}`)}</Badge>
      <span className="text-slate-500">{t(`kinds.${change.kind}`)}</span>
      <span className="min-w-0 break-all font-medium text-slate-900">{change.name}</span>
      {change.fields.length > 0 ? (
        <span className="flex flex-wrap gap-1">
          {change.fields.map((field) => (
            <code key={field} className="rounded bg-slate-100 px-1 py-0.5 text-xs text-slate-600">
              {field}
            </code>
          ))}
        </span>
      ) : null}
    </li>
  );
}

/** The dry run's diff: what applying the file would create, change and remove. */
export function ImportPlanView({ plan }: { plan: ImportPlan }) {
  const t = useTranslations("Config.plan");
  const count = (action: PlannedChange["action"]) => plan.changes.filter((change) => change.action === action).length;
  const kept = plan.kept.filter((entry) => entry.kind !== "apiKey");
  return (
    <div className="mt-4 space-y-3" data-testid="import-plan">
      <p className="text-sm font-medium text-slate-700" data-testid="import-summary">
        {plan.changes.length === 0
          ? t("nothing")
          : t("summary", { create: count("create"), update: count("update"), remove: count("remove") })}
      </p>
      {plan.changes.length > 0 ? (
        <ul className="max-h-96 divide-y divide-slate-100 overflow-y-auto rounded-md border border-slate-200">
          {plan.changes.map((change) => (
            <ChangeRow key={`${change.kind}:${change.action}:${change.name}`} change={change} />
          ))}
        </ul>
      ) : null}
      {kept.length > 0 ? (
        <details className="rounded-md bg-slate-50 p-3 text-sm text-slate-600" data-testid="import-kept">
          <summary className="cursor-pointer">{t("kept", { count: kept.length })}</summary>
          <p className="mt-2 text-xs text-slate-500">{t("keptHelp")}</p>
          <ul className="mt-2 space-y-1">
            {kept.map((entry) => (
              <li key={`${entry.kind}:${entry.name}`} className="break-all">
                <span className="text-slate-500">{t(`kinds.${entry.kind}`)}</span> {entry.name}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      {plan.skippedApiKeys.length > 0 ? (
        <div className="rounded-md bg-amber-50 p-3 text-sm text-amber-900" data-testid="import-skipped-keys">
          <p>{t("skippedKeys", { count: plan.skippedApiKeys.length })}</p>
          <p className="mt-1 break-all font-medium">{plan.skippedApiKeys.join(", ")}</p>
        </div>
      ) : null}
    </div>
  );
}
