"use server";

import { z } from "zod";
import { getAdminById, updateAdminPassword } from "@/db/queries/admin-users";
import { hashPassword, verifyPassword } from "@/db/crypto";
import { isLocale } from "@/app/_framework/i18n/routing";
import { signIn } from "@/app/_framework/auth";
import { getActionSession } from "@/app/_framework/session";
import { getServerState } from "@/lib/server/state";

type FieldError = "wrongCurrent" | "tooShort" | "tooLong" | "mismatch" | "sameAsOld" | "isDefault";

export interface ChangePasswordState {
  formError: "unauthorized" | null;
  fieldErrors: Partial<Record<"current" | "next" | "confirm", FieldError>>;
}

const schema = z.object({
  current: z.string().max(256),
  next: z.string(),
  confirm: z.string(),
  locale: z.string(),
});

function checkNewPassword(current: string, next: string, confirm: string): ChangePasswordState["fieldErrors"] {
  if (next.length < 8) return { next: "tooShort" };
  if (next.length > 256) return { next: "tooLong" };
  if (next === "password") return { next: "isDefault" };
  if (next === current) return { next: "sameAsOld" };
  if (next !== confirm) return { confirm: "mismatch" };
  return {};
}

export async function changePasswordAction(
  _previous: ChangePasswordState,
  formData: FormData,
): Promise<ChangePasswordState> {
  const session = await getActionSession({ allowPasswordChange: true });
  if (!session) return { formError: "unauthorized", fieldErrors: {} };
  const parsed = schema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { formError: null, fieldErrors: { next: "tooShort" } };
  const { current, next, confirm } = parsed.data;
  const locale = isLocale(parsed.data.locale) ? parsed.data.locale : "en";

  const fieldErrors = checkNewPassword(current, next, confirm);
  if (Object.keys(fieldErrors).length > 0) return { formError: null, fieldErrors };

  const { db } = await getServerState();
  const admin = await getAdminById(db, session.adminId);
  if (!admin) return { formError: "unauthorized", fieldErrors: {} };
  if (!(await verifyPassword(current, admin.passwordHash)))
    return { formError: null, fieldErrors: { current: "wrongCurrent" } };

  // Bumps the session version: every existing cookie, this one included, stops working.
  await updateAdminPassword(db, admin.id, await hashPassword(next));
  // A fresh session for this browser, so the admin carries on without a second login.
  await signIn("credentials", { username: admin.username, password: next, redirectTo: `/${locale}` });
  return { formError: null, fieldErrors: {} };
}
