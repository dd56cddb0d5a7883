import { z } from "zod";

/**
 * Dashboard roles, strongest first. owner: everything, including users and invites;
 * admin: all configuration; viewer: dashboards and logs, no writes and no secrets.
 */
export const ROLES = ["owner", "admin", "viewer"] as const;
export type Role = (typeof ROLES)[number];
export const roleSchema = z.enum(ROLES);

const RANK: Record<Role, number> = { owner: 3, admin: 2, viewer: 1 };

/** True when `role` may do what `minimum` may: an owner passes every check. */
export function hasRole(role: Role, minimum: Role): boolean {
  return RANK[role] >= RANK[minimum];
}

/** An unknown role read from storage counts as the weakest, never as a stronger one. */
export function parseRole(value: unknown): Role {
  const parsed = roleSchema.safeParse(value);
  return parsed.success ? parsed.data : "viewer";
}

/** The strongest of several roles, or null when there are none. */
export function strongestRole(roles: Iterable<Role>): Role | null {
  let best: Role | null = null;
  for (const role of roles) if (best === null || RANK[role] > RANK[best]) best = role;
  return best;
}
