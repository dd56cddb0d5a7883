"use client";

import { useTranslations } from "next-intl";
import { createContext, useContext, useState, type ReactNode } from "react";
import { useToast } from "../../_components/ui/toast";
import { KeyFormModal, type GroupOption } from "./key-form-modal";
import { NewKeyDialog } from "./new-key-dialog";

const OpenFormContext = createContext<() => void>(() => undefined);

/**
 * Holds the "new key" form and the one-time display of the created key above the page's
 * content, so the dialog survives the list re-rendering (the empty state disappearing).
 */
export function NewKeyProvider({ groups, children }: { groups: GroupOption[]; children: ReactNode }) {
  const t = useTranslations("ApiKeys");
  const toast = useToast();
  const [isFormOpen, setIsFormOpen] = useState(false);
  // Held only in this component's memory until "Done"; never stored or sent anywhere.
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  return (
    <OpenFormContext.Provider value={() => setIsFormOpen(true)}>
      {children}
      {isFormOpen ? (
        <KeyFormModal
          groups={groups}
          onClose={() => setIsFormOpen(false)}
          onCreated={(result) => {
            setCreated(result);
            toast.success(t("created", { name: result.name }));
          }}
        />
      ) : null}
      {created ? <NewKeyDialog name={created.name} apiKey={created.key} onDone={() => setCreated(null)} /> : null}
    </OpenFormContext.Provider>
  );
}

export function NewKeyButton({ testId = "new-key" }: { testId?: string }) {
  const t = useTranslations("ApiKeys");
  const open = useContext(OpenFormContext);
  return (
    <button type="button" className="btn-primary" onClick={open} data-testid={testId}>
      {t("newKey")}
    </button>
  );
}
