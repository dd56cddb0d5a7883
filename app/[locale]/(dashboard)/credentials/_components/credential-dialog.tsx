"use client";

import { useTranslations } from "next-intl";
import { useState, useTransition, type FormEvent } from "react";
import { DEFAULT_FORWARD_HEADERS } from "@/lib/gateway/forward-headers";
import { Field } from "../../_components/ui/field";
import { SelectField } from "../../providers/_components/form-controls";
import { Modal } from "../../_components/ui/modal";
import { useToast } from "../../_components/ui/toast";
import { createCredentialAction, updateCredentialAction } from "../actions";
import type { CredentialItem } from "./credential-list";

/**
 * Add or edit an endpoint. The key input is write-only: it starts empty on edit, and leaving
 * it blank keeps the stored key (the browser never receives it).
 */
export function CredentialDialog({ credential, onClose }: { credential?: CredentialItem; onClose: () => void }) {
  const t = useTranslations("Credentials");
  const errors = useTranslations("Errors");
  const common = useTranslations("Common");
  const toast = useToast();
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [isPending, startTransition] = useTransition();
  const isEdit = credential !== undefined;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const input = {
      name: String(data.get("name") ?? ""),
      baseUrl: String(data.get("baseUrl") ?? ""),
      apiKey: String(data.get("apiKey") ?? ""),
      forwardHeaders: String(data.get("forwardHeaders") ?? ""),
      streamUsage: data.get("streamUsage") === "on",
      protocol: String(data.get("protocol") ?? "openai"),
    };
    startTransition(async () => {
      const result = isEdit ? await updateCredentialAction(credential.id, input) : await createCredentialAction(input);
      if (result.ok) {
        toast.success(isEdit ? t("saved") : t("created"));
        onClose();
        return;
      }
      setFieldErrors(result.fieldErrors ?? {});
      setFormError(result.formError ?? null);
    });
  };

  return (
    <Modal title={isEdit ? t("editTitle") : t("addTitle")} onClose={onClose}>
      <form onSubmit={onSubmit} className="space-y-4" data-testid="credential-form" noValidate>
        <Field
          label={t("fields.name")}
          name="name"
          defaultValue={credential?.name ?? ""}
          error={fieldErrors.name}
          maxLength={100}
          autoComplete="off"
          required
        />
        <SelectField
          label={t("fields.protocol")}
          name="protocol"
          defaultValue={credential?.protocol ?? "openai"}
          hint={t("hints.protocol")}
          error={fieldErrors.protocol}
          data-testid="credential-protocol"
        >
          <option value="openai">{t("protocols.openai")}</option>
          <option value="anthropic">{t("protocols.anthropic")}</option>
        </SelectField>
        <Field
          label={t("fields.baseUrl")}
          name="baseUrl"
          type="url"
          defaultValue={credential?.baseUrl ?? ""}
          placeholder="https://api.example.com/v1"
          hint={t("hints.baseUrl")}
          error={fieldErrors.baseUrl}
          autoComplete="off"
          required
        />
        <Field
          label={t("fields.apiKey")}
          name="apiKey"
          type="password"
          defaultValue=""
          placeholder={isEdit ? credential.keyHint : "sk-…"}
          hint={isEdit ? t("hints.keepKey", { hint: credential.keyHint }) : t("hints.newKey")}
          error={fieldErrors.apiKey}
          autoComplete="new-password"
          spellCheck={false}
          required={!isEdit}
        />
        <Field
          label={t("fields.forwardHeaders")}
          name="forwardHeaders"
          defaultValue={(credential?.forwardHeaders ?? DEFAULT_FORWARD_HEADERS).join(", ")}
          hint={t("hints.forwardHeaders")}
          error={fieldErrors.forwardHeaders}
          autoComplete="off"
          spellCheck={false}
        />
        <div className="flex items-start gap-3 rounded-md bg-slate-50 p-3">
          <input
            id="field-streamUsage"
            name="streamUsage"
            type="checkbox"
            defaultChecked={credential?.streamUsage ?? true}
            className="mt-0.5 h-4 w-4 rounded border-slate-300 text-indigo-600"
            data-testid="credential-streamUsage"
          />
          <label htmlFor="field-streamUsage" className="text-sm">
            <span className="font-medium text-slate-700">{t("fields.streamUsage")}</span>
            <span className="mt-0.5 block text-xs text-slate-500">{t("hints.streamUsage")}</span>
          </label>
        </div>
        {formError ? (
          <p role="alert" className="field-error" data-testid="form-error">
            {errors.has(formError) ? errors(formError) : errors("unexpected")}
          </p>
        ) : null}
        <div className="flex justify-end gap-3 pt-2">
          <button type="button" className="btn-secondary" onClick={onClose}>
            {common("cancel")}
          </button>
          <button type="submit" className="btn-primary" disabled={isPending} data-testid="credential-submit">
            {isPending ? common("loading") : common("save")}
          </button>
        </div>
      </form>
    </Modal>
  );
}
