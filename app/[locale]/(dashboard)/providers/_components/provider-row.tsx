"use client";

import { useFormatter, useTranslations } from "next-intl";
import { useOptimistic, useState, useTransition } from "react";
import { Badge } from "../../_components/ui/badge";
import { ConfirmButton } from "../../_components/ui/confirm-button";
import { useToast } from "../../_components/ui/toast";
import type { ProviderTestResult } from "@/lib/server/provider-test";
import { deleteProviderAction, setProviderEnabledAction, testProviderAction } from "../actions";
import { ProviderDialog } from "./provider-dialog";
import type { EndpointOption, ProviderItem, TimeoutDefaults } from "./provider-types";
import { TestResult } from "./test-result";

export const ROW_COLUMNS =
  "md:grid md:grid-cols-[minmax(0,2fr)_minmax(0,1.3fr)_minmax(0,1fr)_minmax(0,1.2fr)_11rem] md:items-start md:gap-4";

function MobileLabel({ children }: { children: string }) {
  return <span className="mr-2 text-xs text-slate-500 md:hidden">{children}</span>;
}

export function ProviderRow({
  provider,
  endpoints,
  defaults,
}: {
  provider: ProviderItem;
  endpoints: EndpointOption[];
  defaults: TimeoutDefaults;
}) {
  const t = useTranslations("Providers");
  const errors = useTranslations("Errors");
  const limitText = useTranslations("Limits");
  const format = useFormatter();
  const toast = useToast();
  const [isEditing, setIsEditing] = useState(false);
  const [testResult, setTestResult] = useState<ProviderTestResult | null>(null);
  const [isTesting, startTest] = useTransition();
  const [, startToggle] = useTransition();
  const [isEnabled, setOptimisticEnabled] = useOptimistic(provider.isEnabled);

  const showError = (key: string | undefined) =>
    toast.error(key && errors.has(key) ? errors(key) : errors("unexpected"));

  const onToggle = () =>
    startToggle(async () => {
      const next = !isEnabled;
      setOptimisticEnabled(next);
      const result = await setProviderEnabledAction(provider.id, next);
      if (result.ok) toast.success(t(next ? "enabledToast" : "disabledToast", { name: provider.name }));
      else showError(result.formError);
    });

  const onTest = () =>
    startTest(async () => {
      setTestResult(null);
      const result = await testProviderAction(provider.id);
      if (result.ok && result.data) setTestResult(result.data);
      else if (!result.ok) showError(result.formError);
    });

  const onDelete = async () => {
    const result = await deleteProviderAction(provider.id);
    if (result.ok) toast.success(t("deleted", { name: provider.name }));
    else showError(result.formError);
  };

  const rate = provider.calls24h > 0 ? provider.successes24h / provider.calls24h : null;
  const price = (value: number) => format.number(value, { maximumFractionDigits: 6 });

  return (
    <li
      className={`space-y-3 px-5 py-4 md:space-y-0 ${ROW_COLUMNS}`}
      data-testid="provider-row"
      data-name={provider.name}
    >
      <div className="min-w-0">
        <div className="font-medium text-slate-900 [overflow-wrap:anywhere]">{provider.name}</div>
        <div className="mt-0.5 font-mono text-xs text-slate-600 [overflow-wrap:anywhere]" data-testid="upstream-model">
          {provider.upstreamModel}
        </div>
        <div className="mt-0.5 text-xs text-slate-500 [overflow-wrap:anywhere]">
          {t("viaEndpoint", { endpoint: provider.credentialName })}
        </div>
        <div className="mt-1 flex flex-wrap gap-1" data-testid="provider-kinds">
          {provider.servedKinds.map((kind) => (
            <span key={kind} className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600">
              {t(`kinds.${kind}`)}
            </span>
          ))}
          {provider.kinds.length === 0 ? <span className="text-xs text-slate-400">{t("kindsGuessed")}</span> : null}
        </div>
        {provider.limits.rpm !== null || provider.limits.tpm !== null ? (
          <div className="mt-1 text-xs text-slate-600" data-testid="provider-limits">
            {[
              ...(provider.limits.rpm === null ? [] : [limitText("rpmShort", { count: provider.limits.rpm })]),
              ...(provider.limits.tpm === null ? [] : [limitText("tpmShort", { count: provider.limits.tpm })]),
            ].join(" · ")}
          </div>
        ) : null}
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <button
          type="button"
          role="switch"
          aria-checked={isEnabled}
          aria-label={t("enabledLabel", { name: provider.name })}
          onClick={onToggle}
          data-testid="toggle-enabled"
          className={`relative inline-flex h-6 w-11 shrink-0 items-center rounded-full transition-colors ${isEnabled ? "bg-emerald-500" : "bg-slate-300"}`}
        >
          <span
            className={`inline-block h-5 w-5 rounded-full bg-white shadow transition-transform ${isEnabled ? "translate-x-5" : "translate-x-0.5"}`}
          />
        </button>
        <span className="text-sm text-slate-700" data-testid="enabled-state">
          {isEnabled ? t("enabled") : t("disabled")}
        </span>
        <BreakerBadge breaker={provider.breaker} />
      </div>
      <div className="text-sm text-slate-700" data-testid="stats-24h">
        <MobileLabel>{t("columns.last24h")}</MobileLabel>
        {t("calls", { count: provider.calls24h })}
        <span className="text-slate-500">
          {" · "}
          {rate === null
            ? t("noRate")
            : t("successRate", { rate: format.number(rate, { style: "percent", maximumFractionDigits: 1 }) })}
        </span>
        <div className="text-xs text-slate-500 tabular-nums" data-testid="live-stats">
          {provider.live.ttftP50Ms === null || provider.live.ttftP95Ms === null
            ? t("live.noSamples", { inFlight: provider.live.inFlight })
            : t("live.line", {
                p50: format.number(Math.round(provider.live.ttftP50Ms)),
                p95: format.number(Math.round(provider.live.ttftP95Ms)),
                inFlight: provider.live.inFlight,
              })}
        </div>
      </div>
      <div className="text-sm text-slate-700">
        <MobileLabel>{t("columns.prices")}</MobileLabel>
        <span className="tabular-nums">
          {t("priceLine", {
            input: price(provider.priceInput),
            output: price(provider.priceOutput),
            cached: price(provider.priceCached),
          })}
        </span>
        {provider.priceUnit !== "none" ? (
          <div className="text-xs text-slate-500 tabular-nums" data-testid="unit-price">
            {t(`unitPrice.${provider.priceUnit}`, { price: price(provider.pricePerUnit) })}
          </div>
        ) : null}
      </div>
      <div className="flex flex-wrap items-center gap-4 md:justify-end">
        <button
          type="button"
          className="btn-secondary px-3 py-1.5"
          onClick={onTest}
          disabled={isTesting}
          data-testid="test-provider"
        >
          {isTesting ? t("testing") : t("test")}
        </button>
        <button
          type="button"
          className="text-sm font-medium text-indigo-600 hover:text-indigo-500"
          onClick={() => setIsEditing(true)}
          data-testid="edit-provider"
        >
          {t("edit")}
        </button>
        <ConfirmButton
          label={t("delete")}
          title={t("deleteTitle")}
          question={t("deleteQuestion", { name: provider.name })}
          confirmLabel={t("delete")}
          onConfirm={onDelete}
          testId="delete-provider"
        />
      </div>
      {testResult ? (
        <div className="md:col-span-full md:pt-3">
          <TestResult result={testResult} onDismiss={() => setTestResult(null)} />
        </div>
      ) : null}
      {isEditing ? (
        <ProviderDialog
          provider={provider}
          endpoints={endpoints}
          defaults={defaults}
          onClose={() => setIsEditing(false)}
        />
      ) : null}
    </li>
  );
}

