"use client";

import { useTranslations } from "next-intl";
import type { KeyLimitField } from "@/db/limits";

export type LimitTexts = Partial<Record<KeyLimitField, string>>;

/** The form's texts of stored limits: empty for none. */
export function toLimitTexts(limits: Partial<Record<KeyLimitField, number | null>> | undefined): LimitTexts {
  const texts: LimitTexts = {};
  for (const [field, value] of Object.entries(limits ?? {}))
    texts[field as KeyLimitField] = value === null || value === undefined ? "" : String(value);
  return texts;
}

/** What the action gets: null for an empty field, a number, or the text itself (refused as not a number). */
export function fromLimitTexts(
  fields: readonly KeyLimitField[],
  texts: LimitTexts,
): Record<KeyLimitField, number | string | null> {
  const values = {} as Record<KeyLimitField, number | string | null>;
  for (const field of fields) {
    const text = (texts[field] ?? "").trim();
    const value = Number(text);
    values[field] = text === "" ? null : Number.isFinite(value) ? value : text;
  }
  return values;
}

/** Number inputs for rate limits and budgets, each with its translated error. */
export function LimitFields({
  fields,
  texts,
  onChange,
  errors,
  hint,
}: {
  fields: readonly KeyLimitField[];
  texts: LimitTexts;
  onChange(texts: LimitTexts): void;
  errors: Record<string, string>;
  hint: string;
}) {
  const t = useTranslations("Limits");
  const errorText = useTranslations("Errors");
  return (
    <fieldset data-testid="limit-fields">
      <legend className="field-label">{t("title")}</legend>
      <p className="mt-1 text-xs text-slate-500">{hint}</p>
      <div className="mt-2 grid gap-3 sm:grid-cols-3">
        {fields.map((field) => {
          const error = errors[field];
          const isMoney = field.startsWith("budget");
          return (
            <div key={field}>
              <label htmlFor={`limit-${field}`} className="field-label">
                {t(field)}
              </label>
              <input
                id={`limit-${field}`}
                type="number"
                inputMode={isMoney ? "decimal" : "numeric"}
                min={isMoney ? 0 : 1}
                step={isMoney ? "any" : 1}
                className="field-input"
                placeholder={t("none")}
                value={texts[field] ?? ""}
                onChange={(event) => onChange({ ...texts, [field]: event.target.value })}
                aria-invalid={error ? true : undefined}
                data-testid={`limit-${field}`}
              />
              {error ? (
                <p role="alert" className="field-error" data-testid={`error-${field}`}>
                  {errorText.has(error) ? errorText(error) : errorText("invalid")}
                </p>
              ) : null}
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}
