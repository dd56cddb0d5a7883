"use client";

import { useFormatter, useTranslations } from "next-intl";
import { Link } from "@/app/_framework/i18n/navigation";
import type { ImportSummary } from "../import-types";

function NameList({ title, names, testId, tone }: { title: string; names: string[]; testId: string; tone: string }) {
  return (
    <details
      className="rounded-md border border-slate-200 p-3"
      open={names.length > 0 && names.length <= 20}
      data-testid={testId}
      data-count={names.length}
    >
      <summary className="cursor-pointer text-sm font-medium text-slate-800">
        <span className={`mr-2 inline-block min-w-8 rounded-full px-2 text-center text-xs font-semibold ${tone}`}>
          {names.length}
        </span>
        {title}
      </summary>
      {names.length > 0 ? (
        <ul className="mt-2 max-h-60 space-y-0.5 overflow-y-auto font-mono text-xs text-slate-700">
          {names.map((name) => (
            <li key={name} className="[overflow-wrap:anywhere]">
              {name}
            </li>
          ))}
        </ul>
      ) : null}
    </details>
  );
}

/** Step 3: what the import did, and where to go next. */
export function ResultSummary({ summary, onAgain }: { summary: ImportSummary; onAgain: () => void }) {
  const t = useTranslations("Import.result");
  const format = useFormatter();
  const list = (names: string[]) => format.list(names, { type: "conjunction" });
  return (
    <section className="card space-y-5" data-testid="import-result">
      <div>
        <h2 className="text-base font-semibold text-slate-900">{t("title")}</h2>
        <p className="mt-1 text-sm text-slate-600" data-testid="result-endpoint">
          {summary.isCredentialCreated
            ? t("endpointCreated", { name: summary.credentialName })
            : t("endpointReused", { name: summary.credentialName })}
        </p>
        <p className="mt-1 text-sm text-slate-600" data-testid="result-groups">
          {summary.groupNames.length > 0 ? t("groups", { names: list(summary.groupNames) }) : t("noGroups")}
          {summary.createdGroups.length > 0 ? ` ${t("groupsCreated", { names: list(summary.createdGroups) })}` : ""}
        </p>
      </div>
      <div className="grid gap-3 md:grid-cols-3">
        <NameList
          title={t("created")}
          names={summary.created}
          testId="result-created"
          tone="bg-emerald-100 text-emerald-800"
        />
        <NameList
          title={t("updated")}
          names={summary.updated}
          testId="result-updated"
          tone="bg-amber-100 text-amber-800"
        />
        <NameList
          title={t("skipped")}
          names={summary.skipped}
          testId="result-skipped"
          tone="bg-slate-100 text-slate-700"
        />
      </div>
      <div className="flex flex-wrap justify-end gap-3">
        <button type="button" className="btn-secondary" onClick={onAgain} data-testid="import-again">
          {t("again")}
        </button>
        {summary.groupNames.length > 0 ? (
          <Link href="/groups" className="btn-secondary">
            {t("toGroups")}
          </Link>
        ) : null}
        <Link href="/providers" className="btn-primary" data-testid="to-providers">
          {t("toProviders")}
        </Link>
      </div>
    </section>
  );
}
