"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { TargetForm } from "./target-form";

export function AddTargetButton({ testId = "add-target" }: { testId?: string }) {
  const t = useTranslations("Alerts");
  const [isOpen, setIsOpen] = useState(false);
  return (
    <>
      <button type="button" className="btn-primary" onClick={() => setIsOpen(true)} data-testid={testId}>
        {t("add")}
      </button>
      {isOpen ? <TargetForm onClose={() => setIsOpen(false)} /> : null}
    </>
  );
}
