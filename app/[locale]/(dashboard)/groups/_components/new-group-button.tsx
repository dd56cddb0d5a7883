"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { GroupFormModal } from "./group-form-modal";

export function NewGroupButton({ testId = "new-group" }: { testId?: string }) {
  const t = useTranslations("Groups");
  const [isOpen, setIsOpen] = useState(false);
  return (
    <>
      <button type="button" className="btn-primary" onClick={() => setIsOpen(true)} data-testid={testId}>
        {t("newGroup")}
      </button>
      {isOpen ? <GroupFormModal onClose={() => setIsOpen(false)} /> : null}
    </>
  );
}
