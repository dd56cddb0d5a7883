import { fromDbBoolean, toDbBoolean } from "../dialect";
import type { AdminUserRow, Executor } from "../schema";

export interface AdminUser {
  id: number;
  username: string;
  passwordHash: string;
  mustChangePassword: boolean;
  /** Sessions carry the version they were issued under; a password change invalidates them. */
  sessionVersion: number;
  createdAt: number;
  updatedAt: number;
}

function toAdmin(row: AdminUserRow): AdminUser {
  return {
    id: row.id,
    username: row.username,
    passwordHash: row.password_hash,
    mustChangePassword: fromDbBoolean(row.must_change_password),
    sessionVersion: row.session_version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * Creates the admin on first start only. An existing user is left as it is: the password
 * the operator set must survive restarts and a still-set ADMIN_PASSWORD. True when created.
 */
export async function ensureAdminUser(
  db: Executor,
  input: { username: string; passwordHash: string; mustChangePassword: boolean },
): Promise<boolean> {
  const now = Date.now();
  const inserted = await db
    .insertInto("admin_users")
    .values({
      username: input.username,
      password_hash: input.passwordHash,
      must_change_password: toDbBoolean(input.mustChangePassword),
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column("username").doNothing())
    .returning("id")
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function getAdminByUsername(db: Executor, username: string): Promise<AdminUser | undefined> {
  const row = await db.selectFrom("admin_users").selectAll().where("username", "=", username).executeTakeFirst();
  return row && toAdmin(row);
}

export async function getAdminById(db: Executor, id: number): Promise<AdminUser | undefined> {
  const row = await db.selectFrom("admin_users").selectAll().where("id", "=", id).executeTakeFirst();
  return row && toAdmin(row);
}

/** Clears the must-change flag and bumps the session version, logging out other sessions. */
export async function updateAdminPassword(db: Executor, id: number, passwordHash: string): Promise<void> {
  await db
    .updateTable("admin_users")
    .set((eb) => ({
      password_hash: passwordHash,
      must_change_password: 0,
      session_version: eb("session_version", "+", 1),
      updated_at: Date.now(),
    }))
    .where("id", "=", id)
    .execute();
}

/** Ends every session of this admin (logout everywhere) by bumping the session version. */
export async function invalidateAdminSessions(db: Executor, id: number): Promise<void> {
  await db
    .updateTable("admin_users")
    .set((eb) => ({ session_version: eb("session_version", "+", 1), updated_at: Date.now() }))
    .where("id", "=", id)
    .execute();
}
