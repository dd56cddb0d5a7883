"use client";

import { useTranslations } from "next-intl";

/**
 * A field's translated error (an `Errors` key). Range errors name the field's own bounds,
 * which the form knows from the settings schema.
 */
export function SettingError({
  name,
  error,
  values,
}: {
  name: string;
  error?: string;
  values?: Record<string, number>;
}) {
  const t = useTranslations("Errors");
  if (!error) return null;
  const key = t.has(error) ? error : "invalid";
  return (
    <p role="alert" id={`error-${name}`} className="field-error" data-testid={`error-${name}`}>
      {t(key, values)}
    </p>
  );
}
