"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { ProviderDialog } from "./provider-dialog";
import type { EndpointOption, TimeoutDefaults } from "./provider-types";

export function AddProviderButton({ endpoints, defaults }: { endpoints: EndpointOption[]; defaults: TimeoutDefaults }) {
  const t = useTranslations("Providers");
  const [isOpen, setIsOpen] = useState(false);
  return (
    <>
      <button type="button" className="btn-primary" onClick={() => setIsOpen(true)} data-testid="add-provider">
        {t("add")}
      </button>
      {isOpen ? <ProviderDialog endpoints={endpoints} defaults={defaults} onClose={() => setIsOpen(false)} /> : null}
    </>
  );
}
