"use client";

import { useTranslations } from "next-intl";
import { useState, useTransition, type FormEvent } from "react";
import { ROLES, type Role } from "@/lib/roles";
import { Field } from "../../_components/ui/field";
import { Modal } from "../../_components/ui/modal";
import { useToast } from "../../_components/ui/toast";
import { createUserAction } from "../actions";

/** Adds a local account with a temporary password, to be changed at its first sign-in. */
export function AddUserButton() {
  const t = useTranslations("Users");
  const errorsT = useTranslations("Errors");
  const common = useTranslations("Common");
  const toast = useToast();
  const [isOpen, setIsOpen] = useState(false);
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [isPending, startTransition] = useTransition();

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    startTransition(async () => {
      const result = await createUserAction({ username, password, role });
      if (result.ok) {
        toast.success(t("added"));
        setIsOpen(false);
        setUsername("");
        setPassword("");
        setErrors({});
        return;
      }
      setErrors(result.fieldErrors ?? {});
      if (!result.fieldErrors)
        toast.error(errorsT(result.formError && errorsT.has(result.formError) ? result.formError : "unexpected"));
    });
  };

  return (
    <>
      <button type="button" className="btn-primary" onClick={() => setIsOpen(true)} data-testid="add-user">
        {t("add")}
      </button>
      {isOpen ? (
        <Modal title={t("addTitle")} onClose={() => setIsOpen(false)}>
          <form onSubmit={onSubmit} noValidate className="space-y-4" data-testid="user-form">
            <Field
              label={t("username")}
              name="username"
              value={username}
              onChange={(event) => setUsername(event.target.value)}
              error={errors.username}
              autoComplete="off"
              autoFocus
              data-testid="user-username"
            />
            <Field
              label={t("temporaryPassword")}
              name="password"
              type="password"
              value={password}
              onChange={(event) => setPassword(event.target.value)}
              error={errors.password}
              hint={t("temporaryPasswordHint")}
              autoComplete="new-password"
              data-testid="user-password"
            />
            <div>
              <label htmlFor="user-role" className="field-label">
                {t("role")}
              </label>
              <select
                id="user-role"
                className="field-input"
                value={role}
                onChange={(event) => setRole(event.target.value as Role)}
                data-testid="user-role"
              >
                {ROLES.map((option) => (
                  <option key={option} value={option}>
                    {t(`roles.${option}`)}
                  </option>
                ))}
              </select>
            </div>
            <div className="flex justify-end gap-3">
              <button type="button" className="btn-secondary" onClick={() => setIsOpen(false)}>
                {common("cancel")}
              </button>
              <button type="submit" className="btn-primary" disabled={isPending} data-testid="user-save">
                {isPending ? common("loading") : common("save")}
              </button>
            </div>
          </form>
        </Modal>
      ) : null}
    </>
  );
}
