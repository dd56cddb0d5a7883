import { getFormatter, getTranslations, setRequestLocale } from "next-intl/server";
import { listApiKeys } from "@/db/queries/api-keys";
import { listGroups } from "@/db/queries/groups";
import { loadKeySpend } from "@/db/queries/key-spend";
import { requireAdminPage } from "@/app/_framework/session";
import { getServerState } from "@/lib/server/state";
import { PageHeader } from "../_components/page-header";
import { EmptyState } from "../_components/ui/empty-state";
import { KeyList, type KeyRowData, type SpendLabel } from "./_components/key-list";
import type { KeyLimits } from "@/db/limits";
import { NewKeyButton, NewKeyProvider } from "./_components/new-key-button";

export const dynamic = "force-dynamic";

export default async function ApiKeysPage({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  setRequestLocale(locale);
  await requireAdminPage(locale);
  const t = await getTranslations("ApiKeys");
  const limitText = await getTranslations("Limits");
  const format = await getFormatter();
  const { db } = await getServerState();
  const now = Date.now();
  const [keys, groups, spend] = await Promise.all([listApiKeys(db), listGroups(db), loadKeySpend(db, now)]);

  const groupNames = new Map(groups.map((group) => [group.id, group.name]));
  const groupOptions = groups.map((group) => ({ id: group.id, name: group.name }));
  // Dates are formatted here, on the server, so the page reads the same before and after hydration.
  const formatDay = (epochMs: number) => format.dateTime(epochMs, { dateStyle: "medium" });
  const formatMoment = (epochMs: number) => format.dateTime(epochMs, { dateStyle: "medium", timeStyle: "short" });
  const usd = (amount: number) =>
    format.number(amount, { style: "currency", currency: "USD", maximumFractionDigits: amount < 1 ? 4 : 2 });
  const limitLabels = (limits: KeyLimits): string[] => [
    ...(limits.rpm === null ? [] : [limitText("rpmShort", { count: limits.rpm })]),
    ...(limits.tpm === null ? [] : [limitText("tpmShort", { count: limits.tpm })]),
    ...(limits.maxConcurrent === null ? [] : [limitText("concurrentShort", { count: limits.maxConcurrent })]),
  ];
  const spendLabels = (keyId: number, limits: KeyLimits): SpendLabel[] => {
    const spent = spend.get(keyId) ?? { day: 0, month: 0, total: 0 };
    const periods = [
      ["spendDay", spent.day, limits.budgetDay],
      ["spendMonth", spent.month, limits.budgetMonth],
      ["spendTotal", spent.total, limits.budgetTotal],
    ] as const;
    const budgeted = periods.filter(([, , budget]) => budget !== null);
    if (budgeted.length === 0) return [{ text: t("spendOnly", { spent: usd(spent.month) }), isOver: false }];
    return budgeted.map(([message, amount, budget]) => ({
      text: t(message, { spent: usd(amount), budget: usd(budget!) }),
      isOver: amount >= budget!,
    }));
  };
  const rows: KeyRowData[] = keys.map((key) => ({
    id: key.id,
    name: key.name,
    mask: `${key.keyPrefix}…`,
    isEnabled: key.isEnabled,
    isExpired: key.expiresAt !== null && key.expiresAt <= now,
    allGroups: key.allGroups,
    groupIds: key.groupIds,
    groupNames: key.groupIds.flatMap((groupId) => groupNames.get(groupId) ?? []),
    expiresAt: key.expiresAt,
    expiresLabel: key.expiresAt === null ? t("never") : formatDay(key.expiresAt),
    expiresTitle: key.expiresAt === null ? undefined : formatMoment(key.expiresAt),
    lastUsedLabel: key.lastUsedAt === null ? t("neverUsed") : formatMoment(key.lastUsedAt),
    createdLabel: formatDay(key.createdAt),
    createdTitle: formatMoment(key.createdAt),
    limits: key.limits,
    limitLabels: limitLabels(key.limits),
    spendLabels: spendLabels(key.id, key.limits),
  }));

  return (
    <NewKeyProvider groups={groupOptions}>
      <PageHeader title={t("title")} subtitle={t("subtitle")} actions={<NewKeyButton />} />
      {rows.length === 0 ? (
        <EmptyState title={t("emptyTitle")} body={t("emptyBody")} action={<NewKeyButton testId="new-key-empty" />} />
      ) : (
        <KeyList rows={rows} groups={groupOptions} />
      )}
    </NewKeyProvider>
  );
}
