"use client";

import { useTranslations } from "next-intl";
import { readPlaygroundError } from "@/lib/playground/playground-error";
import { AttemptList } from "./attempt-list";

/** A failed turn, translated by its code; the attempts when the gateway tried providers. */
export function TurnError({ error }: { error: Error }) {
  const t = useTranslations("Playground");
  const { code, turn } = readPlaygroundError(error.message);
  const attempts = turn?.attempts ?? [];
  return (
    <div
      role="alert"
      className="max-w-[85%] rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800"
      data-testid="playground-error"
      data-code={code}
    >
      <p className="font-medium">{t(`errors.${code}`)}</p>
      {attempts.length > 0 ? (
        <details className="mt-2" open={attempts.length > 1} data-testid="turn-attempts">
          <summary className="cursor-pointer select-none text-xs font-medium">
            {t("turn.attemptsSummary", { count: attempts.length })}
          </summary>
          <AttemptList attempts={attempts} />
        </details>
      ) : null}
    </div>
  );
}
