import { getTranslations, setRequestLocale } from "next-intl/server";
import { redirect } from "next/navigation";
import { auth } from "@/app/_framework/auth";
import { AuthCard } from "../_components/auth-card";
import { ChangePasswordForm } from "./change-password-form";

export const dynamic = "force-dynamic";

export default async function ChangePasswordPage({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  setRequestLocale(locale);
  const session = await auth();
  if (!session) redirect(`/${locale}/login`);
  const t = await getTranslations("ChangePassword");
  const common = await getTranslations("Common");
  return (
    <AuthCard
      title={t("title")}
      subtitle={session.mustChangePassword ? t("forcedNotice") : undefined}
      appName={common("appName")}
    >
      <ChangePasswordForm />
    </AuthCard>
  );
}
