"use client";

import { useTranslations } from "next-intl";

/** A small whole-number input (priority or weight) with its translated error underneath. */
export function RankInput({
  id,
  label,
  value,
  onChange,
  error,
  testId,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  testId: string;
}) {
  const errors = useTranslations("Errors");
  return (
    <div className="w-16 sm:w-20">
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      <input
        id={id}
        type="number"
        inputMode="numeric"
        min={1}
        step={1}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={error ? true : undefined}
        className="field-input tabular-nums"
        data-testid={testId}
      />
      {error ? (
        <p role="alert" className="field-error" data-testid={`${testId}-error`}>
          {errors.has(error) ? errors(error) : errors("invalid")}
        </p>
      ) : null}
    </div>
  );
}
