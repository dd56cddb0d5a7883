import "server-only";
import type { Session } from "next-auth";
import { redirect } from "next/navigation";
import { hasRole, type Role } from "../../lib/roles";
import { auth } from "./auth";

/**
 * For dashboard pages: the admin's session, or a redirect to the login page (or to the
 * password change while the default password is still in use). Every page calls this
 * itself; the locale proxy decides nothing about access. Every role may read the pages;
 * what a page offers to change it decides with `canWrite`/`isOwner`.
 */
export async function requireAdminPage(locale: string): Promise<Session> {
  const session = await auth();
  if (!session) redirect(`/${locale}/login`);
  if (session.mustChangePassword) redirect(`/${locale}/change-password`);
  return session;
}

/** Admins and owners change configuration; viewers only look. */
export function canWrite(session: Session): boolean {
  return hasRole(session.role, "admin");
}

export function isOwner(session: Session): boolean {
  return hasRole(session.role, "owner");
}

/** For server actions, which are public POST endpoints: null unless fully signed in. */
export async function getActionSession(options: { allowPasswordChange?: boolean } = {}): Promise<Session | null> {
  const session = await auth();
  if (!session) return null;
  if (session.mustChangePassword && !options.allowPasswordChange) return null;
  return session;
}

/** Fits every action's result type: each has `ok: false` with a form error key. */
export interface ActionRefusal {
  ok: false;
  formError: "unauthorized" | "forbidden";
}

export type ActionAccess = { ok: true; session: Session } | ActionRefusal;

/**
 * A server action's gate: the session, if its role is at least `minimum`; otherwise the
 * refusal to return as the result (`unauthorized` without a session, `forbidden` for a weaker role).
 */
export async function authorizeAction(minimum: Role): Promise<ActionAccess> {
  const session = await getActionSession();
  if (!session) return { ok: false, formError: "unauthorized" };
  if (!hasRole(session.role, minimum)) return { ok: false, formError: "forbidden" };
  return { ok: true, session };
}
