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
import { FilePicker } from "./file-picker";
import { ImportFailure } from "./import-failure";
import { ImportPlanView } from "./import-plan";
import { PruneOption } from "./prune-option";

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

/** Our own configuration document (JSON), with its passphrase when it carries provider keys. */
export function DocumentImportForm() {
  const t = useTranslations("Config.import");
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

  return (
    <>
      <div className="mt-4 space-y-4">
        <FilePicker
          id="import-file"
          label={t("file")}
          buttonLabel={t("chooseFile")}
          fileName={file?.name ?? t("noFile")}
          accept=".json,application/json"
          onChange={(event) => void onFile(event)}
          testId="import-file"
        />
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
        <PruneOption
          checked={prune}
          onChange={(checked) => {
            setPrune(checked);
            reset();
          }}
        />
      </div>
      {failure ? <ImportFailure failure={failure} /> : null}
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
    </>
  );
}
