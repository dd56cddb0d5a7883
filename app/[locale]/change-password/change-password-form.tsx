"use client";

import { useLocale, useTranslations } from "next-intl";
import { useActionState } from "react";
import { changePasswordAction, type ChangePasswordState } from "./actions";

const initialState: ChangePasswordState = { formError: null, fieldErrors: {} };
const fields = [
  { name: "current", autoComplete: "current-password" },
  { name: "next", autoComplete: "new-password" },
  { name: "confirm", autoComplete: "new-password" },
] as const;

export function ChangePasswordForm() {
  const t = useTranslations("ChangePassword");
  const common = useTranslations("Common");
  const locale = useLocale();
  const [state, formAction, isPending] = useActionState(changePasswordAction, initialState);

  return (
    <form action={formAction} className="space-y-4" data-testid="change-password-form">
      <input type="hidden" name="locale" value={locale} />
      {fields.map((field) => {
        const error = state.fieldErrors[field.name];
        return (
          <div key={field.name}>
            <label htmlFor={`password-${field.name}`} className="field-label">
              {t(field.name)}
            </label>
            <input
              id={`password-${field.name}`}
              name={field.name}
              type="password"
              autoComplete={field.autoComplete}
              required
              aria-invalid={error ? true : undefined}
              className="field-input"
            />
            {error ? (
              <p role="alert" className="field-error">
                {t(error)}
              </p>
            ) : null}
          </div>
        );
      })}
      {state.formError ? (
        <p role="alert" className="field-error">
          {common(state.formError)}
        </p>
      ) : null}
      <button type="submit" className="btn-primary w-full" disabled={isPending}>
        {isPending ? common("loading") : t("submit")}
      </button>
    </form>
  );
}
