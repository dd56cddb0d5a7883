"use client";

import { useTranslations } from "next-intl";
import { MAX_PATTERN_LENGTH } from "@/lib/importer/filters";
import { KeywordInput } from "./keyword-input";

export interface FilterValues {
  include: string;
  excludes: string[];
  useRegex: boolean;
}

/** Include text, exclude keywords and the regex switch; invalid patterns are named, not thrown. */
export function FilterPanel({
  values,
  onChange,
  isIncludeInvalid,
  invalidExcludes,
}: {
  values: FilterValues;
  onChange: (patch: Partial<FilterValues>) => void;
  isIncludeInvalid: boolean;
  invalidExcludes: string[];
}) {
  const t = useTranslations("Import.filters");
  return (
    <section className="card space-y-4" aria-labelledby="filters-title">
      <h2 id="filters-title" className="text-base font-semibold text-slate-900">
        {t("title")}
      </h2>
      <div>
        <label htmlFor="filter-include" className="field-label">
          {t("include")}
        </label>
        <input
          id="filter-include"
          className="field-input"
          value={values.include}
          maxLength={MAX_PATTERN_LENGTH}
          placeholder={values.useRegex ? "^(gpt|claude)" : "gpt"}
          onChange={(event) => onChange({ include: event.target.value })}
          aria-invalid={isIncludeInvalid || undefined}
          autoComplete="off"
          spellCheck={false}
          data-testid="filter-include"
        />
        {isIncludeInvalid ? (
          <p role="alert" className="field-error" data-testid="include-invalid">
            {t("invalidRegex")}
          </p>
        ) : (
          <p className="mt-1 text-xs text-slate-500">{t("includeHint")}</p>
        )}
      </div>
      <div>
        <label htmlFor="filter-exclude" className="field-label">
          {t("exclude")}
        </label>
        <KeywordInput
          id="filter-exclude"
          values={values.excludes}
          onChange={(excludes) => onChange({ excludes })}
          placeholder={values.useRegex ? "(embed|tts)" : "embed"}
          removeLabel={(value) => t("removeExclude", { value })}
          addLabel={t("add")}
          invalid={invalidExcludes}
          testId="exclude"
          maxLength={MAX_PATTERN_LENGTH}
        />
        {invalidExcludes.length > 0 ? (
          <p role="alert" className="field-error" data-testid="exclude-invalid">
            {t("invalidExcludes", { count: invalidExcludes.length })}
          </p>
        ) : (
          <p className="mt-1 text-xs text-slate-500">{t("excludeHint")}</p>
        )}
      </div>
      <label className="flex items-center gap-2 text-sm text-slate-700">
        <input
          type="checkbox"
          checked={values.useRegex}
          onChange={(event) => onChange({ useRegex: event.target.checked })}
          data-testid="filter-regex"
        />
        {t("useRegex")}
      </label>
    </section>
  );
}
