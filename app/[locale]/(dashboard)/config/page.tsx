import { getTranslations, setRequestLocale } from "next-intl/server";
import { requireAdminPage } from "@/app/_framework/session";
import { PageHeader } from "../_components/page-header";
import { ExportCard } from "./_components/export-card";
import { ImportCard } from "./_components/import-card";

export const dynamic = "force-dynamic";

export default async function ConfigPage({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  setRequestLocale(locale);
  await requireAdminPage(locale);
  const t = await getTranslations("Config");
  return (
    <>
      <PageHeader title={t("title")} subtitle={t("subtitle")} />
      <div className="grid items-start gap-4 lg:grid-cols-2">
        <ExportCard />
        <ImportCard />
      </div>
      <p className="mt-6 text-sm text-slate-500">
        {t.rich("cliHint", {
          code: (chunks) => <code className="rounded bg-slate-100 px-1 py-0.5 text-xs text-slate-700">{chunks}</code>,
        })}
      </p>
    </>
  );
}
