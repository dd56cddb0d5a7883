"use client";

import { useTranslations } from "next-intl";
import type { InputHTMLAttributes } from "react";

/** A labelled input with its translated error (an `Errors` message key) underneath. */
export function Field({
  label,
  name,
  error,
  hint,
  ...input
}: { label: string; name: string; error?: string; hint?: string } & InputHTMLAttributes<HTMLInputElement>) {
  const t = useTranslations("Errors");
  const id = input.id ?? `field-${name}`;
  return (
    <div>
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      <input id={id} name={name} aria-invalid={error ? true : undefined} className="field-input" {...input} />
      {hint && !error ? <p className="mt-1 text-xs text-slate-500">{hint}</p> : null}
      {error ? (
        <p role="alert" className="field-error" data-testid={`error-${name}`}>
          {t.has(error) ? t(error) : t("invalid")}
        </p>
      ) : null}
    </div>
  );
}
