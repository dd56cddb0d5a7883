"use client";

import { useTranslations } from "next-intl";
import { memo } from "react";
import type { PlanAction, RowProblem } from "@/lib/importer/plan";
import { parsePrice, PRICE_KINDS, type PriceKind, type PriceTexts } from "@/lib/importer/prices";
import { WORK_KINDS, type WorkKind } from "@/lib/work-kinds";
import { Badge } from "../../_components/ui/badge";

export interface ModelRowProps {
  id: string;
  ownedBy: string | null;
  isNew: boolean;
  isImported: boolean;
  isKept: boolean;
  passesFilter: boolean;
  /** The name the pattern (or the rename) gives. */
  name: string;
  rename: string;
  prices: PriceTexts | undefined;
  bulkPrices: PriceTexts;
  action: PlanAction | null;
  problem: RowProblem | null;
  hasInvalidPrice: boolean;
  /** The kind of work the provider will serve: chosen by hand, or the guess. */
  kind: WorkKind;
  onKind: (id: string, kind: WorkKind) => void;
  onToggle: (id: string, isKept: boolean) => void;
  onRename: (id: string, text: string) => void;
  onPrice: (id: string, kind: PriceKind, text: string) => void;
}

// Not `field-input`: table cells need their own widths, which that class's full width would override.
const CELL_INPUT =
  "block rounded-md border border-slate-300 bg-white px-2 py-1.5 text-xs shadow-sm outline-none focus:border-indigo-500 focus:ring-2 focus:ring-indigo-200 disabled:bg-slate-100 disabled:text-slate-400 aria-[invalid=true]:border-red-500";

const ACTION_TONES = { create: "green", update: "amber", skip: "gray" } as const;

/** One listed model. Memoised on plain props: typing in one row re-renders only that row. */
export const ModelRow = memo(function ModelRow(props: ModelRowProps) {
  const t = useTranslations("Import.table");
  const errors = useTranslations("Errors");
  const kinds = useTranslations("Providers.kinds");
  const { id, isKept } = props;
  return (
    <tr
      className={isKept ? "" : "bg-slate-50 text-slate-400"}
      data-testid="model-row"
      data-model={id}
      data-kept={isKept}
      data-action={props.action ?? "excluded"}
    >
      <td className="px-3 py-2 align-top">
        <input
          type="checkbox"
          className="mt-1.5"
          checked={isKept}
          onChange={(event) => props.onToggle(id, event.target.checked)}
          aria-label={t("keep", { id })}
          data-testid="row-keep"
        />
      </td>
      <td className="px-3 py-2 align-top">
        <div className="mt-1 font-mono text-xs text-slate-900 [overflow-wrap:anywhere]" title={id}>
          {id}
        </div>
        <div className="mt-1 flex flex-wrap items-center gap-1">
          {props.isNew ? (
            <span data-testid="new-badge">
              <Badge tone="blue">{t("new")}</Badge>
            </span>
          ) : null}
          {props.isImported ? <Badge tone="gray">{t("imported")}</Badge> : null}
          {!props.passesFilter && isKept ? <Badge tone="amber">{t("keptByHand")}</Badge> : null}
          {props.ownedBy ? <span className="text-xs text-slate-400">{props.ownedBy}</span> : null}
        </div>
      </td>
      <td className="px-3 py-2 align-top">
        <input
          className={`${CELL_INPUT} w-full font-mono`}
          value={props.rename}
          placeholder={props.name}
          maxLength={100}
          disabled={!isKept}
          aria-label={t("rename", { id })}
          aria-invalid={props.problem ? true : undefined}
          onChange={(event) => props.onRename(id, event.target.value)}
          spellCheck={false}
          data-testid="row-name"
        />
        {props.problem && isKept ? (
          <p className="field-error text-xs" data-testid="row-problem">
            {props.problem === "duplicateName" ? t("duplicateName") : errors(props.problem)}
          </p>
        ) : null}
      </td>
      <td className="px-2 py-2 align-top">
        <select
          className={`${CELL_INPUT} w-full`}
          value={props.kind}
          disabled={!isKept}
          aria-label={t("kind", { id })}
          onChange={(event) => props.onKind(id, event.target.value as WorkKind)}
          data-testid="row-kind"
        >
          {WORK_KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {kinds(kind)}
            </option>
          ))}
        </select>
      </td>
      {PRICE_KINDS.map((kind) => {
        const text = props.prices?.[kind] ?? "";
        return (
          <td key={kind} className="px-2 py-2 align-top">
            <input
              className={`${CELL_INPUT} w-full`}
              inputMode="decimal"
              value={text}
              placeholder={props.bulkPrices[kind].trim() || "0"}
              maxLength={16}
              disabled={!isKept}
              aria-label={t(`price.${kind}`, { id })}
              aria-invalid={parsePrice(text) === "invalid" || undefined}
              onChange={(event) => props.onPrice(id, kind, event.target.value)}
              data-testid={`row-price-${kind}`}
            />
          </td>
        );
      })}
      <td className="px-3 py-2 align-top">
        <div className="mt-1">
          {props.action ? (
            <Badge tone={ACTION_TONES[props.action]}>{t(`actions.${props.action}`)}</Badge>
          ) : isKept ? null : (
            <span className="text-xs">{t("excluded")}</span>
          )}
          {props.hasInvalidPrice && isKept ? <p className="field-error text-xs">{t("invalidPrice")}</p> : null}
        </div>
      </td>
    </tr>
  );
});
