"use client";

import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import { Link } from "@/app/_framework/i18n/navigation";
import { Field } from "../../_components/ui/field";
import { fromLimitTexts, LimitFields, toLimitTexts, type LimitTexts } from "../../_components/limit-fields";
import { KEY_LIMIT_FIELDS, type KeyLimits } from "@/db/limits";
import { Modal } from "../../_components/ui/modal";
import { useToast } from "../../_components/ui/toast";
import { useAction } from "../../_components/ui/use-action";
import { createApiKeyAction, updateApiKeyAction } from "../actions";
import { expiryFromChoice, expiryPresetDays, toDateInputValue, type ExpiryChoice } from "./expiry";

export interface GroupOption {
  id: number;
  name: string;
}

export interface EditableKey {
  id: number;
  name: string;
  allGroups: boolean;
  groupIds: number[];
  expiresAt: number | null;
  /** The current expiry, formatted for the "keep" option. */
  expiresLabel: string;
  limits: KeyLimits;
}

/** Creates a key (then hands the full key to `onCreated`) or edits one when `apiKey` is given. */
export function KeyFormModal({
  groups,
  apiKey,
  onClose,
  onCreated,
}: {
  groups: GroupOption[];
  apiKey?: EditableKey;
  onClose: () => void;
  onCreated?: (created: { name: string; key: string }) => void;
}) {
  const t = useTranslations("ApiKeys");
  const common = useTranslations("Common");
  const errors = useTranslations("Errors");
  const toast = useToast();
  const { run, isPending } = useAction();
  const [name, setName] = useState(apiKey?.name ?? "");
  const [allGroups, setAllGroups] = useState(apiKey?.allGroups ?? false);
  const [groupIds, setGroupIds] = useState<number[]>(apiKey?.groupIds ?? []);
  const [expiry, setExpiry] = useState<ExpiryChoice>(apiKey ? (apiKey.expiresAt === null ? "never" : "keep") : "never");
  const [expiryDate, setExpiryDate] = useState("");
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [limits, setLimits] = useState<LimitTexts>(toLimitTexts(apiKey?.limits));

  const clearGroupsError = () => setFieldErrors(({ groupIds: _cleared, ...rest }) => rest);
  const toggleGroup = (groupId: number, isChecked: boolean) => {
    clearGroupsError();
    setGroupIds((current) => (isChecked ? [...current, groupId] : current.filter((other) => other !== groupId)));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const expiresAt = expiryFromChoice(expiry, expiryDate, Date.now());
    if (expiresAt === "invalid") {
      setFieldErrors({ expiresAt: expiryDate === "" ? "required" : "invalid" });
      return;
    }
    setFieldErrors({});
    // Only groups that still exist are sent; a stale id would fail the whole save.
    const known = groupIds.filter((groupId) => groups.some((group) => group.id === groupId));
    const input = { name, allGroups, groupIds: known, expiresAt, ...fromLimitTexts(KEY_LIMIT_FIELDS, limits) };
    if (apiKey) {
      void run(() => updateApiKeyAction(apiKey.id, input), {
        onFieldErrors: setFieldErrors,
        onSuccess: () => {
          toast.success(t("updated", { name: name.trim() }));
          onClose();
        },
      });
    } else {
      void run(() => createApiKeyAction(input), {
        onFieldErrors: setFieldErrors,
        onSuccess: (data) => {
          if (data) onCreated?.({ name: name.trim(), key: data.key });
          onClose();
        },
      });
    }
  };

  const errorText = (key: string | undefined) => (key ? (errors.has(key) ? errors(key) : errors("invalid")) : null);
  const groupsError = errorText(fieldErrors.groupIds);
  const expiryError = errorText(fieldErrors.expiresAt);

  return (
    <Modal title={apiKey ? t("editTitle") : t("createTitle")} onClose={onClose} wide>
      <form onSubmit={submit} className="space-y-5" data-testid="key-form" noValidate>
        <Field
          label={t("name")}
          name="name"
          value={name}
          onChange={(event) => setName(event.target.value)}
          error={fieldErrors.name}
          hint={t("nameHint")}
          maxLength={100}
          autoComplete="off"
          autoFocus
        />

        <fieldset>
          <legend className="field-label">{t("groups")}</legend>
          <div className="mt-2 space-y-2 text-sm">
            <label className="flex items-start gap-2">
              <input
                type="radio"
                name="scope"
                className="mt-0.5"
                checked={allGroups}
                onChange={() => {
                  clearGroupsError();
                  setAllGroups(true);
                }}
                data-testid="key-all-groups"
              />
              <span>{t("allGroups")}</span>
            </label>
            <label className="flex items-start gap-2">
              <input
                type="radio"
                name="scope"
                className="mt-0.5"
                checked={!allGroups}
                onChange={() => setAllGroups(false)}
                data-testid="key-some-groups"
              />
              <span>{t("someGroups")}</span>
            </label>
          </div>
          {!allGroups ? (
            groups.length === 0 ? (
              <p className="mt-2 rounded-md border border-dashed border-slate-300 px-3 py-2 text-sm text-slate-500">
                {t("noGroupsYet")}{" "}
                <Link href="/groups" className="font-medium text-indigo-600 hover:text-indigo-500">
                  {t("goToGroups")}
                </Link>
              </p>
            ) : (
              <div
                className="mt-2 grid max-h-48 gap-1 overflow-y-auto rounded-md border border-slate-200 p-2 sm:grid-cols-2"
                data-testid="key-group-list"
              >
                {groups.map((group) => (
                  <label
                    key={group.id}
                    className="flex min-w-0 items-center gap-2 rounded px-2 py-1 text-sm hover:bg-slate-50"
                  >
                    <input
                      type="checkbox"
                      checked={groupIds.includes(group.id)}
                      onChange={(event) => toggleGroup(group.id, event.target.checked)}
                      data-testid="key-group"
                      data-group-name={group.name}
                    />
                    <span className="truncate font-mono">{group.name}</span>
                  </label>
                ))}
              </div>
            )
          ) : null}
          {groupsError ? (
            <p role="alert" className="field-error" data-testid="error-groupIds">
              {groupsError}
            </p>
          ) : null}
        </fieldset>

        <div className="grid gap-3 sm:grid-cols-2">
          <div>
            <label htmlFor="key-expiry" className="field-label">
              {t("expiry")}
            </label>
            <select
              id="key-expiry"
              className="field-input"
              value={expiry}
              onChange={(event) => setExpiry(event.target.value as ExpiryChoice)}
              data-testid="key-expiry"
            >
              {apiKey && apiKey.expiresAt !== null ? (
                <option value="keep">{t("expiryKeep", { date: apiKey.expiresLabel })}</option>
              ) : null}
              <option value="never">{t("expiryNever")}</option>
              {expiryPresetDays.map((days) => (
                <option key={days} value={String(days)}>
                  {t("expiryDays", { days })}
                </option>
              ))}
              <option value="date">{t("expiryCustom")}</option>
            </select>
          </div>
          {expiry === "date" ? (
            <div>
              <label htmlFor="key-expiry-date" className="field-label">
                {t("expiryDate")}
              </label>
              <input
                id="key-expiry-date"
                type="date"
                className="field-input"
                min={toDateInputValue(new Date())}
                value={expiryDate}
                onChange={(event) => setExpiryDate(event.target.value)}
                aria-invalid={expiryError ? true : undefined}
                data-testid="key-expiry-date"
              />
            </div>
          ) : null}
        </div>
        {expiryError ? (
          <p role="alert" className="field-error" data-testid="error-expiresAt">
            {expiryError}
          </p>
        ) : null}

        <LimitFields
          fields={KEY_LIMIT_FIELDS}
          texts={limits}
          onChange={setLimits}
          errors={fieldErrors}
          hint={t("limitsHint")}
        />

        <div className="flex justify-end gap-3 pt-2">
          <button type="button" className="btn-secondary" onClick={onClose}>
            {common("cancel")}
          </button>
          <button type="submit" className="btn-primary" disabled={isPending} data-testid="key-submit">
            {isPending ? common("loading") : apiKey ? common("save") : t("create")}
          </button>
        </div>
      </form>
    </Modal>
  );
}
