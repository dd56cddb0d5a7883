import { getTranslations, setRequestLocale } from "next-intl/server";
import { requireAdminPage } from "@/app/_framework/session";
import { ChangePasswordForm } from "../../change-password/change-password-form";
import { PageHeader } from "../_components/page-header";

export const dynamic = "force-dynamic";

export default async function AccountPage({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  setRequestLocale(locale);
  const session = await requireAdminPage(locale);
  const t = await getTranslations("Account");
  const change = await getTranslations("ChangePassword");
  return (
    <>
      <PageHeader title={t("title")} subtitle={t("subtitle")} />
      <div className="grid gap-4 lg:grid-cols-2">
        <section className="card">
          <p className="text-sm text-slate-500">{t("username")}</p>
          <p className="mt-1 font-medium">{session.user?.name}</p>
        </section>
        <section className="card">
          <h2 className="mb-4 font-semibold">{change("title")}</h2>
          <ChangePasswordForm />
        </section>
      </div>
    </>
  );
}
