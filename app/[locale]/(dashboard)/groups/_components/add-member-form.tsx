"use client";

import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import { useToast } from "../../_components/ui/toast";
import { useAction } from "../../_components/ui/use-action";
import { setGroupMemberAction } from "../actions";
import { RankInput } from "./rank-input";

export interface ProviderChoice {
  id: number;
  name: string;
  isEnabled: boolean;
}

/** Adds one of the providers not yet in the group; priority defaults to after the last one. */
export function AddMemberForm({
  groupId,
  groupName,
  choices,
  nextPriority,
}: {
  groupId: number;
  groupName: string;
  choices: ProviderChoice[];
  nextPriority: number;
}) {
  const t = useTranslations("Groups");
  const common = useTranslations("Common");
  const errors = useTranslations("Errors");
  const toast = useToast();
  const { run, isPending } = useAction();
  const [providerId, setProviderId] = useState("");
  const [priority, setPriority] = useState(String(nextPriority));
  const [weight, setWeight] = useState("1");
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setFieldErrors({});
    const chosen = choices.find((choice) => String(choice.id) === providerId);
    if (!chosen) {
      setFieldErrors({ providerId: "required" });
      return;
    }
    void run(() => setGroupMemberAction(groupId, { providerId: chosen.id, priority, weight }), {
      onFieldErrors: setFieldErrors,
      onSuccess: () => {
        toast.success(t("memberAdded", { provider: chosen.name, group: groupName }));
        setProviderId("");
        setPriority(String(Math.max(nextPriority, Number(priority) + 1)));
        setWeight("1");
      },
    });
  };

  const selectId = `add-provider-${groupId}`;
  return (
    <form onSubmit={submit} className="flex flex-wrap items-start gap-3" data-testid="add-member-form" noValidate>
      <div className="min-w-0 flex-1 basis-full sm:basis-56">
        <label htmlFor={selectId} className="field-label">
          {t("addMember")}
        </label>
        <select
          id={selectId}
          value={providerId}
          onChange={(event) => setProviderId(event.target.value)}
          className="field-input"
          aria-invalid={fieldErrors.providerId ? true : undefined}
          data-testid="add-member-provider"
        >
          <option value="">{t("chooseProvider")}</option>
          {choices.map((choice) => (
            <option key={choice.id} value={choice.id}>
              {choice.isEnabled ? choice.name : t("providerDisabledOption", { name: choice.name })}
            </option>
          ))}
        </select>
        {fieldErrors.providerId ? (
          <p role="alert" className="field-error">
            {errors.has(fieldErrors.providerId) ? errors(fieldErrors.providerId) : errors("invalid")}
          </p>
        ) : null}
      </div>
      <RankInput
        id={`add-priority-${groupId}`}
        label={t("priority")}
        value={priority}
        onChange={setPriority}
        error={fieldErrors.priority}
        testId="add-member-priority"
      />
      <RankInput
        id={`add-weight-${groupId}`}
        label={t("weight")}
        value={weight}
        onChange={setWeight}
        error={fieldErrors.weight}
        testId="add-member-weight"
      />
      <div className="pt-6">
        <button type="submit" className="btn-primary" disabled={isPending} data-testid="add-member-submit">
          {isPending ? common("loading") : t("add")}
        </button>
      </div>
    </form>
  );
}
