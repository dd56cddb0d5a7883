"use client";

import { useFormatter, useTranslations } from "next-intl";
import type { ProviderTestResult } from "@/lib/server/provider-test";

/** The outcome of a Test: status, latency, and the upstream's (already redacted) text as plain text. */
export function TestResult({ result, onDismiss }: { result: ProviderTestResult; onDismiss: () => void }) {
  const t = useTranslations("Providers");
  const format = useFormatter();
  return (
    <div
      role="status"
      data-testid="test-result"
      data-ok={result.isOk ? "true" : "false"}
      className={`rounded-md border px-4 py-3 text-sm ${result.isOk ? "border-emerald-200 bg-emerald-50 text-emerald-900" : "border-red-200 bg-red-50 text-red-900"}`}
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="font-medium">
          {result.isOk ? t("testResult.ok") : t("testResult.failed")}
          {" · "}
          <span data-testid="test-status">
            {result.status === null ? t("testResult.noStatus") : t("testResult.status", { status: result.status })}
          </span>
          {" · "}
          <span data-testid="test-latency">{t("testResult.latency", { ms: format.number(result.latencyMs) })}</span>
        </p>
        <button type="button" className="text-xs font-medium underline-offset-2 hover:underline" onClick={onDismiss}>
          {t("testResult.dismiss")}
        </button>
      </div>
      {result.problem ? <p className="mt-1">{t(`testProblems.${result.problem}`)}</p> : null}
      {result.detail ? (
        <p
          className="mt-2 whitespace-pre-wrap rounded bg-white/70 px-2 py-1 font-mono text-xs [overflow-wrap:anywhere]"
          data-testid="test-detail"
        >
          {result.detail}
        </p>
      ) : null}
    </div>
  );
}
