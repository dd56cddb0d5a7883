"use client";

import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import { Badge } from "../../_components/ui/badge";
import { ConfirmButton } from "../../_components/ui/confirm-button";
import { useToast } from "../../_components/ui/toast";
import { useAction } from "../../_components/ui/use-action";
import { removeGroupMemberAction, setGroupMemberAction } from "../actions";
import { RankInput } from "./rank-input";

export interface MemberRowData {
  providerId: number;
  providerName: string;
  priority: number;
  weight: number;
  isEnabled: boolean;
}

/** One provider of a group, in routing order, with its priority and weight editable in place. */
export function MemberRow({
  groupId,
  groupName,
  member,
}: {
  groupId: number;
  groupName: string;
  member: MemberRowData;
}) {
  const t = useTranslations("Groups");
  const common = useTranslations("Common");
  const toast = useToast();
  const { run, isPending } = useAction();
  const [priority, setPriority] = useState(String(member.priority));
  const [weight, setWeight] = useState(String(member.weight));
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const isChanged = priority !== String(member.priority) || weight !== String(member.weight);

  const save = (event: FormEvent) => {
    event.preventDefault();
    setFieldErrors({});
    run(() => setGroupMemberAction(groupId, { providerId: member.providerId, priority, weight }), {
      onFieldErrors: setFieldErrors,
      onSuccess: () => toast.success(t("memberSaved", { provider: member.providerName, priority, weight })),
    });
  };

  const remove = async () => {
    await run(() => removeGroupMemberAction(groupId, member.providerId), {
      onSuccess: () => toast.success(t("memberRemoved", { provider: member.providerName, group: groupName })),
    });
  };

  return (
    <li
      className={`flex flex-col gap-3 py-3 md:flex-row md:items-start md:justify-between ${member.isEnabled ? "" : "text-slate-400"}`}
      data-testid="member-row"
      data-provider-name={member.providerName}
      data-enabled={member.isEnabled ? "true" : "false"}
    >
      <div className="flex min-w-0 items-center gap-2 md:pt-6">
        <span className={`truncate font-medium ${member.isEnabled ? "text-slate-900" : "text-slate-400"}`}>
          {member.providerName}
        </span>
        {member.isEnabled ? null : (
          <span title={t("disabledHint")} data-testid="member-disabled">
            <Badge tone="gray">{t("disabled")}</Badge>
          </span>
        )}
      </div>
      <form
        onSubmit={save}
        className={`flex flex-wrap items-start gap-3 ${member.isEnabled ? "" : "opacity-70"}`}
        noValidate
      >
        <RankInput
          id={`priority-${groupId}-${member.providerId}`}
          label={t("priority")}
          value={priority}
          onChange={setPriority}
          error={fieldErrors.priority}
          testId="member-priority"
        />
        <RankInput
          id={`weight-${groupId}-${member.providerId}`}
          label={t("weight")}
          value={weight}
          onChange={setWeight}
          error={fieldErrors.weight}
          testId="member-weight"
        />
        <div className="flex items-center gap-3 pt-6">
          <button type="submit" className="btn-secondary" disabled={!isChanged || isPending} data-testid="member-save">
            {isPending ? common("loading") : common("save")}
          </button>
          <ConfirmButton
            label={t("remove")}
            title={t("removeTitle", { provider: member.providerName })}
            question={t("removeQuestion", { provider: member.providerName, group: groupName })}
            confirmLabel={t("removeConfirm")}
            onConfirm={remove}
            testId="member-remove"
          />
        </div>
      </form>
    </li>
  );
}
