"use client";

import { useTranslations } from "next-intl";
import { useTransition } from "react";
import { ROLES, type Role } from "@/lib/roles";
import { Badge } from "../../_components/ui/badge";
import { ConfirmButton } from "../../_components/ui/confirm-button";
import { useToast } from "../../_components/ui/toast";
import { removeUserAction, setUserRoleAction } from "../actions";

/** One user as the page shows it; the last sign-in arrives formatted for the locale. */
export interface UserRow {
  id: number;
  name: string;
  email: string | null;
  role: Role;
  provider: "local" | "oidc" | "github";
  isYou: boolean;
  lastLogin: string | null;
}

function useReport() {
  const errorsT = useTranslations("Errors");
  const toast = useToast();
  return (result: { ok: boolean; formError?: string }, success: string) => {
    if (result.ok) toast.success(success);
    else toast.error(errorsT(result.formError && errorsT.has(result.formError) ? result.formError : "unexpected"));
  };
}

function UserActions({ row }: { row: UserRow }) {
  const t = useTranslations("Users");
  const report = useReport();
  const [isPending, startTransition] = useTransition();
  if (row.isYou) return <span className="text-sm text-slate-400">{t("you")}</span>;
  return (
    <div className="flex flex-wrap items-center justify-end gap-x-4 gap-y-2">
      <label className="sr-only" htmlFor={`role-${row.id}`}>
        {t("role")}
      </label>
      <select
        id={`role-${row.id}`}
        className="rounded-md border border-slate-300 py-1 text-sm"
        value={row.role}
        disabled={isPending}
        data-testid="user-role-select"
        onChange={(event) => {
          const role = event.target.value as Role;
          startTransition(async () => report(await setUserRoleAction({ id: row.id, role }), t("roleChanged")));
        }}
      >
        {ROLES.map((option) => (
          <option key={option} value={option}>
            {t(`roles.${option}`)}
          </option>
        ))}
      </select>
      <ConfirmButton
        label={t("remove")}
        title={t("removeTitle")}
        question={t("removeQuestion", { name: row.name })}
        confirmLabel={t("remove")}
        testId="user-remove"
        onConfirm={async () => report(await removeUserAction({ id: row.id }), t("removed"))}
      />
    </div>
  );
}

export function UserTable({ rows }: { rows: UserRow[] }) {
  const t = useTranslations("Users");
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="user-table">
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
          <tr>
            <th className="px-4 py-3">{t("name")}</th>
            <th className="px-4 py-3">{t("role")}</th>
            <th className="px-4 py-3">{t("signInWith")}</th>
            <th className="px-4 py-3">{t("lastLogin")}</th>
            <th className="px-4 py-3 text-right">{t("actions")}</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((row) => (
            <tr key={row.id} data-testid="user-row" data-user={row.name}>
              <td className="px-4 py-3">
                <div className="font-medium text-slate-900">{row.name}</div>
                {row.email ? <div className="text-xs text-slate-500">{row.email}</div> : null}
              </td>
              <td className="px-4 py-3">
                <Badge tone={row.role === "viewer" ? "gray" : row.role === "owner" ? "blue" : "green"}>
                  {t(`roles.${row.role}`)}
                </Badge>
              </td>
              <td className="px-4 py-3 text-slate-600">{t(`providers.${row.provider}`)}</td>
              <td className="px-4 py-3 text-slate-600">{row.lastLogin ?? t("never")}</td>
              <td className="px-4 py-3">
                <UserActions row={row} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
