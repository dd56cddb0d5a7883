"use client";

import { useTranslations } from "next-intl";
import { useState, useTransition } from "react";
import { Field } from "../../_components/ui/field";
import { useToast } from "../../_components/ui/toast";
import { exportConfigAction } from "../actions";

/** Hands text to the browser as a file download; nothing is stored anywhere. */
function saveFile(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}

export function ExportCard() {
  const t = useTranslations("Config.export");
  const errorsT = useTranslations("Errors");
  const common = useTranslations("Common");
  const toast = useToast();
  const [includeSecrets, setIncludeSecrets] = useState(false);
  const [passphrase, setPassphrase] = useState("");
  const [confirmation, setConfirmation] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [isPending, startTransition] = useTransition();

  const download = () => {
    if (includeSecrets && passphrase !== confirmation) {
      setErrors({ confirmation: "passphraseMismatch" });
      return;
    }
    startTransition(async () => {
      let result: Awaited<ReturnType<typeof exportConfigAction>>;
      try {
        result = await exportConfigAction({ includeSecrets, passphrase: includeSecrets ? passphrase : "" });
      } catch {
        toast.error(errorsT("unexpected"));
        return;
      }
      if (!result.ok) {
        setErrors(result.fieldErrors ?? {});
        if (!result.fieldErrors)
          toast.error(
            errorsT.has(result.formError)
              ? errorsT(result.formError, { detail: result.errorDetail ?? "" })
              : errorsT("unexpected"),
          );
        return;
      }
      setErrors({});
      saveFile(result.data.fileName, result.data.text);
      toast.success(t("downloaded", { fileName: result.data.fileName }));
    });
  };

  return (
    <section className="card" data-testid="export-card">
      <h2 className="font-semibold text-slate-900">{t("title")}</h2>
      <p className="mt-1 text-sm text-slate-500">{t("body")}</p>
      <ul className="mt-3 list-disc space-y-1 pl-5 text-sm text-slate-600">
        <li>{t("includes")}</li>
        <li>{t("apiKeys")}</li>
        <li>{t("secretsNote")}</li>
      </ul>
      <div className="mt-4 flex items-start gap-3 rounded-md bg-slate-50 p-3">
        <input
          id="export-include-secrets"
          type="checkbox"
          checked={includeSecrets}
          onChange={(event) => {
            setIncludeSecrets(event.target.checked);
            setErrors({});
          }}
          className="mt-0.5 h-4 w-4 rounded border-slate-300 text-indigo-600"
          data-testid="export-include-secrets"
        />
        <label htmlFor="export-include-secrets" className="text-sm">
          <span className="font-medium text-slate-700">{t("includeSecrets")}</span>
          <span className="mt-0.5 block text-xs text-slate-500">{t("includeSecretsHelp")}</span>
        </label>
      </div>
      {includeSecrets ? (
        <div className="mt-4 grid gap-4 sm:grid-cols-2">
          <Field
            label={t("passphrase")}
            name="passphrase"
            type="password"
            autoComplete="new-password"
            value={passphrase}
            error={errors.passphrase}
            hint={t("passphraseHint")}
            onChange={(event) => setPassphrase(event.target.value)}
            data-testid="export-passphrase"
          />
          <Field
            label={t("confirmPassphrase")}
            name="confirmation"
            type="password"
            autoComplete="new-password"
            value={confirmation}
            error={errors.confirmation}
            onChange={(event) => setConfirmation(event.target.value)}
            data-testid="export-passphrase-confirm"
          />
        </div>
      ) : null}
      <div className="mt-6 flex justify-end">
        <button
          type="button"
          className="btn-primary"
          disabled={isPending}
          onClick={download}
          data-testid="export-download"
        >
          {isPending ? common("loading") : t("download")}
        </button>
      </div>
    </section>
  );
}
