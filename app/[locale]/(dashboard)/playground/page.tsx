import { getTranslations, setRequestLocale } from "next-intl/server";
import { listGroups } from "@/db/queries/groups";
import { Link } from "@/app/_framework/i18n/navigation";
import { requireAdminPage } from "@/app/_framework/session";
import { getServerState } from "@/lib/server/state";
import { PageHeader } from "../_components/page-header";
import { EmptyState } from "../_components/ui/empty-state";
import { PlaygroundChat } from "./_components/playground-chat";

export const dynamic = "force-dynamic";

export default async function PlaygroundPage({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  setRequestLocale(locale);
  await requireAdminPage(locale);
  const t = await getTranslations("Playground");
  const { db } = await getServerState();
  const groups = await listGroups(db);
  const choices = groups.map((group) => ({
    name: group.name,
    providerCount: group.members.filter((member) => member.isEnabled).length,
  }));

  return (
    <>
      <PageHeader title={t("title")} subtitle={t("subtitle")} />
      {choices.length === 0 ? (
        <EmptyState
          title={t("noGroupsTitle")}
          body={t("noGroupsBody")}
          action={
            <Link href="/groups" className="btn-primary" data-testid="playground-go-to-groups">
              {t("goToGroups")}
            </Link>
          }
        />
      ) : (
        <PlaygroundChat groups={choices} />
      )}
    </>
  );
}
