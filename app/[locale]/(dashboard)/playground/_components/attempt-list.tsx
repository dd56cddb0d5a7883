"use client";

import { useFormatter, useTranslations } from "next-intl";
import { inertLine } from "@/lib/inert-text";
import type { TurnAttempt } from "@/lib/playground/turn-metadata";
import { attemptOutcomeTone } from "../../_components/attempt-outcome-tone";
import { Badge } from "../../_components/ui/badge";
import { formatDuration } from "./format-turn";

/** The providers one turn went through, in order, with why each failed or was skipped. */
export function AttemptList({ attempts }: { attempts: readonly TurnAttempt[] }) {
  const t = useTranslations("Playground.attempts");
  const format = useFormatter();
  return (
    <ol className="mt-2 space-y-1.5">
      {attempts.map((attempt, index) => (
        <li
          key={index}
          className="flex flex-wrap items-center gap-x-3 gap-y-1 rounded-md border border-slate-200 bg-white px-2.5 py-1.5 text-xs"
          data-testid="turn-attempt"
          data-outcome={attempt.outcome}
        >
          <span className="font-mono text-slate-400">{index + 1}.</span>
          <span className="max-w-[14rem] truncate font-medium text-slate-800" title={attempt.providerName}>
            {inertLine(attempt.providerName, 120)}
          </span>
          <Badge tone={attemptOutcomeTone[attempt.outcome]}>{t(`outcome.${attempt.outcome}`)}</Badge>
          <span className="tabular-nums text-slate-600">
            {attempt.status === null ? t("noResponse") : attempt.status}
          </span>
          <span className="tabular-nums text-slate-500">{formatDuration(format, attempt.latencyMs)}</span>
          {attempt.reason ? (
            <span className="min-w-0 basis-full break-words text-slate-500 sm:basis-auto">
              {inertLine(attempt.reason, 300)}
            </span>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
