import { sql } from "kysely";
import { fromDbBoolean, toDbBoolean } from "../dialect";
import type { AdminUserRow, Executor } from "../schema";

export type AccountProvider = "local" | "oidc" | "github";
/** The role text as stored; lib/roles parses it (db/ imports nothing from lib/). */
export type StoredRole = "owner" | "admin" | "viewer";

export interface AdminUser {
  id: number;
  username: string;
  passwordHash: string;
  mustChangePassword: boolean;
  /** Sessions carry the version they were issued under; a password change invalidates them. */
  sessionVersion: number;
  createdAt: number;
  updatedAt: number;
  role: string;
  provider: AccountProvider;
  subject: string | null;
  email: string | null;
  displayName: string | null;
  isDisabled: boolean;
  lastLoginAt: number | null;
}

/** Stands in for an SSO account's password: never a valid scrypt hash, so it never verifies. */
export const NO_PASSWORD = "!sso";

function toProvider(value: string): AccountProvider {
  return value === "oidc" || value === "github" ? value : "local";
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
    role: row.role,
    provider: toProvider(row.provider),
    subject: row.subject,
    email: row.email,
    displayName: row.display_name,
    isDisabled: fromDbBoolean(row.is_disabled),
    lastLoginAt: row.last_login_at === null ? null : Number(row.last_login_at),
  };
}

/**
 * Creates the admin on first start only, as the owner. An existing user is left as it is:
 * the password the operator set must survive restarts and a still-set ADMIN_PASSWORD.
 * True when created.
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
      role: "owner",
      provider: "local",
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column("username").doNothing())
    .returning("id")
    .executeTakeFirst();
  return inserted !== undefined;
}

export interface NewAdminUser {
  username: string;
  role: StoredRole;
  provider: AccountProvider;
  subject?: string | null;
  email?: string | null;
  displayName?: string | null;
  passwordHash?: string;
  mustChangePassword?: boolean;
}

/** Adds a user; a taken username (or provider subject) is a unique violation for the caller. */
export async function createAdminUser(db: Executor, input: NewAdminUser): Promise<number> {
  const now = Date.now();
  const row = await db
    .insertInto("admin_users")
    .values({
      username: input.username,
      password_hash: input.passwordHash ?? NO_PASSWORD,
      must_change_password: toDbBoolean(input.mustChangePassword ?? false),
      role: input.role,
      provider: input.provider,
      subject: input.subject ?? null,
      email: input.email ?? null,
      display_name: input.displayName ?? null,
      created_at: now,
      updated_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

export async function listAdminUsers(db: Executor): Promise<AdminUser[]> {
  const rows = await db.selectFrom("admin_users").selectAll().orderBy("id").execute();
  return rows.map(toAdmin);
}

export async function getAdminByUsername(db: Executor, username: string): Promise<AdminUser | undefined> {
  const row = await db.selectFrom("admin_users").selectAll().where("username", "=", username).executeTakeFirst();
  return row && toAdmin(row);
}

export async function getAdminById(db: Executor, id: number): Promise<AdminUser | undefined> {
  const row = await db.selectFrom("admin_users").selectAll().where("id", "=", id).executeTakeFirst();
  return row && toAdmin(row);
}

export async function getAdminBySubject(
  db: Executor,
  provider: AccountProvider,
  subject: string,
): Promise<AdminUser | undefined> {
  const row = await db
    .selectFrom("admin_users")
    .selectAll()
    .where("provider", "=", provider)
    .where("subject", "=", subject)
    .executeTakeFirst();
  return row && toAdmin(row);
}

/** How many enabled users hold one of these roles, optionally only those of SSO providers. */
export async function countActiveUsers(
  db: Executor,
  roles: readonly StoredRole[],
  options: { ssoOnly?: boolean } = {},
): Promise<number> {
  let query = db
    .selectFrom("admin_users")
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .where("role", "in", [...roles])
    .where("is_disabled", "=", 0);
  if (options.ssoOnly) query = query.where("provider", "!=", "local");
  const row = await query.executeTakeFirst();
  return Number(row?.count ?? 0);
}

export async function recordAdminLogin(
  db: Executor,
  id: number,
  profile: { email?: string | null; displayName?: string | null; role?: StoredRole } = {},
): Promise<void> {
  await db
    .updateTable("admin_users")
    .set({
      last_login_at: Date.now(),
      ...(profile.email ? { email: profile.email } : {}),
      ...(profile.displayName ? { display_name: profile.displayName } : {}),
      ...(profile.role ? { role: profile.role } : {}),
    })
    .where("id", "=", id)
    .execute();
}

/** Changes the role; the session version moves too, so open sessions sign in again under it. */
export async function setAdminRole(db: Executor, id: number, role: StoredRole): Promise<boolean> {
  const result = await db
    .updateTable("admin_users")
    .set({ role, session_version: sql<number>`session_version + 1`, updated_at: Date.now() })
    .where("id", "=", id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Removes the user; their sessions end at their next request (the row is gone). */
export async function deleteAdminUser(db: Executor, id: number): Promise<boolean> {
  const result = await db.deleteFrom("admin_users").where("id", "=", id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
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
