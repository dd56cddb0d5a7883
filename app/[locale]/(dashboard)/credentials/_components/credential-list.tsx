"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { ConfirmButton } from "../../_components/ui/confirm-button";
import { useToast } from "../../_components/ui/toast";
import { deleteCredentialAction } from "../actions";
import { CredentialDialog } from "./credential-dialog";

/** What the browser knows about an endpoint: never the key, only its hint. */
export interface CredentialItem {
  id: number;
  name: string;
  baseUrl: string;
  keyHint: string;
  providerCount: number;
  /** Null: the default list. */
  forwardHeaders: string[] | null;
  streamUsage: boolean;
  protocol: "openai" | "anthropic";
}

const columns = "md:grid md:grid-cols-[minmax(0,1.2fr)_minmax(0,2fr)_7rem_6rem_9rem] md:items-center md:gap-4";

export function CredentialList({ credentials }: { credentials: CredentialItem[] }) {
  const t = useTranslations("Credentials");
  return (
    <div className="card p-0">
      <div
        className={`hidden border-b border-slate-200 px-5 py-3 text-xs font-medium uppercase tracking-wide text-slate-500 ${columns}`}
      >
        <span>{t("columns.name")}</span>
        <span>{t("columns.baseUrl")}</span>
        <span>{t("columns.key")}</span>
        <span>{t("columns.providers")}</span>
        <span className="text-right">{t("columns.actions")}</span>
      </div>
      <ul className="divide-y divide-slate-200" data-testid="credential-list">
        {credentials.map((credential) => (
          <CredentialRow key={credential.id} credential={credential} />
        ))}
      </ul>
    </div>
  );
}

function CredentialRow({ credential }: { credential: CredentialItem }) {
  const t = useTranslations("Credentials");
  const errors = useTranslations("Errors");
  const toast = useToast();
  const [isEditing, setIsEditing] = useState(false);

  // ConfirmButton runs this in a transition and keeps its dialog busy until it resolves.
  const onDelete = async () => {
    const result = await deleteCredentialAction(credential.id);
    if (result.ok) toast.success(t("deleted", { name: credential.name }));
    else if (result.formError === "inUse") toast.error(t("deleteRefused"));
    else
      toast.error(errors.has(result.formError ?? "") ? errors(result.formError ?? "unexpected") : errors("unexpected"));
  };

  return (
    <li
      className={`space-y-2 px-5 py-4 md:space-y-0 ${columns}`}
      data-testid="credential-row"
      data-name={credential.name}
    >
      <div className="min-w-0 font-medium text-slate-900 [overflow-wrap:anywhere]">{credential.name}</div>
      <div className="min-w-0">
        <span className="mr-2 text-xs text-slate-500 md:hidden">{t("columns.baseUrl")}</span>
        <code className="text-sm text-slate-700 [overflow-wrap:anywhere]">{credential.baseUrl}</code>
      </div>
      <div>
        <span className="mr-2 text-xs text-slate-500 md:hidden">{t("columns.key")}</span>
        <code className="text-sm text-slate-700" data-testid="key-hint">
          {credential.keyHint}
        </code>
      </div>
      <div className="text-sm text-slate-700" data-testid="provider-count">
        <span className="mr-2 text-xs text-slate-500 md:hidden">{t("columns.providers")}</span>
        {t("providerCount", { count: credential.providerCount })}
      </div>
      <div className="flex gap-4 pt-1 md:justify-end md:pt-0">
        <button
          type="button"
          className="text-sm font-medium text-indigo-600 hover:text-indigo-500"
          onClick={() => setIsEditing(true)}
          data-testid="edit-credential"
        >
          {t("edit")}
        </button>
        <ConfirmButton
          label={t("delete")}
          title={t("deleteTitle")}
          question={
            credential.providerCount > 0
              ? t("deleteInUse", { count: credential.providerCount })
              : t("deleteQuestion", { name: credential.name })
          }
          confirmLabel={t("delete")}
          onConfirm={onDelete}
          testId="delete-credential"
        />
      </div>
      {isEditing ? <CredentialDialog credential={credential} onClose={() => setIsEditing(false)} /> : null}
    </li>
  );
}
