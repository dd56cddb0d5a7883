"use client";

import { useTranslations } from "next-intl";
import { SettingError } from "./setting-error";

/** Free text with the runtime's IANA zones as suggestions; empty means the server's zone. */
export function TimeZoneField({
  value,
  error,
  serverTimeZone,
  timeZones,
  onChange,
}: {
  value: string;
  error?: string;
  serverTimeZone: string;
  timeZones: readonly string[];
  onChange: (value: string) => void;
}) {
  const t = useTranslations("Settings");
  return (
    <div data-testid="field-timeZone">
      <label htmlFor="setting-timeZone" className="field-label">
        {t("fields.timeZone.label")}
      </label>
      <p className="mt-0.5 text-xs text-slate-500">{t("fields.timeZone.help")}</p>
      <input
        id="setting-timeZone"
        name="timeZone"
        list="setting-time-zones"
        autoComplete="off"
        spellCheck={false}
        value={value}
        placeholder={t("serverTimeZone", { zone: serverTimeZone })}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={error ? true : undefined}
        className={`field-input ${error ? "border-red-400!" : ""}`}
        data-testid="setting-timeZone"
      />
      <datalist id="setting-time-zones">
        {timeZones.map((zone) => (
          <option key={zone} value={zone} />
        ))}
      </datalist>
      {error ? (
        <SettingError name="timeZone" error={error} />
      ) : (
        <p className="mt-1 text-xs text-slate-500">{t("timeZoneHint", { zone: serverTimeZone })}</p>
      )}
    </div>
  );
}
