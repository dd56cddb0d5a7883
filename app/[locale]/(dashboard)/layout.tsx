import { setRequestLocale } from "next-intl/server";
import type { ReactNode } from "react";
import { requireAdminPage } from "@/app/_framework/session";
import { Shell } from "./_components/shell";

export const dynamic = "force-dynamic";

export default async function DashboardLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ locale: string }>;
}) {
  const { locale } = await params;
  setRequestLocale(locale);
  const session = await requireAdminPage(locale);
  return (
    <Shell username={session.user?.name ?? ""} role={session.role}>
      {children}
    </Shell>
  );
}
