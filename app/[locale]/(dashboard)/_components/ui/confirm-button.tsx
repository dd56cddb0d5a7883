"use client";

import { useTranslations } from "next-intl";
import { useState, useTransition, type ReactNode } from "react";
import { Modal } from "./modal";

/**
 * A destructive button that asks first, in the page (never window.confirm), then runs
 * `onConfirm`. The question and labels arrive translated.
 */
export function ConfirmButton({
  label,
  title,
  question,
  confirmLabel,
  onConfirm,
  className = "text-sm font-medium text-red-600 hover:text-red-500",
  testId,
}: {
  label: ReactNode;
  title: string;
  question: string;
  confirmLabel: string;
  onConfirm: () => Promise<void> | void;
  className?: string;
  testId?: string;
}) {
  const common = useTranslations("Common");
  const [isOpen, setIsOpen] = useState(false);
  const [isPending, startTransition] = useTransition();
  return (
    <>
      <button type="button" className={className} onClick={() => setIsOpen(true)} data-testid={testId}>
        {label}
      </button>
      {isOpen ? (
        <Modal title={title} onClose={() => setIsOpen(false)}>
          <p className="text-sm text-slate-600">{question}</p>
          <div className="mt-6 flex justify-end gap-3">
            <button type="button" className="btn-secondary" onClick={() => setIsOpen(false)}>
              {common("cancel")}
            </button>
            <button
              type="button"
              className="inline-flex items-center rounded-md bg-red-600 px-4 py-2 text-sm font-medium text-white hover:bg-red-500 disabled:opacity-60"
              disabled={isPending}
              data-testid="confirm"
              onClick={() =>
                startTransition(async () => {
                  await onConfirm();
                  setIsOpen(false);
                })
              }
            >
              {isPending ? common("loading") : confirmLabel}
            </button>
          </div>
        </Modal>
      ) : null}
    </>
  );
}
