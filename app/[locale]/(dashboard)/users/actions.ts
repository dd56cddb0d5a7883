"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import {
  countActiveUsers,
  createAdminUser,
  deleteAdminUser,
  getAdminById,
  setAdminRole,
} from "@/db/queries/admin-users";
import { hashPassword } from "@/db/crypto";
import { isUniqueViolation } from "@/db/dialect";
import { invalidFields, notFound, runAdminAction } from "@/app/_framework/admin-action";
import { auth } from "@/app/_framework/auth";
import type { ActionResult } from "@/lib/action-result";
import { roleSchema } from "@/lib/roles";

/*
 * Users and roles: owner only. An owner cannot demote or remove themself, and the last
 * owner cannot go, so the gateway always keeps someone who can manage users.
 */

const OWNER_ONLY = { minimumRole: "owner" } as const;
const lastOwner: ActionResult<never> = { ok: false, formError: "lastOwner" };
const notYourself: ActionResult<never> = { ok: false, formError: "notYourself" };

const createSchema = z.object({
  username: z
    .string({ error: "required" })
    .trim()
    .min(1, "required")
    .max(64, "tooLong")
    .regex(/^[A-Za-z0-9._@-]+$/, "invalid"),
  role: roleSchema,
  password: z.string({ error: "required" }).min(8, "passwordTooShort").max(256, "tooLong"),
});

/** A local account with a temporary password the user must change at first sign-in. */
export async function createUserAction(input: unknown): Promise<ActionResult> {
  return runAdminAction(
    async (state) => {
      const parsed = createSchema.safeParse(input);
      if (!parsed.success) return invalidFields(parsed.error);
      try {
        await createAdminUser(state.db, {
          username: parsed.data.username,
          role: parsed.data.role,
          provider: "local",
          passwordHash: await hashPassword(parsed.data.password),
          mustChangePassword: true,
        });
      } catch (error) {
        if (isUniqueViolation(error)) return { ok: false, fieldErrors: { username: "duplicateName" } };
        throw error;
      }
      revalidatePath("/[locale]/users", "page");
      return { ok: true };
    },
    {},
    OWNER_ONLY,
  );
}

const roleInputSchema = z.object({ id: z.number().int().positive(), role: roleSchema });

/** Changing a role ends that user's open sessions: they sign in again under the new one. */
export async function setUserRoleAction(input: unknown): Promise<ActionResult> {
  return runAdminAction(
    async (state) => {
      const parsed = roleInputSchema.safeParse(input);
      if (!parsed.success) return invalidFields(parsed.error);
      const session = await auth();
      if (session?.adminId === parsed.data.id) return notYourself;
      const user = await getAdminById(state.db, parsed.data.id);
      if (!user) return notFound;
      if (user.role === "owner" && parsed.data.role !== "owner" && (await countActiveUsers(state.db, ["owner"])) <= 1)
        return lastOwner;
      await setAdminRole(state.db, user.id, parsed.data.role);
      revalidatePath("/[locale]/users", "page");
      return { ok: true };
    },
    {},
    OWNER_ONLY,
  );
}

const idSchema = z.object({ id: z.number().int().positive() });

/** Removes the user; the session check on their next request finds no row and signs them out. */
export async function removeUserAction(input: unknown): Promise<ActionResult> {
  return runAdminAction(
    async (state) => {
      const parsed = idSchema.safeParse(input);
      if (!parsed.success) return invalidFields(parsed.error);
      const session = await auth();
      if (session?.adminId === parsed.data.id) return notYourself;
      const user = await getAdminById(state.db, parsed.data.id);
      if (!user) return notFound;
      if (user.role === "owner" && (await countActiveUsers(state.db, ["owner"])) <= 1) return lastOwner;
      await deleteAdminUser(state.db, user.id);
      revalidatePath("/[locale]/users", "page");
      return { ok: true };
    },
    {},
    OWNER_ONLY,
  );
}
