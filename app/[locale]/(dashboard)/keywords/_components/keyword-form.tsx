"use client";

import { useTranslations } from "next-intl";
import { useState, useTransition, type FormEvent } from "react";
import { Field } from "../../_components/ui/field";
import { Modal } from "../../_components/ui/modal";
import { useToast } from "../../_components/ui/toast";
import { createKeywordAction, updateKeywordAction } from "../actions";
import { KEYWORD_MAX_LENGTH } from "../keyword-limits";

/** Adds a keyword, or edits one when `editing` is given; closes itself on success. */
export function KeywordForm({ editing, onClose }: { editing?: { id: number; keyword: string }; onClose: () => void }) {
  const t = useTranslations("Keywords");
  const errorsT = useTranslations("Errors");
  const common = useTranslations("Common");
  const toast = useToast();
  const [keyword, setKeyword] = useState(editing?.keyword ?? "");
  const [error, setError] = useState<string | undefined>();
  const [isPending, startTransition] = useTransition();

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    startTransition(async () => {
      const result = editing
        ? await updateKeywordAction({ id: editing.id, keyword })
        : await createKeywordAction({ keyword });
      if (result.ok) {
        toast.success(editing ? t("updated") : t("added"));
        onClose();
        return;
      }
      const fieldError = result.fieldErrors?.keyword;
      setError(fieldError);
      if (!fieldError)
        toast.error(errorsT(result.formError && errorsT.has(result.formError) ? result.formError : "unexpected"));
    });
  };

  return (
    <Modal title={editing ? t("editTitle") : t("addTitle")} onClose={onClose}>
      <form onSubmit={onSubmit} noValidate className="space-y-4" data-testid="keyword-form">
        <Field
          label={t("keyword")}
          name="keyword"
          value={keyword}
          onChange={(event) => setKeyword(event.target.value)}
          error={error}
          hint={t("keywordHint", { max: KEYWORD_MAX_LENGTH })}
          maxLength={KEYWORD_MAX_LENGTH + 50}
          placeholder={t("keywordPlaceholder")}
          autoComplete="off"
          autoFocus
          data-testid="keyword-input"
        />
        <div className="flex justify-end gap-3">
          <button type="button" className="btn-secondary" onClick={onClose}>
            {common("cancel")}
          </button>
          <button type="submit" className="btn-primary" disabled={isPending} data-testid="keyword-save">
            {isPending ? common("loading") : common("save")}
          </button>
        </div>
      </form>
    </Modal>
  );
}
