"use client";

import { useTranslations } from "next-intl";
import { useEffect, useRef, useState, useTransition, type FormEvent } from "react";
import { Link } from "@/app/_framework/i18n/navigation";
import type { SettingKey } from "@/db/settings-schema";
import { PageHeader } from "../../_components/page-header";
import { useToast } from "../../_components/ui/toast";
import { saveSettingsAction } from "../actions";
import type { NumberFieldSpec } from "../setting-fields";
import { MetricsTokenField, type MetricsTokenMode } from "./metrics-token-field";
import { NumberSettingField } from "./number-setting-field";
import { TimeZoneField } from "./time-zone-field";

export interface SettingsFormProps {
  sections: ReadonlyArray<{ id: string; keys: readonly SettingKey[] }>;
  specs: Partial<Record<SettingKey, NumberFieldSpec>>;
  /** Every setting except the metrics token, numbers as text for the inputs. */
  initialNumbers: Partial<Record<SettingKey, string>>;
  initialStoreBodies: boolean;
  initialTimeZone: string;
  hasMetricsToken: boolean;
  tokenLengths: { min: number; max: number };
  serverTimeZone: string;
  timeZones: readonly string[];
}

export function SettingsForm(props: SettingsFormProps) {
  const t = useTranslations("Settings");
  const errorsT = useTranslations("Errors");
  const common = useTranslations("Common");
  const toast = useToast();
  const formRef = useRef<HTMLFormElement>(null);
  const [numbers, setNumbers] = useState(props.initialNumbers);
  const [storeBodies, setStoreBodies] = useState(props.initialStoreBodies);
  const [timeZone, setTimeZone] = useState(props.initialTimeZone);
  const [hasToken, setHasToken] = useState(props.hasMetricsToken);
  const [tokenMode, setTokenMode] = useState<MetricsTokenMode>("keep");
  const [token, setToken] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [isPending, startTransition] = useTransition();

  // Bring the first marked field into view, so an error below the fold is not missed.
  useEffect(() => {
    formRef.current?.querySelector<HTMLElement>("[aria-invalid=true]")?.focus();
  }, [errors]);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    startTransition(async () => {
      const result = await saveSettingsAction({
        ...numbers,
        storeBodies,
        timeZone,
        metricsTokenMode: tokenMode,
        metricsToken: tokenMode === "replace" ? token : "",
      });
      if (result.ok) {
        setErrors({});
        if (result.data) {
          setHasToken(result.data.hasMetricsToken);
          setTimeZone(result.data.timeZone);
        }
        setTokenMode("keep");
        setToken("");
        toast.success(t("saved"));
        return;
      }
      setErrors(result.fieldErrors ?? {});
      toast.error(
        result.fieldErrors
          ? t("fixFields")
          : errorsT(result.formError && errorsT.has(result.formError) ? result.formError : "unexpected"),
      );
    });
  };

  const renderField = (key: SettingKey) => {
    const spec = props.specs[key];
    if (spec) {
      return (
        <NumberSettingField
          spec={spec}
          value={numbers[key] ?? ""}
          error={errors[key]}
          onChange={(value) => setNumbers((current) => ({ ...current, [key]: value }))}
        />
      );
    }
    if (key === "storeBodies") {
      return (
        <div className="flex items-start gap-3 rounded-md bg-slate-50 p-3" data-testid="field-storeBodies">
          <input
            id="setting-storeBodies"
            type="checkbox"
            checked={storeBodies}
            onChange={(event) => setStoreBodies(event.target.checked)}
            className="mt-0.5 h-4 w-4 rounded border-slate-300 text-indigo-600"
            data-testid="setting-storeBodies"
          />
          <label htmlFor="setting-storeBodies" className="text-sm">
            <span className="font-medium text-slate-700">{t("fields.storeBodies.label")}</span>
            <span className="mt-0.5 block text-xs text-slate-500">{t("fields.storeBodies.help")}</span>
          </label>
        </div>
      );
    }
    if (key === "timeZone") {
      return (
        <TimeZoneField
          value={timeZone}
          error={errors.timeZone}
          serverTimeZone={props.serverTimeZone}
          timeZones={props.timeZones}
          onChange={setTimeZone}
        />
      );
    }
    return (
      <MetricsTokenField
        hasToken={hasToken}
        lengths={props.tokenLengths}
        mode={tokenMode}
        token={token}
        error={errors.metricsToken}
        onModeChange={(mode) => {
          setTokenMode(mode);
          setErrors(({ metricsToken: _dropped, ...rest }) => rest);
        }}
        onTokenChange={setToken}
      />
    );
  };

  const saveButton = (testId: string) => (
    <button type="submit" form="settings-form" className="btn-primary" disabled={isPending} data-testid={testId}>
      {isPending ? common("loading") : t("save")}
    </button>
  );

  return (
    <>
      <PageHeader title={t("title")} subtitle={t("subtitle")} actions={saveButton("settings-save-top")} />
      <form
        id="settings-form"
        ref={formRef}
        onSubmit={onSubmit}
        noValidate
        className="space-y-6"
        data-testid="settings-form"
      >
        <div className="grid gap-6 xl:grid-cols-2">
          {props.sections.map((section) => (
            <section key={section.id} className="card" data-testid={`section-${section.id}`}>
              <h2 className="font-semibold text-slate-900">{t(`sections.${section.id}.title`)}</h2>
              <p className="mt-1 text-sm text-slate-500">{t(`sections.${section.id}.body`)}</p>
              <div className="mt-5 grid gap-5 sm:grid-cols-2">
                {section.keys.map((key) => (
                  <div key={key} className={props.specs[key] ? "" : "sm:col-span-2"}>
                    {renderField(key)}
                  </div>
                ))}
              </div>
              {section.id === "dashboard" ? (
                <p className="mt-5 border-t border-slate-100 pt-4 text-sm text-slate-600">
                  {t.rich("passwordNote", {
                    link: (chunks) => (
                      <Link
                        href="/account"
                        className="font-medium text-indigo-600 hover:text-indigo-500"
                        data-testid="account-link"
                      >
                        {chunks}
                      </Link>
                    ),
                  })}
                </p>
              ) : null}
            </section>
          ))}
        </div>
        <div className="flex items-center justify-end gap-3">
          <p className="text-sm text-slate-500">{t("appliesAtOnce")}</p>
          {saveButton("settings-save")}
        </div>
      </form>
    </>
  );
}
