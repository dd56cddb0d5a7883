import { getFormatter, getTranslations, setRequestLocale } from "next-intl/server";
import { listApiKeys } from "@/db/queries/api-keys";
import { listGroups } from "@/db/queries/groups";
import { requireAdminPage } from "@/app/_framework/session";
import { getServerState } from "@/lib/server/state";
import { PageHeader } from "../_components/page-header";
import { EmptyState } from "../_components/ui/empty-state";
import { KeyList, type KeyRowData } from "./_components/key-list";
import { NewKeyButton, NewKeyProvider } from "./_components/new-key-button";

export const dynamic = "force-dynamic";

export default async function ApiKeysPage({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  setRequestLocale(locale);
  await requireAdminPage(locale);
  const t = await getTranslations("ApiKeys");
  const format = await getFormatter();
  const { db } = await getServerState();
  const [keys, groups] = await Promise.all([listApiKeys(db), listGroups(db)]);

  const now = Date.now();
  const groupNames = new Map(groups.map((group) => [group.id, group.name]));
  const groupOptions = groups.map((group) => ({ id: group.id, name: group.name }));
  // Dates are formatted here, on the server, so the page reads the same before and after hydration.
  const formatDay = (epochMs: number) => format.dateTime(epochMs, { dateStyle: "medium" });
  const formatMoment = (epochMs: number) => format.dateTime(epochMs, { dateStyle: "medium", timeStyle: "short" });
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
