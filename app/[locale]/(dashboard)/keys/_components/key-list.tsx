"use client";

import { useTranslations } from "next-intl";
import { useState, type ReactNode } from "react";
import { Badge } from "../../_components/ui/badge";
import { ConfirmButton } from "../../_components/ui/confirm-button";
import { useToast } from "../../_components/ui/toast";
import { useAction } from "../../_components/ui/use-action";
import { deleteApiKeyAction, setApiKeyEnabledAction } from "../actions";
import { KeyFormModal, type EditableKey, type GroupOption } from "./key-form-modal";

export interface SpendLabel {
  text: string;
  /** The budget is spent: the key is refused until the period turns. */
  isOver: boolean;
}

export interface KeyRowData extends EditableKey {
  /** `sk-AbCd…`: the stored prefix; the rest of the key exists nowhere. */
  mask: string;
  isEnabled: boolean;
  isExpired: boolean;
  groupNames: string[];
  lastUsedLabel: string;
  createdLabel: string;
  /** Full date and time, as a tooltip on the short labels. */
  expiresTitle?: string;
  createdTitle: string;
  /** `60 req/min`, `2 at once`…; empty: no rate limit. */
  limitLabels: string[];
  /** Spend against each budget (or this month's spend when there is none). */
  spendLabels: SpendLabel[];
}

/** A table cell on wide screens; on a phone the row stacks and each cell names itself. */
function Cell({ label, children, className = "" }: { label: string; children: ReactNode; className?: string }) {
  return (
    <td className={`block min-w-0 align-middle text-sm md:table-cell md:px-4 md:py-3 ${className}`}>
      <span className="block text-xs text-slate-500 md:hidden">{label}</span>
      {children}
    </td>
  );
}

function KeyRow({ row, groups }: { row: KeyRowData; groups: GroupOption[] }) {
  const t = useTranslations("ApiKeys");
  const toast = useToast();
  const { run, isPending } = useAction();
  const [isEditing, setIsEditing] = useState(false);

  const toggle = () =>
    void run(() => setApiKeyEnabledAction(row.id, !row.isEnabled), {
      onSuccess: () =>
        toast.success(row.isEnabled ? t("disabledToast", { name: row.name }) : t("enabledToast", { name: row.name })),
    });
  const revoke = async () => {
    await run(() => deleteApiKeyAction(row.id), { onSuccess: () => toast.success(t("revoked", { name: row.name })) });
  };

  const status = !row.isEnabled ? (
    <Badge tone="gray">{t("statusDisabled")}</Badge>
  ) : row.isExpired ? (
    <Badge tone="amber">{t("statusExpired")}</Badge>
  ) : (
    <Badge tone="green">{t("statusEnabled")}</Badge>
  );

  return (
    <tr
      className="grid grid-cols-2 gap-x-4 gap-y-3 px-4 py-4 md:table-row md:p-0"
      data-testid="key-row"
      data-key-name={row.name}
    >
      <Cell label={t("colKey")} className="col-span-2 md:col-span-1">
        <span className="block max-w-[16rem] truncate font-medium text-slate-900" title={row.name}>
          {row.name}
        </span>
        <code className="font-mono text-xs text-slate-500" data-testid="key-mask">
          {row.mask}
        </code>
      </Cell>
      <Cell label={t("colGroups")} className="col-span-2 md:col-span-1">
        <div className="flex max-w-[18rem] flex-wrap gap-1" data-testid="key-groups">
          {row.allGroups ? (
            <Badge tone="blue">{t("allGroupsShort")}</Badge>
          ) : row.groupNames.length === 0 ? (
            <Badge tone="amber">{t("noGroups")}</Badge>
          ) : (
            row.groupNames.map((name) => (
              <Badge key={name} tone="gray">
                <span className="whitespace-nowrap font-mono">{name}</span>
              </Badge>
            ))
          )}
        </div>
      </Cell>
      <Cell label={t("colStatus")}>
        <span data-testid="key-status">{status}</span>
      </Cell>
      <Cell label={t("colExpires")}>
        <span title={row.expiresTitle}>{row.expiresLabel}</span>
      </Cell>
      <Cell label={t("colLimits")}>
        <div className="space-y-0.5 whitespace-nowrap text-xs" data-testid="key-limits">
          <div className="text-slate-700">
            {row.limitLabels.length > 0 ? row.limitLabels.join(" · ") : t("noLimits")}
          </div>
          {row.spendLabels.map((label) => (
            <div
              key={label.text}
              className={label.isOver ? "font-medium text-red-600" : "text-slate-500"}
              data-testid="key-spend"
              data-over={label.isOver ? "true" : undefined}
            >
              {label.text}
            </div>
          ))}
        </div>
      </Cell>
      <Cell label={t("colLastUsed")}>{row.lastUsedLabel}</Cell>
      <Cell label={t("colCreated")}>
        <span title={row.createdTitle}>{row.createdLabel}</span>
      </Cell>
      <td className="col-span-2 block md:table-cell md:px-4 md:py-3">
        <div className="flex flex-wrap items-center gap-4 md:flex-nowrap md:justify-end">
          <button
            type="button"
            className="whitespace-nowrap text-sm font-medium text-indigo-600 hover:text-indigo-500 disabled:opacity-60"
            onClick={toggle}
            disabled={isPending}
            data-testid="key-toggle"
          >
            {row.isEnabled ? t("disable") : t("enable")}
          </button>
          <button
            type="button"
            className="whitespace-nowrap text-sm font-medium text-indigo-600 hover:text-indigo-500"
            onClick={() => setIsEditing(true)}
            data-testid="key-edit"
          >
            {t("edit")}
          </button>
          <ConfirmButton
            label={t("revoke")}
            title={t("revokeTitle", { name: row.name })}
            question={t("revokeQuestion")}
            confirmLabel={t("revokeConfirm")}
            onConfirm={revoke}
            className="whitespace-nowrap text-sm font-medium text-red-600 hover:text-red-500"
            testId="key-revoke"
          />
        </div>
        {isEditing ? <KeyFormModal groups={groups} apiKey={row} onClose={() => setIsEditing(false)} /> : null}
      </td>
    </tr>
  );
}

export function KeyList({ rows, groups }: { rows: KeyRowData[]; groups: GroupOption[] }) {
  const t = useTranslations("ApiKeys");
  const headers = [
    t("colKey"),
    t("colGroups"),
    t("colStatus"),
    t("colExpires"),
    t("colLimits"),
    t("colLastUsed"),
    t("colCreated"),
  ];
  return (
    <div className="overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className="block w-full md:table" data-testid="key-list">
        <thead className="hidden border-b border-slate-200 bg-slate-50 md:table-header-group">
          <tr>
            {headers.map((header) => (
              <th
                key={header}
                scope="col"
                className="px-4 py-2 text-left text-xs font-medium uppercase tracking-wide text-slate-500"
              >
                {header}
              </th>
            ))}
            <th scope="col" className="px-4 py-2">
              <span className="sr-only">{t("colActions")}</span>
            </th>
          </tr>
        </thead>
        <tbody className="block divide-y divide-slate-100 md:table-row-group">
          {rows.map((row) => (
            <KeyRow key={row.id} row={row} groups={groups} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
