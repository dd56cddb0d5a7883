"use client";

import { useLocale, useTranslations } from "next-intl";
import { useActionState } from "react";
import { loginAction, type LoginState } from "./actions";

const initialState: LoginState = { error: null };

export function LoginForm() {
  const t = useTranslations("Login");
  const common = useTranslations("Common");
  const locale = useLocale();
  const [state, formAction, isPending] = useActionState(loginAction, initialState);

  return (
    <form action={formAction} className="space-y-4" data-testid="login-form">
      <input type="hidden" name="locale" value={locale} />
      <div>
        <label htmlFor="username" className="field-label">
          {t("username")}
        </label>
        <input id="username" name="username" autoComplete="username" required className="field-input" />
      </div>
      <div>
        <label htmlFor="password" className="field-label">
          {t("password")}
        </label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          className="field-input"
        />
      </div>
      {state.error ? (
        <p role="alert" className="field-error" data-testid="login-error">
          {t(state.error)}
        </p>
      ) : null}
      <button type="submit" className="btn-primary w-full" disabled={isPending}>
        {isPending ? common("loading") : t("submit")}
      </button>
    </form>
  );
}
