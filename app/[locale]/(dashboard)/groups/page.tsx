import { getFormatter, getTranslations, setRequestLocale } from "next-intl/server";
import { listGroups } from "@/db/queries/groups";
import { listProviders } from "@/db/queries/providers";
import { Link } from "@/app/_framework/i18n/navigation";
import { requireAdminPage } from "@/app/_framework/session";
import { getServerState } from "@/lib/server/state";
import { PageHeader } from "../_components/page-header";
import { EmptyState } from "../_components/ui/empty-state";
import { GroupCard } from "./_components/group-card";
import { NewGroupButton } from "./_components/new-group-button";
import { describeRouting, type RoutingText } from "./routing-sentence";

export const dynamic = "force-dynamic";

export default async function GroupsPage({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  setRequestLocale(locale);
  await requireAdminPage(locale);
  const t = await getTranslations("Groups");
  const limitText = await getTranslations("Limits");
  const format = await getFormatter();
  const { db } = await getServerState();
  const [groups, providers] = await Promise.all([listGroups(db), listProviders(db)]);

  const routingText: RoutingText = {
    message: (key, values) => t(`routing.${key}`, values),
    either: (names) => format.list(names, { type: "disjunction" }),
  };
  const providerChoices = providers.map((provider) => ({
    id: provider.id,
    name: provider.name,
    isEnabled: provider.isEnabled,
  }));

  return (
    <>
      <PageHeader title={t("title")} subtitle={t("subtitle")} actions={<NewGroupButton />} />
      {groups.length === 0 ? (
        <EmptyState
          title={t("emptyTitle")}
          body={providers.length === 0 ? t("emptyBodyNoProviders") : t("emptyBody")}
          action={
            providers.length === 0 ? (
              <Link href="/providers" className="btn-secondary">
                {t("goToProviders")}
              </Link>
            ) : (
              <NewGroupButton testId="new-group-empty" />
            )
          }
        />
      ) : (
        <div className="space-y-4">
          {groups.map((group) => (
            <GroupCard
              key={group.id}
              group={{
                id: group.id,
                name: group.name,
                description: group.description,
                members: group.members,
                limits: group.limits,
                strategy: group.strategy,
                hedge: group.hedge,
                limitsLabel: [
                  ...(group.limits.rpm === null ? [] : [limitText("rpmShort", { count: group.limits.rpm })]),
                  ...(group.limits.tpm === null ? [] : [limitText("tpmShort", { count: group.limits.tpm })]),
                ].join(" · "),
                sentence: describeRouting(group.members, routingText),
              }}
              providers={providerChoices}
            />
          ))}
        </div>
      )}
    </>
  );
}
