"use client";

import { useTranslations } from "next-intl";
import { CopyButton } from "../../_components/ui/copy-button";
import { Modal } from "../../_components/ui/modal";
import { useToast } from "../../_components/ui/toast";

/**
 * Shows a just-created key, the only time it is ever visible. Escape and the backdrop do
 * not close it, so the key is not lost to a stray click; "Done" forgets it for good.
 */
export function NewKeyDialog({ name, apiKey, onDone }: { name: string; apiKey: string; onDone: () => void }) {
  const t = useTranslations("ApiKeys");
  const toast = useToast();
  return (
    <Modal title={t("newKeyTitle", { name })} onClose={() => undefined} wide>
      <div className="space-y-4" data-testid="new-key-dialog">
        <p
          className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-inset ring-amber-600/20"
          role="alert"
        >
          {t("newKeyWarning")}
        </p>
        <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
          <code
            className="min-w-0 flex-1 select-all break-all rounded bg-slate-100 px-3 py-2 font-mono text-sm text-slate-900"
            data-testid="new-api-key"
          >
            {apiKey}
          </code>
          <CopyButton
            text={apiKey}
            label={t("copy")}
            copiedLabel={t("copied")}
            onError={() => toast.error(t("copyFailed"))}
            className="btn-primary shrink-0"
            testId="copy-new-key"
          />
        </div>
        <p className="text-xs text-slate-500">{t("newKeyUsage")}</p>
        <div className="flex justify-end">
          <button type="button" className="btn-secondary" onClick={onDone} data-testid="close-new-key">
            {t("done")}
          </button>
        </div>
      </div>
    </Modal>
  );
}
