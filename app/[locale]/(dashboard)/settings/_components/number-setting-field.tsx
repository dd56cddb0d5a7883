"use client";

import { useTranslations } from "next-intl";
import type { NumberFieldSpec } from "../setting-fields";
import { SettingError } from "./setting-error";

/** A whole-number setting: label, input with its unit, allowed range and default as a hint. */
export function NumberSettingField({
  spec,
  value,
  error,
  onChange,
}: {
  spec: NumberFieldSpec;
  value: string;
  error?: string;
  onChange: (value: string) => void;
}) {
  const t = useTranslations("Settings");
  const id = `setting-${spec.key}`;
  const unit = spec.unit === "count" ? null : t(`units.${spec.unit}`);
  return (
    <div data-testid={`field-${spec.key}`}>
      <label htmlFor={id} className="field-label">
        {t(`fields.${spec.key}.label`)}
      </label>
      <p className="mt-0.5 text-xs text-slate-500">{t(`fields.${spec.key}.help`)}</p>
      <div className="mt-1 flex">
        <input
          id={id}
          name={spec.key}
          type="number"
          inputMode="numeric"
          step={1}
          min={spec.min}
          max={spec.max}
          value={value}
          onChange={(event) => onChange(event.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `error-${spec.key}` : `hint-${spec.key}`}
          className={`field-input mt-0! min-w-0 tabular-nums ${unit ? "rounded-r-none!" : ""} ${error ? "border-red-400!" : ""}`}
          data-testid={id}
        />
        {unit ? (
          <span className="inline-flex shrink-0 items-center rounded-r-md border border-l-0 border-slate-300 bg-slate-50 px-3 text-xs text-slate-500">
            {unit}
          </span>
        ) : null}
      </div>
      {error ? (
        <SettingError name={spec.key} error={error} values={{ min: spec.min, max: spec.max }} />
      ) : (
        <p id={`hint-${spec.key}`} className="mt-1 text-xs text-slate-500" data-testid={`hint-${spec.key}`}>
          {t("rangeHint", { min: spec.min, max: spec.max, defaultValue: spec.defaultValue })}
        </p>
      )}
    </div>
  );
}
