"use client";

import { useTranslations } from "next-intl";
import { useState, useTransition, type FormEvent } from "react";
import type { AlertTargetView } from "@/db/queries/alerts";
import { SUBSCRIBABLE_EVENTS, type SubscribableEvent, type TargetKind } from "@/lib/alerts/events";
import { Field } from "../../_components/ui/field";
import { Modal } from "../../_components/ui/modal";
import { useToast } from "../../_components/ui/toast";
import { createAlertTargetAction, updateAlertTargetAction } from "../actions";
import { TARGET_NAME_MAX, TARGET_URL_MAX } from "../target-input";

/** Adds a target, or edits one when `editing` is given. The secret is write-only: never shown again. */
export function TargetForm({ editing, onClose }: { editing?: AlertTargetView; onClose: () => void }) {
  const t = useTranslations("Alerts");
  const errorsT = useTranslations("Errors");
  const common = useTranslations("Common");
  const toast = useToast();
  const [name, setName] = useState(editing?.name ?? "");
  const [kind, setKind] = useState<TargetKind>(editing?.kind ?? "generic");
  // On edit the stored URL is not in the browser (only its origin): empty keeps it.
  const [url, setUrl] = useState("");
  const [secret, setSecret] = useState("");
  const [clearSecret, setClearSecret] = useState(false);
  const [events, setEvents] = useState<SubscribableEvent[]>(
    (editing?.events.filter((event) => event !== "test") as SubscribableEvent[]) ?? [...SUBSCRIBABLE_EVENTS],
  );
  const [isEnabled, setIsEnabled] = useState(editing?.isEnabled ?? true);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [isPending, startTransition] = useTransition();

  const toggleEvent = (event: SubscribableEvent, isOn: boolean) =>
    setEvents((current) => (isOn ? [...current, event] : current.filter((entry) => entry !== event)));

  const onSubmit = (formEvent: FormEvent<HTMLFormElement>) => {
    formEvent.preventDefault();
    // An empty secret field on edit keeps the stored secret; the checkbox removes it.
    const secretInput = clearSecret ? "" : secret === "" ? (editing ? undefined : "") : secret;
    const input = { name, kind, url, secret: kind === "slack" ? "" : secretInput, events, isEnabled };
    startTransition(async () => {
      const result = editing
        ? await updateAlertTargetAction({ ...input, id: editing.id })
        : await createAlertTargetAction(input);
      if (result.ok) {
        toast.success(editing ? t("updated") : t("added"));
        onClose();
        return;
      }
      setErrors(result.fieldErrors ?? {});
      if (!result.fieldErrors)
        toast.error(errorsT(result.formError && errorsT.has(result.formError) ? result.formError : "unexpected"));
    });
  };

  return (
    <Modal title={editing ? t("editTitle") : t("addTitle")} onClose={onClose}>
      <form onSubmit={onSubmit} noValidate className="space-y-4" data-testid="target-form">
        <Field
          label={t("name")}
          name="name"
          value={name}
          onChange={(event) => setName(event.target.value)}
          error={errors.name}
          maxLength={TARGET_NAME_MAX + 20}
          autoComplete="off"
          autoFocus
          data-testid="target-name"
        />
        <div>
          <label htmlFor="target-kind" className="field-label">
            {t("kind")}
          </label>
          <select
            id="target-kind"
            className="field-input"
            value={kind}
            onChange={(event) => setKind(event.target.value === "slack" ? "slack" : "generic")}
            data-testid="target-kind"
          >
            <option value="generic">{t("kinds.generic")}</option>
            <option value="slack">{t("kinds.slack")}</option>
          </select>
        </div>
        <Field
          label={t("url")}
          name="url"
          type="url"
          value={url}
          onChange={(event) => setUrl(event.target.value)}
          error={errors.url}
          hint={editing ? t("urlKeepHint", { origin: editing.url }) : t("urlHint")}
          maxLength={TARGET_URL_MAX + 20}
          autoComplete="off"
          placeholder={editing ? editing.url : "https://hooks.example.com/…"}
          data-testid="target-url"
        />
        {kind === "generic" ? (
          <div>
            <Field
              label={t("secret")}
              name="secret"
              type="password"
              value={secret}
              onChange={(event) => setSecret(event.target.value)}
              error={errors.secret}
              hint={editing?.hasSecret ? t("secretKeepHint") : t("secretHint")}
              autoComplete="new-password"
              disabled={clearSecret}
              data-testid="target-secret"
            />
            {editing?.hasSecret ? (
              <label className="mt-2 flex items-center gap-2 text-sm text-slate-600">
                <input
                  type="checkbox"
                  checked={clearSecret}
                  onChange={(event) => setClearSecret(event.target.checked)}
                />
                {t("removeSecret")}
              </label>
            ) : null}
          </div>
        ) : null}
        <fieldset>
          <legend className="field-label">{t("events")}</legend>
          <div className="space-y-1">
            {SUBSCRIBABLE_EVENTS.map((event) => (
              <label key={event} className="flex items-center gap-2 text-sm text-slate-700">
                <input
                  type="checkbox"
                  checked={events.includes(event)}
                  onChange={(change) => toggleEvent(event, change.target.checked)}
                  data-testid={`target-event-${event}`}
                />
                {t(`eventNames.${event}`)}
              </label>
            ))}
          </div>
          {errors.events ? (
            <p role="alert" className="field-error">
              {t("noEventsChosen")}
            </p>
          ) : null}
        </fieldset>
        <label className="flex items-center gap-2 text-sm text-slate-700">
          <input type="checkbox" checked={isEnabled} onChange={(event) => setIsEnabled(event.target.checked)} />
          {t("enabled")}
        </label>
        <div className="flex justify-end gap-3">
          <button type="button" className="btn-secondary" onClick={onClose}>
            {common("cancel")}
          </button>
          <button type="submit" className="btn-primary" disabled={isPending} data-testid="target-save">
            {isPending ? common("loading") : common("save")}
          </button>
        </div>
      </form>
    </Modal>
  );
}
