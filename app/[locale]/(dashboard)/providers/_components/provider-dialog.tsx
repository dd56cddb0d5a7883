"use client";

import { useFormatter, useTranslations } from "next-intl";
import { useState, useTransition, type FormEvent } from "react";
import { Field } from "../../_components/ui/field";
import { Modal } from "../../_components/ui/modal";
import { useToast } from "../../_components/ui/toast";
import { createProviderAction, updateProviderAction } from "../actions";
import { SelectField, TextareaField } from "./form-controls";
import { PRICE_UNITS, WORK_KINDS } from "@/lib/work-kinds";
import type { EndpointOption, ProviderItem, TimeoutDefaults, TimeoutField } from "./provider-types";

const TEXT_FIELDS = [
  "name",
  "credentialId",
  "upstreamModel",
  "priceInput",
  "priceOutput",
  "priceCached",
  "priceCacheWrite",
  "priceUnit",
  "pricePerUnit",
  "connectTimeoutMs",
  "firstTokenTimeoutMs",
  "totalTimeoutMs",
  "extraHeaders",
  "rpm",
  "tpm",
] as const;

const PRICE_FIELDS = ["priceInput", "priceOutput", "priceCached", "priceCacheWrite"] as const;
const TIMEOUT_FIELDS: readonly TimeoutField[] = ["connectTimeoutMs", "firstTokenTimeoutMs", "totalTimeoutMs"];

function toText(value: number | null | undefined): string {
  return value === null || value === undefined ? "" : String(value);
}

