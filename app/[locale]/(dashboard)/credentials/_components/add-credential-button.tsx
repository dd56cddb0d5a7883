"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { CredentialDialog } from "./credential-dialog";

export function AddCredentialButton() {
  const t = useTranslations("Credentials");
  const [isOpen, setIsOpen] = useState(false);
  return (
    <>
      <button type="button" className="btn-primary" onClick={() => setIsOpen(true)} data-testid="add-credential">
        {t("add")}
      </button>
      {isOpen ? <CredentialDialog onClose={() => setIsOpen(false)} /> : null}
    </>
  );
}
