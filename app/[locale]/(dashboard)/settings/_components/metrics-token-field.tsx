"use client";

import { useTranslations } from "next-intl";
import { Badge } from "../../_components/ui/badge";
import { SettingError } from "./setting-error";

export type MetricsTokenMode = "keep" | "replace" | "clear";

/** 32 random bytes as base64url: made in the browser, so the server never has to send one. */
function generateToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

/**
 * Write-only: the page only knows whether a token is set. The operator may keep it, type
 * or generate a replacement, or clear it; the stored value never comes back.
 */
export function MetricsTokenField({
  hasToken,
  lengths,
  mode,
  token,
  error,
  onModeChange,
  onTokenChange,
}: {
  hasToken: boolean;
  /** Allowed token length, from the settings schema. */
  lengths: { min: number; max: number };
  mode: MetricsTokenMode;
  token: string;
  error?: string;
  onModeChange: (mode: MetricsTokenMode) => void;
  onTokenChange: (token: string) => void;
}) {
  const t = useTranslations("Settings");
  return (
    <div data-testid="field-metricsToken">
      <div className="flex flex-wrap items-center gap-2">
        <span className="field-label">{t("fields.metricsToken.label")}</span>
        <span data-testid="metrics-token-status">
          {hasToken ? (
            <Badge tone="green">{t("metricsTokenSet")}</Badge>
          ) : (
            <Badge tone="gray">{t("metricsTokenNotSet")}</Badge>
          )}
        </span>
      </div>
      <p className="mt-0.5 text-xs text-slate-500">{t("fields.metricsToken.help")}</p>

      {mode === "keep" ? (
        <div className="mt-2 flex flex-wrap gap-2">
          <button
            type="button"
            className="btn-secondary"
            onClick={() => onModeChange("replace")}
            data-testid="metrics-token-replace"
          >
            {hasToken ? t("metricsTokenReplace") : t("metricsTokenSetNew")}
          </button>
          {hasToken ? (
            <button
              type="button"
              className="btn-secondary text-red-600"
              onClick={() => onModeChange("clear")}
              data-testid="metrics-token-clear"
            >
              {t("metricsTokenClear")}
            </button>
          ) : null}
        </div>
      ) : null}

      {mode === "replace" ? (
        <div className="mt-2 space-y-2">
          <label htmlFor="setting-metricsToken" className="sr-only">
            {t("fields.metricsToken.label")}
          </label>
          <div className="flex gap-2">
            <input
              id="setting-metricsToken"
              name="metricsToken"
              autoComplete="off"
              spellCheck={false}
              value={token}
              onChange={(event) => onTokenChange(event.target.value)}
              placeholder={t("metricsTokenPlaceholder")}
              aria-invalid={error ? true : undefined}
              className={`field-input mt-0! min-w-0 font-mono ${error ? "border-red-400!" : ""}`}
              data-testid="setting-metricsToken"
            />
            <button
              type="button"
              className="btn-secondary shrink-0"
              onClick={() => onTokenChange(generateToken())}
              data-testid="metrics-token-generate"
            >
              {t("metricsTokenGenerate")}
            </button>
          </div>
          <SettingError name="metricsToken" error={error} values={lengths} />
          {!error ? <p className="text-xs text-slate-500">{t("metricsTokenHint", lengths)}</p> : null}
          <button
            type="button"
            className="text-sm font-medium text-slate-600 hover:text-slate-900"
            onClick={() => onModeChange("keep")}
          >
            {t("metricsTokenKeep")}
          </button>
        </div>
      ) : null}

      {mode === "clear" ? (
        <div
          className="mt-2 flex flex-wrap items-center gap-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800"
          data-testid="metrics-token-clearing"
        >
          <span>{t("metricsTokenWillClear")}</span>
          <button type="button" className="font-medium underline" onClick={() => onModeChange("keep")}>
            {t("metricsTokenUndo")}
          </button>
        </div>
      ) : null}
    </div>
  );
}
