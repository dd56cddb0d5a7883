"use client";

import { useTranslations } from "next-intl";
import { useRouter } from "@/app/_framework/i18n/navigation";
import { useState, useTransition, type ChangeEvent } from "react";
import type { ImportPlan } from "@/lib/config-transfer";
import type { ImportSourceName } from "@/lib/config-transfer/sources";
import { ConfirmButton } from "../../_components/ui/confirm-button";
import { Field } from "../../_components/ui/field";
import { useToast } from "../../_components/ui/toast";
import { MAX_SOURCE_UPLOAD_BYTES, type ConfigFailure } from "../config-types";
import { applySourceImportAction, previewSourceImportAction } from "../source-actions";
import { FilePicker } from "./file-picker";
import { ImportFailure } from "./import-failure";
import { ImportPlanView } from "./import-plan";
import { PruneOption } from "./prune-option";

const ACCEPT: Record<ImportSourceName, string> = {
  niceapi: ".db,.sqlite,.sqlite3,application/vnd.sqlite3,application/x-sqlite3",
  oneapi: ".db,.sqlite,.sqlite3,application/vnd.sqlite3,application/x-sqlite3",
  litellm: ".yaml,.yml,application/yaml,text/yaml",
};

/** Another gateway's data: its database file or config.yaml, or (one-api) its database URL. */
export function SourceImportForm({ source }: { source: ImportSourceName }) {
  const t = useTranslations("Config.import");
  const common = useTranslations("Common");
  const toast = useToast();
  const router = useRouter();
  const [file, setFile] = useState<File | null>(null);
  const [url, setUrl] = useState("");
  const [prune, setPrune] = useState(false);
  const [plan, setPlan] = useState<ImportPlan | null>(null);
  const [leftOut, setLeftOut] = useState(0);
  const [failure, setFailure] = useState<ConfigFailure | null>(null);
  const [isPending, startTransition] = useTransition();
  const isUrl = source === "oneapi" && url.trim() !== "";

  const reset = () => {
    setPlan(null);
    setFailure(null);
  };

  const onFile = (event: ChangeEvent<HTMLInputElement>) => {
    reset();
    const chosen = event.target.files?.[0] ?? null;
    if (chosen && chosen.size > MAX_SOURCE_UPLOAD_BYTES) {
      setFile(null);
      setFailure({ ok: false, formError: "sourceFileTooLarge" });
      return;
    }
    setFile(chosen);
  };

  // Sent again on apply: the server keeps no upload between the preview and the apply.
  const form = () => {
    const data = new FormData();
    data.set("source", source);
    if (isUrl) data.set("url", url.trim());
    else if (file) data.set("file", file);
    if (prune) data.set("prune", "on");
    return data;
  };

  const preview = () =>
    startTransition(async () => {
      reset();
      try {
        const result = await previewSourceImportAction(form());
        if (!result.ok) return setFailure(result);
        setPlan(result.data.plan);
        setLeftOut(result.data.leftOut);
      } catch {
        setFailure({ ok: false, formError: "unexpected" });
      }
    });

  const apply = async () => {
    try {
      const result = await applySourceImportAction(form());
      setPlan(null);
      if (!result.ok) return setFailure(result);
      toast.success(
        result.data.isApplied ? t("applied", { count: result.data.plan.changes.length }) : t("nothingApplied"),
      );
      router.refresh();
    } catch {
      setFailure({ ok: false, formError: "unexpected" });
    }
  };

  const what = isUrl ? url.replace(/\/\/[^@/]*@/, "//") : (file?.name ?? "");
  return (
    <>
      <div className="mt-4 space-y-4">
        <p className="text-sm text-slate-500">{t(`sourceHelp.${source}`)}</p>
        <FilePicker
          id="source-file"
          label={t(source === "litellm" ? "yamlFile" : "databaseFile")}
          buttonLabel={t("chooseFile")}
          fileName={file?.name ?? t("noFile")}
          accept={ACCEPT[source]}
          onChange={onFile}
          testId="source-file"
        />
        {source === "oneapi" ? (
          <Field
            label={t("databaseUrl")}
            name="source-url"
            type="text"
            inputMode="url"
            autoComplete="off"
            spellCheck={false}
            placeholder="mysql://user:password@host:3306/oneapi"
            value={url}
            hint={t("databaseUrlHint")}
            onChange={(event) => {
              setUrl(event.target.value);
              reset();
            }}
            data-testid="source-url"
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
      {plan && leftOut > 0 ? (
        <p className="mt-3 rounded-md bg-slate-50 p-3 text-sm text-slate-600" data-testid="import-left-out">
          {t("leftOut", { count: leftOut })}
        </p>
      ) : null}
      <div className="mt-6 flex flex-wrap justify-end gap-3">
        <button
          type="button"
          className="btn-secondary"
          disabled={(!file && !isUrl) || isPending}
          onClick={preview}
          data-testid="import-preview"
        >
          {isPending ? common("loading") : t("preview")}
        </button>
        {plan && plan.changes.length > 0 ? (
          <ConfirmButton
            label={t("apply", { count: plan.changes.length })}
            title={t("confirmSourceTitle")}
            question={t("confirmQuestion", { count: plan.changes.length, file: what })}
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
