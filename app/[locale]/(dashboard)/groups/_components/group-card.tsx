"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { Link } from "@/app/_framework/i18n/navigation";
import { ConfirmButton } from "../../_components/ui/confirm-button";
import { CopyButton } from "../../_components/ui/copy-button";
import { useToast } from "../../_components/ui/toast";
import { useAction } from "../../_components/ui/use-action";
import { deleteGroupAction } from "../actions";
import { AddMemberForm, type ProviderChoice } from "./add-member-form";
import { GroupFormModal } from "./group-form-modal";
import { MemberRow, type MemberRowData } from "./member-row";
import type { RateLimits } from "@/db/limits";
import type { RoutingStrategy } from "@/db/routing-strategy";
import type { HedgePolicy } from "@/db/hedging";

export interface GroupCardData {
  id: number;
  name: string;
  description: string;
  /** In routing order: priority ascending, then weight descending. */
  members: MemberRowData[];
  /** What the gateway will do, already translated. */
  sentence: string;
  limits: RateLimits;
  strategy: RoutingStrategy;
  hedge: HedgePolicy;
  /** `100 req/min · 50,000 tokens/min`, or empty. */
  limitsLabel: string;
}

export function GroupCard({ group, providers }: { group: GroupCardData; providers: ProviderChoice[] }) {
  const t = useTranslations("Groups");
  const toast = useToast();
  const { run } = useAction();
  const [isEditing, setIsEditing] = useState(false);
  const memberIds = new Set(group.members.map((member) => member.providerId));
  const choices = providers.filter((provider) => !memberIds.has(provider.id));
  const nextPriority = group.members.reduce((max, member) => Math.max(max, member.priority), 0) + 1;

  const remove = async () => {
    await run(() => deleteGroupAction(group.id), {
      onSuccess: () => toast.success(t("deleted", { name: group.name })),
    });
  };

  return (
    <section className="card" data-testid="group-card" data-group-name={group.name}>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-2">
            <h2 className="min-w-0 break-all font-mono text-lg font-semibold text-slate-900" data-testid="group-name">
              {group.name}
            </h2>
            <CopyButton
              text={group.name}
              label={t("copyName")}
              copiedLabel={t("copied")}
              onError={() => toast.error(t("copyFailed"))}
              className="inline-flex items-center rounded-md border border-slate-300 bg-white px-2 py-1 text-xs font-medium text-slate-600 hover:bg-slate-50"
              testId="copy-group-name"
            />
          </div>
          <p className="mt-1 text-xs text-slate-500">{t("modelHint", { name: group.name })}</p>
          {group.description ? <p className="mt-2 break-words text-sm text-slate-600">{group.description}</p> : null}
          {group.limitsLabel ? (
            <p className="mt-1 text-xs text-slate-600" data-testid="group-limits">
              {t("limitsLabel", { limits: group.limitsLabel })}
            </p>
          ) : null}
        </div>
        <div className="flex items-center gap-4">
          <button
            type="button"
            className="text-sm font-medium text-indigo-600 hover:text-indigo-500"
            onClick={() => setIsEditing(true)}
            data-testid="group-edit"
          >
            {t("edit")}
          </button>
          <ConfirmButton
            label={t("delete")}
            title={t("deleteTitle", { name: group.name })}
            question={t("deleteQuestion", { name: group.name })}
            confirmLabel={t("deleteConfirm")}
            onConfirm={remove}
            testId="group-delete"
          />
        </div>
      </div>

      <div className="mt-4 break-words rounded-md bg-indigo-50 px-3 py-2 text-sm text-indigo-900">
        <span className="font-medium">{t("routingTitle")}</span>{" "}
        <span data-testid="routing-sentence">{group.sentence}</span>
        {group.hedge.mode === "off" ? null : (
          <span className="mt-1 block text-xs text-indigo-800" data-testid="group-hedge">
            {group.hedge.mode === "auto"
              ? t("hedgeAutoLabel", { ms: group.hedge.delayMs })
              : t("hedgeFixedLabel", { ms: group.hedge.delayMs })}
          </span>
        )}
      </div>

      <h3 className="mt-5 text-sm font-semibold text-slate-700">{t("members")}</h3>
      <p className="text-xs text-slate-500">{t("membersHint")}</p>
      {group.members.length === 0 ? (
        <p
          className="mt-2 rounded-md border border-dashed border-slate-300 px-4 py-3 text-sm text-slate-500"
          data-testid="no-members"
        >
          {providers.length === 0 ? (
            <>
              {t("noProvidersBody")}{" "}
              <Link href="/providers" className="font-medium text-indigo-600 hover:text-indigo-500">
                {t("goToProviders")}
              </Link>
            </>
          ) : (
            t("noMembersBody")
          )}
        </p>
      ) : (
        <ol className="mt-1 divide-y divide-slate-100">
          {group.members.map((member) => (
            // Keyed by the saved values too, so a change made elsewhere resets the inputs.
            <MemberRow
              key={`${member.providerId}:${member.priority}:${member.weight}`}
              groupId={group.id}
              groupName={group.name}
              member={member}
            />
          ))}
        </ol>
      )}

      {providers.length > 0 ? (
        <div className="mt-4 border-t border-slate-100 pt-4">
          {choices.length > 0 ? (
            <AddMemberForm
              key={nextPriority}
              groupId={group.id}
              groupName={group.name}
              choices={choices}
              nextPriority={nextPriority}
            />
          ) : (
            <p className="text-sm text-slate-500">{t("allProvidersAdded")}</p>
          )}
        </div>
      ) : null}

      {isEditing ? <GroupFormModal group={group} onClose={() => setIsEditing(false)} /> : null}
    </section>
  );
}
