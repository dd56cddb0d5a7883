"use client";

import { useTranslations } from "next-intl";
import { useState, type ReactNode } from "react";
import { NavLinks } from "./nav-links";

export function MobileNav({ signOut }: { signOut: ReactNode }) {
  const t = useTranslations("Nav");
  const [isOpen, setIsOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className="btn-secondary px-3"
        aria-expanded={isOpen}
        onClick={() => setIsOpen((open) => !open)}
      >
        {t("menu")}
      </button>
      {isOpen ? (
        <div className="fixed inset-0 z-40 bg-slate-900/30" onClick={() => setIsOpen(false)}>
          <nav className="h-full w-64 space-y-4 bg-white p-4 shadow-xl" onClick={(event) => event.stopPropagation()}>
            <NavLinks onNavigate={() => setIsOpen(false)} />
            <div className="border-t border-slate-200 pt-4">{signOut}</div>
          </nav>
        </div>
      ) : null}
    </>
  );
}
