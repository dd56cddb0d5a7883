import { getTranslations, setRequestLocale } from "next-intl/server";
import { redirect } from "next/navigation";
import { auth } from "@/app/_framework/auth";
import { AuthCard } from "../_components/auth-card";
import { LoginForm } from "./login-form";

export const dynamic = "force-dynamic";

export default async function LoginPage({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  setRequestLocale(locale);
  const session = await auth();
  if (session) redirect(`/${locale}`);
  const t = await getTranslations("Login");
  const common = await getTranslations("Common");
  return (
    <AuthCard title={t("title")} subtitle={t("subtitle")} appName={common("appName")}>
      <LoginForm />
      <p className="mt-6 text-xs text-slate-500">{t("defaultHint")}</p>
    </AuthCard>
  );
}
