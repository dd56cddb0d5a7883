import "server-only";
import type { Session } from "next-auth";
import { redirect } from "next/navigation";
import { auth } from "./auth";

/**
 * For dashboard pages: the admin's session, or a redirect to the login page (or to the
 * password change while the default password is still in use). Every page calls this
 * itself; the locale proxy decides nothing about access.
 */
export async function requireAdminPage(locale: string): Promise<Session> {
  const session = await auth();
  if (!session) redirect(`/${locale}/login`);
  if (session.mustChangePassword) redirect(`/${locale}/change-password`);
  return session;
}

/** For server actions, which are public POST endpoints: null unless fully signed in. */
export async function getActionSession(options: { allowPasswordChange?: boolean } = {}): Promise<Session | null> {
  const session = await auth();
  if (!session) return null;
  if (session.mustChangePassword && !options.allowPasswordChange) return null;
  return session;
}
