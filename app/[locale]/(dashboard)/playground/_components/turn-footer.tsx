"use client";

import { useFormatter, useTranslations } from "next-intl";
import { Link } from "@/app/_framework/i18n/navigation";
import { inertLine } from "@/lib/inert-text";
import type { TurnMetadata } from "@/lib/playground/turn-metadata";
import { AttemptList } from "./attempt-list";
import { formatCost, formatDuration } from "./format-turn";

/** Under an answer: who served it, tokens, cost, timing, and the attempts when it failed over. */
export function TurnFooter({ turn }: { turn: TurnMetadata }) {
  const t = useTranslations("Playground.turn");
  const format = useFormatter();
  const tried = turn.attempts.length;
  return (
    <div className="mt-1.5 text-xs text-slate-500" data-testid="turn-footer" data-request-id={turn.requestId}>
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <span className="font-medium text-slate-700" data-testid="turn-provider">
          {turn.providerName === null ? t("noProvider") : inertLine(turn.providerName, 120)}
        </span>
        <span className="tabular-nums" data-testid="turn-tokens">
          {t("tokens", { input: turn.promptTokens, output: turn.completionTokens })}
          {turn.cachedTokens > 0 ? ` · ${t("cached", { cached: turn.cachedTokens })}` : null}
          {turn.isUsageEstimated ? ` · ${t("estimated")}` : null}
        </span>
        <span className="tabular-nums" data-testid="turn-cost">
          {formatCost(format, turn.cost)}
        </span>
        <span className="tabular-nums" data-testid="turn-latency">
          {t("latency", { value: formatDuration(format, turn.latencyMs) })}
        </span>
        {turn.ttftMs !== null ? (
          <span className="tabular-nums" data-testid="turn-ttft">
            {t("ttft", { value: formatDuration(format, turn.ttftMs) })}
          </span>
        ) : null}
        <Link
          href={`/logs/${encodeURIComponent(turn.requestId)}`}
          className="text-indigo-600 hover:underline"
          data-testid="turn-log-link"
        >
          {t("viewLog")}
        </Link>
      </div>
      {tried > 1 ? (
        <details className="mt-1.5 rounded-md bg-amber-50/60 px-2.5 py-1.5" data-testid="turn-attempts">
          <summary className="cursor-pointer select-none font-medium text-amber-800">
            {t("attemptsSummary", { count: tried })}
          </summary>
          <AttemptList attempts={turn.attempts} />
        </details>
      ) : null}
    </div>
  );
}
