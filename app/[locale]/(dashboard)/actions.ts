"use server";

import { invalidateAdminSessions } from "@/db/queries/admin-users";
import { isLocale } from "@/lib/i18n/routing";
import { signOut } from "@/lib/server/auth";
import { getActionSession } from "@/lib/server/session";
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
