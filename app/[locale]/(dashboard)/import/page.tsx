import { getTranslations, setRequestLocale } from "next-intl/server";
import { listCredentials } from "@/db/queries/credentials";
import { listGroups } from "@/db/queries/groups";
import { listProviders } from "@/db/queries/providers";
import { requireAdminPage } from "@/app/_framework/session";
import { getServerState } from "@/lib/server/state";
import { PageHeader } from "../_components/page-header";
import { ImportWizard } from "./_components/import-wizard";
import type { EndpointChoice, GroupChoice } from "./import-types";

export const dynamic = "force-dynamic";

export default async function ImportPage({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  setRequestLocale(locale);
  await requireAdminPage(locale);
  const t = await getTranslations("Import");
  const { db } = await getServerState();
  const [credentials, groups, providers] = await Promise.all([listCredentials(db), listGroups(db), listProviders(db)]);
  // Names, URLs and hints only: an endpoint's key never reaches the browser.
  const endpoints: EndpointChoice[] = credentials.map((credential) => ({
    id: credential.id,
    name: credential.name,
    baseUrl: credential.baseUrl,
    keyHint: credential.keyHint,
    providerCount: credential.providerCount,
  }));
  const groupChoices: GroupChoice[] = groups.map((group) => ({
    id: group.id,
    name: group.name,
    memberCount: group.members.length,
  }));
  return (
    <>
      <PageHeader title={t("title")} subtitle={t("subtitle")} />
      <ImportWizard
        endpoints={endpoints}
        groups={groupChoices}
        existingNames={providers.map((provider) => provider.name)}
      />
    </>
  );
}