/** Add or edit a provider; the form sends text as typed and the server validates it. */
export function ProviderDialog({
  provider,
  endpoints,
  defaults,
  onClose,
}: {
  provider?: ProviderItem;
  endpoints: EndpointOption[];
  defaults: TimeoutDefaults;
  onClose: () => void;
}) {
  const t = useTranslations("Providers");
  const limitText = useTranslations("Limits");
  const errors = useTranslations("Errors");
  const common = useTranslations("Common");
  const format = useFormatter();
  const toast = useToast();
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [isPending, startTransition] = useTransition();
  const isEdit = provider !== undefined;
  const headersText =
    provider && Object.keys(provider.extraHeaders).length > 0 ? JSON.stringify(provider.extraHeaders, null, 2) : "";

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const input = Object.fromEntries(TEXT_FIELDS.map((name) => [name, String(data.get(name) ?? "")]));
    input.kinds = data.getAll("kinds").map(String).join(",");
    startTransition(async () => {
      const result = isEdit ? await updateProviderAction(provider.id, input) : await createProviderAction(input);
      if (result.ok) {
        toast.success(
          isEdit ? t("saved", { name: input.name?.trim() ?? "" }) : t("created", { name: input.name?.trim() ?? "" }),
        );
        onClose();
        return;
      }
      setFieldErrors(result.fieldErrors ?? {});
      setFormError(result.formError ?? null);
    });
  };

  return (
    <Modal title={isEdit ? t("editTitle") : t("addTitle")} onClose={onClose} wide>
      <form onSubmit={onSubmit} className="space-y-4" data-testid="provider-form" noValidate>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field
            label={t("fields.name")}
            name="name"
            defaultValue={provider?.name ?? ""}
            error={fieldErrors.name}
            maxLength={100}
            autoComplete="off"
            required
          />
          <SelectField
            label={t("fields.endpoint")}
            name="credentialId"
            defaultValue={toText(provider?.credentialId ?? (endpoints.length === 1 ? endpoints[0]?.id : undefined))}
            error={fieldErrors.credentialId}
            required
          >
            <option value="">{t("fields.chooseEndpoint")}</option>
            {endpoints.map((endpoint) => (
              <option key={endpoint.id} value={endpoint.id}>
                {endpoint.name}
              </option>
            ))}
          </SelectField>
        </div>
        <Field
          label={t("fields.upstreamModel")}
          name="upstreamModel"
          defaultValue={provider?.upstreamModel ?? ""}
          placeholder="gpt-4o-mini"
          hint={t("hints.upstreamModel")}
          error={fieldErrors.upstreamModel}
          maxLength={200}
          autoComplete="off"
          spellCheck={false}
          required
        />
        <fieldset>
          <legend className="field-label">{t("fields.prices")}</legend>
          <div className="mt-1 grid gap-4 sm:grid-cols-4">
            {PRICE_FIELDS.map((name) => (
              <Field
                key={name}
                label={t(`fields.${name}`)}
                name={name}
                inputMode="decimal"
                defaultValue={toText(provider?.[name] ?? 0)}
                error={fieldErrors[name]}
                autoComplete="off"
              />
            ))}
          </div>
        </fieldset>
        <div className="grid gap-4 sm:grid-cols-2">
          <SelectField
            label={t("fields.priceUnit")}
            name="priceUnit"
            defaultValue={provider?.priceUnit ?? "none"}
            error={fieldErrors.priceUnit}
          >
            {PRICE_UNITS.map((unit) => (
              <option key={unit} value={unit}>
                {t(`priceUnits.${unit}`)}
              </option>
            ))}
          </SelectField>
          <Field
            label={t("fields.pricePerUnit")}
            name="pricePerUnit"
            inputMode="decimal"
            defaultValue={toText(provider?.pricePerUnit ?? 0)}
            hint={t("hints.pricePerUnit")}
            error={fieldErrors.pricePerUnit}
            autoComplete="off"
          />
        </div>
        <fieldset data-testid="provider-kinds">
          <legend className="field-label">{t("fields.kinds")}</legend>
          <div className="mt-1 flex flex-wrap gap-x-5 gap-y-2">
            {WORK_KINDS.map((kind) => (
              <label key={kind} className="inline-flex items-center gap-2 text-sm text-slate-700">
                <input
                  type="checkbox"
                  name="kinds"
                  value={kind}
                  defaultChecked={provider?.kinds.includes(kind) ?? false}
                  className="h-4 w-4 rounded border-slate-300 text-indigo-600"
                />
                {t(`kinds.${kind}`)}
              </label>
            ))}
          </div>
          <p className="mt-1 text-xs text-slate-500">{t("hints.kinds")}</p>
          {fieldErrors.kinds ? (
            <p role="alert" className="field-error" data-testid="error-kinds">
              {errors.has(fieldErrors.kinds) ? errors(fieldErrors.kinds) : errors("invalid")}
            </p>
          ) : null}
        </fieldset>
        <fieldset>
          <legend className="field-label">{t("fields.timeouts")}</legend>
          <div className="mt-1 grid gap-4 sm:grid-cols-3">
            {TIMEOUT_FIELDS.map((name) => (
              <Field
                key={name}
                label={t(`fields.${name}`)}
                name={name}
                inputMode="numeric"
                defaultValue={toText(provider?.[name])}
                placeholder={format.number(defaults[name].fallback)}
                hint={t("hints.timeout", {
                  min: format.number(defaults[name].min),
                  max: format.number(defaults[name].max),
                  fallback: format.number(defaults[name].fallback),
                })}
                error={fieldErrors[name]}
                autoComplete="off"
              />
            ))}
          </div>
        </fieldset>
        <fieldset data-testid="provider-limits">
          <legend className="field-label">{limitText("title")}</legend>
          <p className="mt-1 text-xs text-slate-500">{limitText("providerHint")}</p>
          <div className="mt-1 grid gap-4 sm:grid-cols-3">
            {(["rpm", "tpm"] as const).map((name) => (
              <Field
                key={name}
                label={limitText(name)}
                name={name}
                inputMode="numeric"
                defaultValue={toText(provider?.limits[name])}
                placeholder={limitText("none")}
                error={fieldErrors[name]}
                autoComplete="off"
              />
            ))}
          </div>
        </fieldset>
        <TextareaField
          label={t("fields.extraHeaders")}
          name="extraHeaders"
          rows={3}
          defaultValue={headersText}
          placeholder='{"X-Title": "my-app"}'
          hint={t("hints.extraHeaders")}
          error={fieldErrors.extraHeaders}
          spellCheck={false}
        />
        {formError ? (
          <p role="alert" className="field-error" data-testid="form-error">
            {errors.has(formError) ? errors(formError) : errors("unexpected")}
          </p>
        ) : null}
        <div className="flex justify-end gap-3 pt-2">
          <button type="button" className="btn-secondary" onClick={onClose}>
            {common("cancel")}
          </button>
          <button type="submit" className="btn-primary" disabled={isPending} data-testid="provider-submit">
            {isPending ? common("loading") : common("save")}
          </button>
        </div>
      </form>
    </Modal>
  );
}
