"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { KeywordForm } from "./keyword-form";

export function AddKeywordButton({ testId = "add-keyword" }: { testId?: string }) {
  const t = useTranslations("Keywords");
  const [isOpen, setIsOpen] = useState(false);
  return (
    <>
      <button type="button" className="btn-primary" onClick={() => setIsOpen(true)} data-testid={testId}>
        {t("add")}
      </button>
      {isOpen ? <KeywordForm onClose={() => setIsOpen(false)} /> : null}
    </>
  );
}
