"use client";

import { useTranslations } from "next-intl";
import { Fragment } from "react";
import { Link } from "@/app/_framework/i18n/navigation";
import { Badge } from "../../_components/ui/badge";
import { StatusBadge } from "./status-badge";

/** One list row, every value already formatted and made inert (lib/inert-text.ts). */
export interface LogRowView {
  requestId: string;
  timeIso: string;
  time: string;
  status: number;
  isStream: boolean;
  isIncomplete: boolean;
  isUsageEstimated: boolean;
  group: string | null;
  provider: string | null;
  key: string | null;
  latency: string;
  tokens: string;
  cost: string;
  /** Cut to one short line. */
  error: string | null;
  attempts: number;
}

type Translator = ReturnType<typeof useTranslations<"Logs.table">>;

function Muted({ value }: { value: string | null }) {
  return value === null ? <span className="text-slate-300">—</span> : <>{value}</>;
}

function Flags({ row, t }: { row: LogRowView; t: Translator }) {
  return (
    <span className="inline-flex items-center gap-1">
      <StatusBadge status={row.status} />
      {row.isStream ? <Badge tone="blue">{t("stream")}</Badge> : null}
      {row.isIncomplete ? <Badge tone="amber">{t("incomplete")}</Badge> : null}
    </span>
  );
}

function Tries({ row, t }: { row: LogRowView; t: Translator }) {
  if (row.attempts < 2) return null;
  return (
    <span
      className="ml-1 rounded bg-slate-100 px-1 text-[11px] font-medium text-slate-500"
      title={t("attempts", { count: row.attempts })}
    >
      ×{row.attempts}
    </span>
  );
}

function DetailLink({ row }: { row: LogRowView }) {
  return (
    <Link
      href={`/logs/${encodeURIComponent(row.requestId)}`}
      className="font-medium text-indigo-600 hover:text-indigo-500"
      data-testid="log-detail-link"
    >
      <time dateTime={row.timeIso}>{row.time}</time>
    </Link>
  );
}

/**
 * A table from the md breakpoint, a stack of cards below it (one row each). A client
 * component on purpose: the page sends 50 rows of plain data instead of two rendered trees
 * in its RSC payload (a quarter of the bytes).
 */
export function LogTable({ rows }: { rows: LogRowView[] }) {
  const t = useTranslations("Logs.table");
  return (
    <>
      <div className="card hidden overflow-x-auto p-0 md:block">
        <table className="w-full min-w-[48rem] text-sm" data-testid="log-table">
          <thead className="bg-slate-50">
            <tr className="border-b border-slate-200 text-left text-xs uppercase tracking-wide text-slate-500">
              <th className="px-4 py-2 font-medium">{t("time")}</th>
              <th className="px-3 py-2 font-medium">{t("status")}</th>
              <th className="px-3 py-2 font-medium">{t("route")}</th>
              <th className="px-3 py-2 font-medium">{t("key")}</th>
              <th className="px-3 py-2 text-right font-medium">{t("latency")}</th>
              <th className="px-3 py-2 text-right font-medium">{t("tokens")}</th>
              <th className="px-4 py-2 text-right font-medium">{t("cost")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              // A failed call's error gets a line of its own under the row, the table's full width.
              <Fragment key={row.requestId}>
                <tr
                  className={`align-top ${row.error ? "" : "border-b border-slate-100"}`}
                  data-testid="log-row"
                  data-request-id={row.requestId}
                >
                  <td className="whitespace-nowrap px-4 py-2">
                    <DetailLink row={row} />
                  </td>
                  <td className="whitespace-nowrap px-3 py-2">
                    <Flags row={row} t={t} />
                  </td>
                  <td className="max-w-[20rem] px-3 py-2">
                    <div className="flex items-baseline gap-1">
                      <span
                        className="max-w-[10rem] shrink-0 truncate font-medium text-slate-800"
                        title={row.group ?? undefined}
                      >
                        <Muted value={row.group} />
                      </span>
                      <span className="text-slate-300">/</span>
                      <span className="min-w-0 truncate text-slate-600" title={row.provider ?? undefined}>
                        <Muted value={row.provider} />
                      </span>
                      <Tries row={row} t={t} />
                    </div>
                  </td>
                  <td className="max-w-[9rem] truncate px-3 py-2" title={row.key ?? undefined}>
                    <Muted value={row.key} />
                  </td>
                  <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums">{row.latency}</td>
                  <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
                    {row.tokens}
                    {row.isUsageEstimated ? (
                      <span className="ml-0.5 text-slate-400" title={t("estimated")}>
                        *
                      </span>
                    ) : null}
                  </td>
                  <td className="whitespace-nowrap px-4 py-2 text-right tabular-nums">{row.cost}</td>
                </tr>
                {row.error ? (
                  <tr className="border-b border-slate-100">
                    <td
                      colSpan={7}
                      className="max-w-0 truncate px-4 pb-2 pt-0 font-mono text-xs text-red-700"
                      title={row.error}
                      data-testid="log-error"
                      data-request-id={row.requestId}
                    >
                      {row.error}
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            ))}
          </tbody>
        </table>
      </div>
      <ul className="space-y-2 md:hidden" data-testid="log-cards">
        {rows.map((row) => (
          <li key={row.requestId} className="card p-3 text-sm" data-testid="log-card" data-request-id={row.requestId}>
            <div className="flex items-center justify-between gap-2">
              <DetailLink row={row} />
              <Flags row={row} t={t} />
            </div>
            <div className="mt-1 flex items-center gap-1 text-slate-700">
              <span className="truncate">
                <Muted value={row.group} /> → <Muted value={row.provider} />
              </span>
              <Tries row={row} t={t} />
            </div>
            <div className="mt-1 flex flex-wrap gap-x-3 text-xs text-slate-500 tabular-nums">
              <span>{row.latency}</span>
              <span>
                {t("tokens")} {row.tokens}
              </span>
              <span>{row.cost}</span>
              <span className="truncate">{row.key}</span>
            </div>
            {row.error ? <p className="mt-1 truncate text-xs text-red-700">{row.error}</p> : null}
          </li>
        ))}
      </ul>
    </>
  );
}
