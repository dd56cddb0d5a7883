import { getFormatter, getTranslations } from "next-intl/server";
import type { AttemptRecord } from "@/lib/gateway/types";
import { inertLine } from "@/lib/inert-text";
import { formatCost } from "../../_overview/overview-view";
import { attemptOutcomeTone } from "../../_components/attempt-outcome-tone";
import { Badge } from "../../_components/ui/badge";

const REASON_CHARS = 500;

/** The providers tried for one request, in order, with why each failed or was skipped. */
export async function AttemptChain({ attempts }: { attempts: AttemptRecord[] }) {
  const t = await getTranslations("Logs.detail");
  const format = await getFormatter();
  if (attempts.length === 0) return <p className="mt-2 text-sm text-slate-500">{t("attemptsEmpty")}</p>;
  return (
    <ol className="mt-3 space-y-2" data-testid="attempt-chain">
      {attempts.map((attempt, index) => (
        <li
          key={index}
          className="flex flex-wrap items-start gap-x-4 gap-y-1 rounded-md border border-slate-200 px-3 py-2 text-sm"
          data-testid="attempt"
          data-outcome={attempt.outcome}
        >
          <span className="w-6 shrink-0 font-mono text-xs leading-5 text-slate-400">{index + 1}.</span>
          <span
            className="min-w-[8rem] max-w-full truncate font-medium text-slate-900"
            title={attempt.providerName}
            data-testid="attempt-provider"
          >
            {inertLine(attempt.providerName, 200)}
          </span>
          <Badge tone={attemptOutcomeTone[attempt.outcome]}>{t(`outcome.${attempt.outcome}`)}</Badge>
          <span className="tabular-nums text-slate-600" data-testid="attempt-status">
            {attempt.status === null ? t("noResponse") : attempt.status}
          </span>
          <span className="tabular-nums text-slate-500">
            {format.number(attempt.latencyMs, {
              style: "unit",
              unit: "millisecond",
              unitDisplay: "short",
              maximumFractionDigits: 0,
            })}
          </span>
          {attempt.cost === undefined ? null : (
            <span className="tabular-nums text-slate-500" data-testid="attempt-cost">
              {formatCost(format, attempt.cost)}
            </span>
          )}
          {attempt.reason ? (
            <span
              className="min-w-0 basis-full break-words pl-10 text-slate-600 sm:basis-auto sm:flex-1 sm:pl-0"
              data-testid="attempt-reason"
            >
              {inertLine(attempt.reason, REASON_CHARS)}
            </span>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
