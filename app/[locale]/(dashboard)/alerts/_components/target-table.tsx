"use client";

import { useFormatter, useTranslations } from "next-intl";
import { useState, useTransition } from "react";
import type { AlertTargetView } from "@/db/queries/alerts";
import type { DeliveryResult } from "@/lib/alerts/dispatcher";
import { Badge } from "../../_components/ui/badge";
import { ConfirmButton } from "../../_components/ui/confirm-button";
import { useToast } from "../../_components/ui/toast";
import { deleteAlertTargetAction, testAlertTargetAction } from "../actions";
import { TargetForm } from "./target-form";

function TestButton({ target }: { target: AlertTargetView }) {
  const t = useTranslations("Alerts");
  const errorsT = useTranslations("Errors");
  const format = useFormatter();
  const [result, setResult] = useState<DeliveryResult | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [isPending, startTransition] = useTransition();
  const onTest = () =>
    startTransition(async () => {
      setResult(null);
      setFailure(null);
      const outcome = await testAlertTargetAction({ id: target.id });
      if (outcome.ok && outcome.data) setResult(outcome.data);
      else
        setFailure(
          errorsT(
            !outcome.ok && outcome.formError && errorsT.has(outcome.formError) ? outcome.formError : "unexpected",
          ),
        );
    });
  const latency = result ? format.number(result.latencyMs) : "";
  return (
    <div className="flex flex-col items-start gap-1">
      <button
        type="button"
        className="btn-secondary"
        onClick={onTest}
        disabled={isPending}
        data-testid={`test-target-${target.id}`}
      >
        {isPending ? t("testing") : t("test")}
      </button>
      <span className="text-xs" data-testid={`test-result-${target.id}`} role="status">
        {result?.ok ? (
          <span className="text-emerald-700">{t("testOk", { status: result.status, latency })}</span>
        ) : result ? (
          <span className="text-red-600">
            {t(`deliveryErrors.${result.error}`, { status: result.status ?? 0, latency })}
          </span>
        ) : failure ? (
          <span className="text-red-600">{failure}</span>
        ) : null}
      </span>
    </div>
  );
}

export function TargetTable({ targets }: { targets: AlertTargetView[] }) {
  const t = useTranslations("Alerts");
  const toast = useToast();
  const errorsT = useTranslations("Errors");
  const [editing, setEditing] = useState<AlertTargetView | null>(null);
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="target-table">
        <thead className="bg-slate-50 text-left text-xs font-medium uppercase text-slate-500">
          <tr>
            <th className="px-4 py-3">{t("name")}</th>
            <th className="px-4 py-3">{t("kind")}</th>
            <th className="px-4 py-3">{t("url")}</th>
            <th className="px-4 py-3">{t("events")}</th>
            <th className="px-4 py-3">{t("test")}</th>
            <th className="px-4 py-3" />
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {targets.map((target) => (
            <tr key={target.id} data-testid={`target-row-${target.id}`}>
              <td className="px-4 py-3 font-medium text-slate-900">
                {target.name} {target.isEnabled ? null : <Badge tone="gray">{t("disabled")}</Badge>}
                {target.hasSecret ? <Badge tone="blue">{t("signed")}</Badge> : null}
              </td>
              <td className="px-4 py-3">{t(`kinds.${target.kind}`)}</td>
              <td className="max-w-xs truncate px-4 py-3 font-mono text-xs" title={target.url}>
                {target.url}
              </td>
              <td className="px-4 py-3 text-xs">
                {target.events
                  .filter((event) => event !== "test")
                  .map((event) => t(`eventNames.${event as "breaker_opened"}`))
                  .join(", ")}
              </td>
              <td className="px-4 py-3">
                <TestButton target={target} />
              </td>
              <td className="space-x-3 whitespace-nowrap px-4 py-3 text-right">
                <button
                  type="button"
                  className="text-sm font-medium text-indigo-600"
                  onClick={() => setEditing(target)}
                  data-testid={`edit-target-${target.id}`}
                >
                  {t("edit")}
                </button>
                <ConfirmButton
                  label={t("delete")}
                  title={t("deleteTitle")}
                  question={t("deleteQuestion", { name: target.name })}
                  confirmLabel={t("delete")}
                  testId={`delete-target-${target.id}`}
                  onConfirm={async () => {
                    const result = await deleteAlertTargetAction({ id: target.id });
                    if (result.ok) toast.success(t("deleted"));
                    else
                      toast.error(
                        errorsT(result.formError && errorsT.has(result.formError) ? result.formError : "unexpected"),
                      );
                  }}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {editing ? <TargetForm editing={editing} onClose={() => setEditing(null)} /> : null}
    </div>
  );
}
