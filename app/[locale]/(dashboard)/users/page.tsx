import { getFormatter, getTranslations, setRequestLocale } from "next-intl/server";
import { listAdminUsers } from "@/db/queries/admin-users";
import { getSettings } from "@/db/queries/settings";
import { isOwner, requireAdminPage } from "@/app/_framework/session";
import { parseRole } from "@/lib/roles";
import { getServerState } from "@/lib/server/state";
import { PageHeader } from "../_components/page-header";
import { AddUserButton } from "./_components/add-user-button";
import { UserTable, type UserRow } from "./_components/user-table";

export const dynamic = "force-dynamic";

export default async function UsersPage({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  setRequestLocale(locale);
  const session = await requireAdminPage(locale);
  const t = await getTranslations("Users");
  if (!isOwner(session)) {
    return (
      <>
        <PageHeader title={t("title")} subtitle={t("subtitle")} />
        <p
          className="rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900"
          data-testid="users-refused"
        >
          {t("ownerOnly")}
        </p>
      </>
    );
  }
  const format = await getFormatter();
  const { db } = await getServerState();
  const [users, settings] = await Promise.all([listAdminUsers(db), getSettings(db)]);
  const timeZone = settings.timeZone || undefined;
  const rows: UserRow[] = users.map((user) => ({
    id: user.id,
    name: user.displayName || user.username,
    email: user.email,
    role: parseRole(user.role),
    provider: user.provider,
    isYou: user.id === session.adminId,
    lastLogin:
      user.lastLoginAt === null
        ? null
        : format.dateTime(user.lastLoginAt, { dateStyle: "medium", timeStyle: "short", timeZone }),
  }));
  return (
    <>
      <PageHeader title={t("title")} subtitle={t("subtitle")} actions={<AddUserButton />} />
      <UserTable rows={rows} />
    </>
  );
}
