"use server";

import { invalidateAdminSessions } from "@/db/queries/admin-users";
import { isLocale } from "@/app/_framework/i18n/routing";
import { signOut } from "@/app/_framework/auth";
import { getActionSession } from "@/app/_framework/session";
import { getServerState } from "@/lib/server/state";

export async function logoutAction(formData: FormData): Promise<void> {
  const rawLocale = String(formData.get("locale") ?? "en");
  const locale = isLocale(rawLocale) ? rawLocale : "en";
  const session = await getActionSession({ allowPasswordChange: true });
  if (session) {
    // Logging out ends every copy of the cookie, not just this browser's.
    const { db } = await getServerState();
    await invalidateAdminSessions(db, session.adminId);
  }
  await signOut({ redirectTo: `/${locale}/login` });
}
