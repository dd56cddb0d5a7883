"use client";

import { useTranslations } from "next-intl";
import type { ConfigFailure } from "../config-types";

/** Why a preview or an apply stopped, as the translated `Errors` message its key names. */
export function ImportFailure({ failure }: { failure: ConfigFailure }) {
  const errorsT = useTranslations("Errors");
  const text = errorsT.has(failure.formError)
    ? errorsT(failure.formError, { detail: failure.errorDetail ?? "" })
    : errorsT("unexpected");
  return (
    <p
      role="alert"
      className="mt-4 break-words rounded-md bg-red-50 p-3 text-sm text-red-700"
      data-testid="import-error"
    >
      {text}
    </p>
  );
}
