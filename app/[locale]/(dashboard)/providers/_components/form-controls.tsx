"use client";

import { useTranslations } from "next-intl";
import type { ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";

/** The `Errors` message for a key, or the generic one for anything unknown. */
function FieldError({ name, error }: { name: string; error?: string }) {
  const t = useTranslations("Errors");
  if (!error) return null;
  return (
    <p role="alert" className="field-error" data-testid={`error-${name}`}>
      {t.has(error) ? t(error) : t("invalid")}
    </p>
  );
}

function Hint({ text, error }: { text?: string; error?: string }) {
  return text && !error ? <p className="mt-1 text-xs text-slate-500">{text}</p> : null;
}

/** A labelled select with its translated error, like `Field` for inputs. */
export function SelectField({
  label,
  name,
  error,
  hint,
  children,
  ...select
}: {
  label: string;
  name: string;
  error?: string;
  hint?: string;
  children: ReactNode;
} & SelectHTMLAttributes<HTMLSelectElement>) {
  const id = select.id ?? `field-${name}`;
  return (
    <div>
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      <select id={id} name={name} aria-invalid={error ? true : undefined} className="field-input" {...select}>
        {children}
      </select>
      <Hint text={hint} error={error} />
      <FieldError name={name} error={error} />
    </div>
  );
}

/** A labelled textarea with its translated error. */
export function TextareaField({
  label,
  name,
  error,
  hint,
  ...textarea
}: { label: string; name: string; error?: string; hint?: string } & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const id = textarea.id ?? `field-${name}`;
  return (
    <div>
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      <textarea
        id={id}
        name={name}
        aria-invalid={error ? true : undefined}
        className="field-input font-mono"
        {...textarea}
      />
      <Hint text={hint} error={error} />
      <FieldError name={name} error={error} />
    </div>
  );
}
