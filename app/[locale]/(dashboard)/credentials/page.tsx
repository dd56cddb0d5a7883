import { getTranslations, setRequestLocale } from "next-intl/server";
import { listCredentials } from "@/db/queries/credentials";
import { requireAdminPage } from "@/app/_framework/session";
import { getServerState } from "@/lib/server/state";
import { PageHeader } from "../_components/page-header";
import { EmptyState } from "../_components/ui/empty-state";
import { AddCredentialButton } from "./_components/add-credential-button";
import { CredentialList, type CredentialItem } from "./_components/credential-list";

export const dynamic = "force-dynamic";

export default async function CredentialsPage({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  setRequestLocale(locale);
  await requireAdminPage(locale);
  const t = await getTranslations("Credentials");
  const { db } = await getServerState();
  // Only what the list shows: the key itself never leaves the server, only its hint.
  const credentials: CredentialItem[] = (await listCredentials(db)).map((credential) => ({
    id: credential.id,
    name: credential.name,
    baseUrl: credential.baseUrl,
    keyHint: credential.keyHint,
    providerCount: credential.providerCount,
    forwardHeaders: credential.forwardHeaders,
    streamUsage: credential.streamUsage,
    protocol: credential.protocol,
  }));
  return (
    <>
      <PageHeader
        title={t("title")}
        subtitle={t("subtitle")}
        actions={credentials.length > 0 ? <AddCredentialButton /> : undefined}
      />
      {credentials.length === 0 ? (
        <EmptyState title={t("empty.title")} body={t("empty.body")} action={<AddCredentialButton />} />
      ) : (
        <CredentialList credentials={credentials} />
      )}
    </>
  );
}
