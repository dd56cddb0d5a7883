"use client";

import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import { Field } from "../../_components/ui/field";
import { fromLimitTexts, LimitFields, toLimitTexts, type LimitTexts } from "../../_components/limit-fields";
import type { RateLimits } from "@/db/limits";
import { ROUTING_STRATEGIES, type RoutingStrategy } from "@/db/routing-strategy";
import { HEDGE_DELAY_LIMITS, HEDGE_MODES, NO_HEDGING, type HedgeMode, type HedgePolicy } from "@/db/hedging";
import { SelectField } from "../../providers/_components/form-controls";

const GROUP_LIMIT_FIELDS = ["rpm", "tpm"] as const;
import { Modal } from "../../_components/ui/modal";
import { useToast } from "../../_components/ui/toast";
import { useAction } from "../../_components/ui/use-action";
import { createGroupAction, updateGroupAction } from "../actions";

export interface GroupFormValues {
  id: number;
  name: string;
  description: string;
  limits: RateLimits;
  strategy: RoutingStrategy;
  hedge: HedgePolicy;
}

/** Creates a group, or renames one (and edits its description) when `group` is given. */
export function GroupFormModal({ group, onClose }: { group?: GroupFormValues; onClose: () => void }) {
  const t = useTranslations("Groups");
  const common = useTranslations("Common");
  const toast = useToast();
  const { run, isPending } = useAction();
  const [name, setName] = useState(group?.name ?? "");
  const [description, setDescription] = useState(group?.description ?? "");
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [limits, setLimits] = useState<LimitTexts>(toLimitTexts(group?.limits));
  const [strategy, setStrategy] = useState<RoutingStrategy>(group?.strategy ?? "weighted");
  const [hedgeMode, setHedgeMode] = useState<HedgeMode>(group?.hedge.mode ?? "off");
  const [hedgeDelay, setHedgeDelay] = useState(String(group?.hedge.delayMs ?? NO_HEDGING.delayMs));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const input = {
      name,
      description,
      strategy,
      hedgeMode,
      hedgeDelayMs: hedgeDelay.trim(),
      ...fromLimitTexts(GROUP_LIMIT_FIELDS, limits),
    };
    run(() => (group ? updateGroupAction(group.id, input) : createGroupAction(input)), {
      onFieldErrors: setFieldErrors,
      onSuccess: () => {
        toast.success(group ? t("updated", { name }) : t("created", { name }));
        onClose();
      },
    });
  };

  return (
    <Modal title={group ? t("editTitle") : t("createTitle")} onClose={onClose}>
      <form onSubmit={submit} className="space-y-4" data-testid="group-form" noValidate>
        <Field
          label={t("name")}
          name="name"
          value={name}
          onChange={(event) => setName(event.target.value)}
          error={fieldErrors.name}
          hint={t("nameHint")}
          maxLength={100}
          autoComplete="off"
          spellCheck={false}
          autoFocus
          required
        />
        <Field
          label={t("description")}
          name="description"
          value={description}
          onChange={(event) => setDescription(event.target.value)}
          error={fieldErrors.description}
          maxLength={500}
        />
        <SelectField
          label={t("strategy")}
          name="strategy"
          value={strategy}
          onChange={(event) => setStrategy(event.target.value as RoutingStrategy)}
          error={fieldErrors.strategy}
          hint={t(`strategyHint.${strategy}`)}
          data-testid="group-strategy"
        >
          {ROUTING_STRATEGIES.map((option) => (
            <option key={option} value={option}>
              {t(`strategyOption.${option}`)}
            </option>
          ))}
        </SelectField>
        <SelectField
          label={t("hedge")}
          name="hedgeMode"
          value={hedgeMode}
          onChange={(event) => setHedgeMode(event.target.value as HedgeMode)}
          error={fieldErrors.hedgeMode}
          hint={t(`hedgeHint.${hedgeMode}`)}
          data-testid="group-hedge-mode"
        >
          {HEDGE_MODES.map((option) => (
            <option key={option} value={option}>
              {t(`hedgeOption.${option}`)}
            </option>
          ))}
        </SelectField>
        {hedgeMode === "off" ? null : (
          <Field
            label={hedgeMode === "auto" ? t("hedgeDelayFallback") : t("hedgeDelay")}
            name="hedgeDelayMs"
            type="number"
            inputMode="numeric"
            min={HEDGE_DELAY_LIMITS.min}
            max={HEDGE_DELAY_LIMITS.max}
            value={hedgeDelay}
            onChange={(event) => setHedgeDelay(event.target.value)}
            error={fieldErrors.hedgeDelayMs}
            hint={t("hedgeDelayHint")}
            data-testid="group-hedge-delay"
          />
        )}
        <LimitFields
          fields={GROUP_LIMIT_FIELDS}
          texts={limits}
          onChange={setLimits}
          errors={fieldErrors}
          hint={t("limitsHint")}
        />
        <div className="flex justify-end gap-3 pt-2">
          <button type="button" className="btn-secondary" onClick={onClose}>
            {common("cancel")}
          </button>
          <button type="submit" className="btn-primary" disabled={isPending} data-testid="group-submit">
            {isPending ? common("loading") : group ? common("save") : t("create")}
          </button>
        </div>
      </form>
    </Modal>
  );
}
