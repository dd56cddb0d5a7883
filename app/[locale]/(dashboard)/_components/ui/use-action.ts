"use client";

import { useTranslations } from "next-intl";
import { useCallback, useTransition } from "react";
import type { ActionResult } from "@/lib/action-result";
import { useToast } from "./toast";

interface RunHandlers<T> {
  onSuccess?: (data: T | undefined) => void;
  /** Field errors (Errors keys) for a form; without it the first one is shown as a toast. */
  onFieldErrors?: (fieldErrors: Record<string, string>) => void;
}

/**
 * Runs a server action in a transition and turns its result into feedback: field errors
 * go back to the form, a form error (or a failed request) becomes a translated toast.
 * `run` resolves to whether the action succeeded.
 */
export function useAction() {
  const toast = useToast();
  const errors = useTranslations("Errors");
  const [isPending, startTransition] = useTransition();
  const run = useCallback(
    <T>(action: () => Promise<ActionResult<T>>, handlers: RunHandlers<T> = {}): Promise<boolean> => {
      const explain = (key: string | undefined) => toast.error(errors(key && errors.has(key) ? key : "unexpected"));
      return new Promise<boolean>((resolve) =>
        startTransition(async () => {
          let result: ActionResult<T>;
          try {
            result = await action();
          } catch {
            explain("unexpected");
            resolve(false);
            return;
          }
          if (result.ok) {
            handlers.onSuccess?.(result.data);
            resolve(true);
            return;
          }
          const fieldErrors = result.fieldErrors ?? {};
          if (Object.keys(fieldErrors).length > 0 && handlers.onFieldErrors) handlers.onFieldErrors(fieldErrors);
          else explain(result.formError ?? Object.values(fieldErrors)[0]);
          resolve(false);
        }),
      );
    },
    [errors, toast],
  );
  return { run, isPending };
}
