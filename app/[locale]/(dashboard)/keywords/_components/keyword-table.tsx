"use client";

import { useTranslations } from "next-intl";
import { useState, useTransition } from "react";
import { Badge } from "../../_components/ui/badge";
import { ConfirmButton } from "../../_components/ui/confirm-button";
import { useToast } from "../../_components/ui/toast";
import { deleteKeywordAction, setKeywordEnabledAction } from "../actions";
import { KeywordForm } from "./keyword-form";

/** One keyword as the page shows it; counts and times arrive formatted for the locale. */
export interface KeywordRow {
  id: number;
  keyword: string;
  isEnabled: boolean;
  hits: string;
  lastHit: { iso: string; label: string; title: string } | null;
}

function useKeywordActions() {
  const t = useTranslations("Keywords");
  const errorsT = useTranslations("Errors");
  const toast = useToast();
  const [isPending, startTransition] = useTransition();
  const report = (result: { ok: boolean; formError?: string }, success: string) => {
    if (result.ok) toast.success(success);
    else toast.error(errorsT(result.formError && errorsT.has(result.formError) ? result.formError : "unexpected"));
  };
  return {
    isPending,
    toggle: (row: KeywordRow) =>
      startTransition(async () => {
        const result = await setKeywordEnabledAction({ id: row.id, isEnabled: !row.isEnabled });
        report(result, row.isEnabled ? t("disabled") : t("enabled"));
      }),
    remove: async (row: KeywordRow) => report(await deleteKeywordAction({ id: row.id }), t("deleted")),
  };
}

function RowActions({ row, onEdit }: { row: KeywordRow; onEdit: () => void }) {
  const t = useTranslations("Keywords");
  const actions = useKeywordActions();
  return (
    <div className="flex flex-wrap items-center justify-end gap-x-4 gap-y-2">
      <button
        type="button"
        className="text-sm font-medium text-indigo-600 hover:text-indigo-500"
        onClick={onEdit}
        data-testid="keyword-edit"
      >
        {t("edit")}
      </button>
      <button
        type="button"
        className="text-sm font-medium text-slate-600 hover:text-slate-900 disabled:opacity-60"
        disabled={actions.isPending}
        onClick={() => actions.toggle(row)}
        data-testid="keyword-toggle"
      >
        {row.isEnabled ? t("disable") : t("enable")}
      </button>
      <ConfirmButton
        label={t("delete")}
        title={t("deleteTitle")}
        question={t("deleteQuestion", { keyword: row.keyword })}
        confirmLabel={t("delete")}
        onConfirm={() => actions.remove(row)}
        testId="keyword-delete"
      />
    </div>
  );
}

function StatusBadge({ isEnabled }: { isEnabled: boolean }) {
  const t = useTranslations("Keywords");
  return isEnabled ? (
    <Badge tone="green">{t("statusEnabled")}</Badge>
  ) : (
    <Badge tone="gray">{t("statusDisabled")}</Badge>
  );
}

function LastHit({ value }: { value: KeywordRow["lastHit"] }) {
  const t = useTranslations("Keywords");
  if (!value) return <span className="text-slate-400">{t("never")}</span>;
  return (
    <time dateTime={value.iso} title={value.title}>
      {value.label}
    </time>
  );
}

export function KeywordTable({ rows }: { rows: KeywordRow[] }) {
  const t = useTranslations("Keywords");
  const [editing, setEditing] = useState<KeywordRow | null>(null);
  return (
    <>
      <div className="card hidden p-0 md:block">
        <table className="w-full table-fixed text-sm" data-testid="keyword-table">
          <thead className="border-b border-slate-200 text-left text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th className="w-[34%] px-5 py-3 font-medium">{t("keyword")}</th>
              <th className="px-3 py-3 font-medium">{t("status")}</th>
              <th className="px-3 py-3 text-right font-medium">{t("hits")}</th>
              <th className="w-52 px-3 py-3 font-medium">{t("lastHit")}</th>
              <th className="w-56 px-5 py-3">
                <span className="sr-only">{t("actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((row) => (
              <tr
                key={row.id}
                className={row.isEnabled ? "" : "text-slate-400"}
                data-testid="keyword-row"
                data-keyword={row.keyword}
              >
                <td className="px-5 py-3">
                  <code className="block truncate font-mono text-slate-900" title={row.keyword}>
                    {row.keyword}
                  </code>
                </td>
                <td className="px-3 py-3">
                  <StatusBadge isEnabled={row.isEnabled} />
                </td>
                <td className="px-3 py-3 text-right tabular-nums" data-testid="keyword-hits">
                  {row.hits}
                </td>
                <td className="whitespace-nowrap px-3 py-3 text-slate-600" data-testid="keyword-last-hit">
                  <LastHit value={row.lastHit} />
                </td>
                <td className="px-5 py-3">
                  <RowActions row={row} onEdit={() => setEditing(row)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <ul className="space-y-3 md:hidden" data-testid="keyword-cards">
        {rows.map((row) => (
          <li key={row.id} className="card space-y-3" data-testid="keyword-card" data-keyword={row.keyword}>
            <div className="flex items-start justify-between gap-3">
              <code className="min-w-0 break-all font-mono text-sm text-slate-900">{row.keyword}</code>
              <StatusBadge isEnabled={row.isEnabled} />
            </div>
            <dl className="grid grid-cols-2 gap-2 text-sm">
              <div>
                <dt className="text-xs text-slate-500">{t("hits")}</dt>
                <dd className="tabular-nums">{row.hits}</dd>
              </div>
              <div>
                <dt className="text-xs text-slate-500">{t("lastHit")}</dt>
                <dd>
                  <LastHit value={row.lastHit} />
                </dd>
              </div>
            </dl>
            <RowActions row={row} onEdit={() => setEditing(row)} />
          </li>
        ))}
      </ul>

      {editing ? (
        <KeywordForm editing={{ id: editing.id, keyword: editing.keyword }} onClose={() => setEditing(null)} />
      ) : null}
    </>
  );
}
