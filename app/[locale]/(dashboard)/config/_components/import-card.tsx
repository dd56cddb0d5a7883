"use client";

import { useTranslations } from "next-intl";
import { useRouter } from "@/app/_framework/i18n/navigation";
import { useState, useTransition, type ChangeEvent } from "react";
import type { ImportPlan } from "@/lib/config-transfer";
import { ConfirmButton } from "../../_components/ui/confirm-button";
import { Field } from "../../_components/ui/field";
import { useToast } from "../../_components/ui/toast";
import { applyImportAction, previewImportAction } from "../actions";
import { MAX_DOCUMENT_BYTES, type ConfigFailure } from "../config-types";
import { ImportPlanView } from "./import-plan";

interface LoadedFile {
  name: string;
  text: string;
  /** The file carries encrypted provider keys, so the passphrase is needed. */
  hasSecrets: boolean;
}

function hasSecretsSection(text: string): boolean {
  try {
    const json: unknown = JSON.parse(text);
    return typeof json === "object" && json !== null && "secrets" in json;
  } catch {
    // The server says what is wrong with it.
    return false;
  }
}

export function ImportCard() {
  const t = useTranslations("Config.import");
  const errorsT = useTranslations("Errors");
  const common = useTranslations("Common");
  const toast = useToast();
  const router = useRouter();
  const [file, setFile] = useState<LoadedFile | null>(null);
  const [passphrase, setPassphrase] = useState("");
  const [prune, setPrune] = useState(false);
  const [plan, setPlan] = useState<ImportPlan | null>(null);
  const [failure, setFailure] = useState<ConfigFailure | null>(null);
  const [isPending, startTransition] = useTransition();

  const reset = () => {
    setPlan(null);
    setFailure(null);
  };

  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    reset();
    const chosen = event.target.files?.[0];
    if (!chosen) {
      setFile(null);
      return;
    }
    if (chosen.size > MAX_DOCUMENT_BYTES) {
      setFile(null);
      setFailure({ ok: false, formError: "fileTooLarge" });
      return;
    }
    try {
      const text = await chosen.text();
      setFile({ name: chosen.name, text, hasSecrets: hasSecretsSection(text) });
    } catch {
      setFile(null);
      setFailure({ ok: false, formError: "fileUnreadable" });
    }
  };

  const input = () => ({ text: file?.text ?? "", passphrase: file?.hasSecrets ? passphrase : "", prune });

  const preview = () =>
    startTransition(async () => {
      reset();
      try {
        const result = await previewImportAction(input());
        if (result.ok) setPlan(result.data.plan);
        else setFailure(result);
      } catch {
        setFailure({ ok: false, formError: "unexpected" });
      }
    });

  const apply = async () => {
    try {
      const result = await applyImportAction(input());
      if (!result.ok) {
        setFailure(result);
        setPlan(null);
        return;
      }
      toast.success(
        result.data.isApplied ? t("applied", { count: result.data.plan.changes.length }) : t("nothingApplied"),
      );
      setPlan(null);
      router.refresh();
    } catch {
      setFailure({ ok: false, formError: "unexpected" });
    }
  };

  const failureText =
    failure && errorsT.has(failure.formError)
      ? errorsT(failure.formError, { detail: failure.errorDetail ?? "" })
      : errorsT("unexpected");

  return (
    <section className="card" data-testid="import-card">
      <h2 className="font-semibold text-slate-900">{t("title")}</h2>
      <p className="mt-1 text-sm text-slate-500">{t("body")}</p>
      <div className="mt-4 space-y-4">
        <div>
          <span className="field-label">{t("file")}</span>
          <div className="flex min-w-0 items-center gap-3">
            {/* The native control's own text is in the browser's language: hidden, labelled by ours. */}
            <input
              id="import-file"
              type="file"
              accept=".json,application/json"
              onChange={(event) => void onFile(event)}
              className="peer sr-only"
              data-testid="import-file"
            />
            <label
              htmlFor="import-file"
              className="btn-secondary shrink-0 cursor-pointer peer-focus-visible:ring-2 peer-focus-visible:ring-indigo-500"
            >
              {t("chooseFile")}
            </label>
            <span className="min-w-0 truncate text-sm text-slate-600" data-testid="import-file-name">
              {file?.name ?? t("noFile")}
            </span>
          </div>
        </div>
        {file?.hasSecrets ? (
          <Field
            label={t("passphrase")}
            name="import-passphrase"
            type="password"
            autoComplete="off"
            value={passphrase}
            hint={t("passphraseHint")}
            onChange={(event) => {
              setPassphrase(event.target.value);
              reset();
            }}
            data-testid="import-passphrase"
          />
        ) : null}
        <div className="flex items-start gap-3 rounded-md bg-slate-50 p-3">
          <input
            id="import-prune"
            type="checkbox"
            checked={prune}
            onChange={(event) => {
              setPrune(event.target.checked);
              reset();
            }}
            className="mt-0.5 h-4 w-4 rounded border-slate-300 text-indigo-600"
            data-testid="import-prune"
          />
          <label htmlFor="import-prune" className="text-sm">
            <span className="font-medium text-slate-700">{t("prune")}</span>
            <span className="mt-0.5 block text-xs text-slate-500">{t("pruneHelp")}</span>
          </label>
        </div>
      </div>
      {failure ? (
        <p
          role="alert"
          className="mt-4 break-words rounded-md bg-red-50 p-3 text-sm text-red-700"
          data-testid="import-error"
        >
          {failureText}
        </p>
      ) : null}
      {plan ? <ImportPlanView plan={plan} /> : null}
      <div className="mt-6 flex flex-wrap justify-end gap-3">
        <button
          type="button"
          className="btn-secondary"
          disabled={!file || isPending}
          onClick={preview}
          data-testid="import-preview"
        >
          {isPending ? common("loading") : t("preview")}
        </button>
        {plan && plan.changes.length > 0 ? (
          <ConfirmButton
            label={t("apply", { count: plan.changes.length })}
            title={t("confirmTitle")}
            question={t("confirmQuestion", { count: plan.changes.length, file: file?.name ?? "" })}
            confirmLabel={t("confirmApply")}
            onConfirm={apply}
            className="btn-primary"
            testId="import-apply"
          />
        ) : null}
      </div>
    </section>
  );
}
