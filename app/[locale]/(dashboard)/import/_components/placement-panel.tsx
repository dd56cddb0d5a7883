"use client";

import { useTranslations } from "next-intl";
import type { ExistingNamePolicy } from "@/lib/importer/plan";
import type { GroupChoice } from "../import-types";
import { KeywordInput } from "./keyword-input";

export interface PlacementValues {
  groupIds: number[];
  newGroupNames: string[];
  priority: string;
  weight: string;
  onExisting: ExistingNamePolicy;
}

/** A whole number from 1 to 1,000,000, or null. */
export function parseRank(text: string): number | null {
  const value = Number(text.trim());
  return text.trim() !== "" && Number.isInteger(value) && value >= 1 && value <= 1_000_000 ? value : null;
}

/** Which groups the imported providers join (existing or new), with what priority, and what happens to taken names. */
export function PlacementPanel({
  groups,
  values,
  onChange,
}: {
  groups: GroupChoice[];
  values: PlacementValues;
  onChange: (patch: Partial<PlacementValues>) => void;
}) {
  const t = useTranslations("Import.placement");
  const toggleGroup = (id: number, isOn: boolean) =>
    onChange({ groupIds: isOn ? [...values.groupIds, id] : values.groupIds.filter((groupId) => groupId !== id) });
  return (
    <section className="card space-y-4" aria-labelledby="placement-title">
      <h2 id="placement-title" className="text-base font-semibold text-slate-900">
        {t("title")}
      </h2>
      <div>
        <p className="field-label">{t("groups")}</p>
        {groups.length > 0 ? (
          <ul
            className="mt-1 max-h-36 space-y-1 overflow-y-auto rounded-md border border-slate-200 p-2"
            data-testid="group-choices"
          >
            {groups.map((group) => (
              <li key={group.id}>
                <label className="flex items-center gap-2 text-sm text-slate-700">
                  <input
                    type="checkbox"
                    checked={values.groupIds.includes(group.id)}
                    onChange={(event) => toggleGroup(group.id, event.target.checked)}
                    data-testid="group-choice"
                    data-name={group.name}
                  />
                  <span className="min-w-0 truncate">{group.name}</span>
                  <span className="shrink-0 text-xs text-slate-400">
                    {t("memberCount", { count: group.memberCount })}
                  </span>
                </label>
              </li>
            ))}
          </ul>
        ) : (
          <p className="mt-1 text-xs text-slate-500">{t("noGroups")}</p>
        )}
      </div>
      <div>
        <label htmlFor="new-group" className="field-label">
          {t("newGroup")}
        </label>
        <KeywordInput
          id="new-group"
          values={values.newGroupNames}
          onChange={(newGroupNames) => onChange({ newGroupNames })}
          placeholder={t("newGroupPlaceholder")}
          removeLabel={(value) => t("removeGroup", { name: value })}
          addLabel={t("add")}
          testId="new-group"
          maxLength={100}
        />
      </div>
      <div className="grid grid-cols-2 gap-3">
        {(["priority", "weight"] as const).map((field) => {
          const isInvalid = parseRank(values[field]) === null;
          return (
            <div key={field}>
              <label htmlFor={`placement-${field}`} className="field-label">
                {t(field)}
              </label>
              <input
                id={`placement-${field}`}
                className="field-input"
                inputMode="numeric"
                value={values[field]}
                maxLength={7}
                aria-invalid={isInvalid || undefined}
                onChange={(event) => onChange({ [field]: event.target.value })}
                data-testid={`placement-${field}`}
              />
              {isInvalid ? <p className="field-error text-xs">{t("invalidRank")}</p> : null}
            </div>
          );
        })}
      </div>
      <p className="-mt-2 text-xs text-slate-500">{t("rankHint")}</p>
      <fieldset>
        <legend className="field-label">{t("existing")}</legend>
        <div className="mt-1 space-y-1">
          {(["skip", "update"] as const).map((policy) => (
            <label key={policy} className="flex items-start gap-2 text-sm text-slate-700">
              <input
                type="radio"
                name="onExisting"
                className="mt-1"
                checked={values.onExisting === policy}
                onChange={() => onChange({ onExisting: policy })}
                data-testid={`existing-${policy}`}
              />
              <span>{t(`existingOptions.${policy}`)}</span>
            </label>
          ))}
        </div>
      </fieldset>
    </section>
  );
}