function BreakerBadge({ breaker }: { breaker: ProviderItem["breaker"] }) {
  const t = useTranslations("Providers");
  const format = useFormatter();
  // Why it opened and when it reopens, read from the breaker of this process.
  const details = [
    breaker.reason ? t(`breaker.reason.${breaker.reason}`) : null,
    breaker.reopensAt !== null
      ? t("breaker.reopensAt", { time: format.dateTime(breaker.reopensAt, { timeStyle: "medium" }) })
      : null,
    breaker.lastFailure ? t("breaker.lastFailure", { reason: breaker.lastFailure }) : null,
  ].filter((line): line is string => line !== null);
  if (breaker.state === "open") {
    return (
      <span
        data-testid="breaker"
        data-state="open"
        data-reason={breaker.reason ?? undefined}
        title={details.join("\n")}
        // The reopening time is formatted in the viewer's time zone, which the server cannot know.
        suppressHydrationWarning
      >
        <Badge tone="red">{t("breaker.open", { seconds: format.number(breaker.secondsLeft ?? 0) })}</Badge>
        <span className="ml-1 text-xs text-slate-500" data-testid="breaker-reason" suppressHydrationWarning>
          {details.slice(0, 2).join(" · ")}
        </span>
      </span>
    );
  }
  if (breaker.state === "half_open") {
    return (
      <span
        data-testid="breaker"
        data-state="half_open"
        data-reason={breaker.reason ?? undefined}
        title={details.join("\n")}
        // The reopening time is formatted in the viewer's time zone, which the server cannot know.
        suppressHydrationWarning
      >
        <Badge tone="amber">{t("breaker.halfOpen")}</Badge>
      </span>
    );
  }
  return (
    <span
      data-testid="breaker"
      data-state="closed"
      title={breaker.recentFailures > 0 ? t("breaker.recentFailures", { count: breaker.recentFailures }) : undefined}
    >
      <Badge tone={breaker.recentFailures > 0 ? "amber" : "green"}>{t("breaker.closed")}</Badge>
    </span>
  );
}
