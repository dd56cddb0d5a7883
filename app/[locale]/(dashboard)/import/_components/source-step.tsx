"use client";

import { useTranslations } from "next-intl";
import { useState, useTransition, type FormEvent } from "react";
import type { EndpointProtocol } from "@/db/schema";
import { Field } from "../../_components/ui/field";
import { SelectField } from "../../providers/_components/form-controls";
import { fetchModelsAction } from "../actions";
import type { EndpointChoice, FetchedModels } from "../import-types";

export interface SourceValues {
  kind: "existing" | "new";
  credentialId: number | null;
  baseUrl: string;
  /** Only ever typed by the operator; the server never sends a key back. */
  apiKey: string;
  /** The new endpoint's name; blank means its host. */
  name: string;
  protocol: EndpointProtocol;
}

interface FetchError {
  key: string;
  status: number | null;
}

export function SourceStep({
  endpoints,
  initial,
  onFetched,
}: {
  endpoints: EndpointChoice[];
  initial: SourceValues;
  onFetched: (values: SourceValues, models: FetchedModels) => void;
}) {
  const t = useTranslations("Import");
  const errors = useTranslations("Errors");
  const endpointText = useTranslations("Credentials");
  const [values, setValues] = useState<SourceValues>(initial);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [fetchError, setFetchError] = useState<FetchError | null>(null);
  const [isPending, startTransition] = useTransition();
  const set = (patch: Partial<SourceValues>) => setValues((current) => ({ ...current, ...patch }));

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFieldErrors({});
    setFetchError(null);
    const input =
      values.kind === "existing"
        ? { kind: "existing", credentialId: values.credentialId }
        : { kind: "new", baseUrl: values.baseUrl, apiKey: values.apiKey, protocol: values.protocol };
    startTransition(async () => {
      try {
        const result = await fetchModelsAction(input);
        if (result.ok) {
          if (result.data) onFetched(values, result.data);
          return;
        }
        if ("upstreamStatus" in result) {
          setFetchError({ key: result.formError, status: result.upstreamStatus });
          return;
        }
        setFieldErrors(result.fieldErrors ?? {});
        if (result.formError) setFetchError({ key: result.formError, status: null });
      } catch {
        setFetchError({ key: "unexpected", status: null });
      }
    });
  };

  const describe = (error: FetchError): string => {
    if (t.has(`fetchErrors.${error.key}`)) return t(`fetchErrors.${error.key}`, { status: error.status ?? 0 });
    return errors.has(error.key) ? errors(error.key) : errors("unexpected");
  };

  return (
    <form onSubmit={onSubmit} className="card max-w-2xl space-y-5" data-testid="source-form" noValidate>
      <div>
        <h2 className="text-base font-semibold text-slate-900">{t("source.title")}</h2>
        <p className="mt-1 text-sm text-slate-500">{t("source.body")}</p>
      </div>
      {endpoints.length > 0 ? (
        <fieldset className="flex flex-wrap gap-x-6 gap-y-2">
          <legend className="sr-only">{t("source.title")}</legend>
          {(["existing", "new"] as const).map((kind) => (
            <label key={kind} className="flex items-center gap-2 text-sm text-slate-700">
              <input
                type="radio"
                name="kind"
                value={kind}
                checked={values.kind === kind}
                onChange={() => set({ kind })}
                data-testid={`source-${kind}`}
              />
              {t(`source.${kind}`)}
            </label>
          ))}
        </fieldset>
      ) : null}
      {values.kind === "existing" ? (
        <div>
          <label htmlFor="field-credentialId" className="field-label">
            {t("source.endpoint")}
          </label>
          <select
            id="field-credentialId"
            className="field-input"
            value={values.credentialId ?? ""}
            onChange={(event) => set({ credentialId: Number(event.target.value) })}
            data-testid="source-endpoint"
          >
            {endpoints.map((endpoint) => (
              <option key={endpoint.id} value={endpoint.id}>
                {t("source.endpointOption", {
                  name: endpoint.name,
                  url: endpoint.baseUrl,
                  count: endpoint.providerCount,
                })}
              </option>
            ))}
          </select>
          <p className="mt-1 text-xs text-slate-500">{t("source.endpointHint")}</p>
        </div>
      ) : (
        <>
          <SelectField
            label={endpointText("fields.protocol")}
            name="protocol"
            value={values.protocol}
            onChange={(event) => set({ protocol: event.target.value === "anthropic" ? "anthropic" : "openai" })}
            hint={endpointText("hints.protocol")}
            error={fieldErrors.protocol}
            data-testid="source-protocol"
          >
            <option value="openai">{endpointText("protocols.openai")}</option>
            <option value="anthropic">{endpointText("protocols.anthropic")}</option>
          </SelectField>
          <Field
            label={t("source.baseUrl")}
            name="baseUrl"
            type="url"
            value={values.baseUrl}
            onChange={(event) => set({ baseUrl: event.target.value })}
            placeholder="https://api.example.com/v1"
            hint={t("source.baseUrlHint")}
            error={fieldErrors.baseUrl}
            autoComplete="off"
            spellCheck={false}
            required
          />
          <Field
            label={t("source.apiKey")}
            name="apiKey"
            type="password"
            value={values.apiKey}
            onChange={(event) => set({ apiKey: event.target.value })}
            placeholder="sk-…"
            hint={t("source.apiKeyHint")}
            error={fieldErrors.apiKey}
            autoComplete="new-password"
            spellCheck={false}
            required
          />
          <Field
            label={t("source.name")}
            name="endpointName"
            value={values.name}
            onChange={(event) => set({ name: event.target.value })}
            hint={t("source.nameHint")}
            maxLength={100}
            autoComplete="off"
          />
        </>
      )}
      {fetchError ? (
        <div
          role="alert"
          className="rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-700"
          data-testid="fetch-error"
          data-problem={fetchError.key}
        >
          {describe(fetchError)}
        </div>
      ) : null}
      <div className="flex items-center justify-end gap-3">
        {isPending ? <span className="text-sm text-slate-500">{t("source.fetchingHint")}</span> : null}
        <button
          type="submit"
          className="btn-primary"
          disabled={isPending || (values.kind === "existing" && values.credentialId === null)}
          data-testid="fetch-models"
        >
          {isPending ? t("source.fetching") : t("source.fetch")}
        </button>
      </div>
    </form>
  );
}
