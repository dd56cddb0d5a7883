import "server-only";
import { headers } from "next/headers";
import type { Session } from "next-auth";
import type { AuditActor } from "../../db/queries/audit-log";
import { isDataError, type DataErrorCode } from "../../db/queries/errors";
import { recordConfigChanges } from "../../lib/audit/record";
import { fieldErrorsFrom, type ActionResult } from "../../lib/action-result";
import type { Role } from "../../lib/roles";
import { authorizeAction } from "./session";
import { getServerState, type ServerState } from "../../lib/server/state";

export type ActionFailure = Extract<ActionResult, { ok: false }>;

/** What a data-layer error means to the form, per code; an action overrides what differs. */
export type DataErrorResults = Partial<Record<DataErrorCode, ActionFailure>>;

export const notFound: ActionFailure = { ok: false, formError: "notFound" };
export const invalidInput: ActionFailure = { ok: false, formError: "invalid" };

const DEFAULT_RESULTS: Record<DataErrorCode, ActionFailure> = {
  not_found: notFound,
  conflict: { ok: false, fieldErrors: { name: "duplicateName" } },
  in_use: { ok: false, formError: "inUse" },
  invalid: invalidInput,
};

/** A failed zod parse of a form, as the per-field message keys the form shows. */
export function invalidFields(error: {
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>;
}): ActionFailure {
  return { ok: false, fieldErrors: fieldErrorsFrom(error.issues) };
}

/** The signed-in admin and where the request came from, as the audit log names them. */
async function dashboardActor(session: Session): Promise<AuditActor> {
  const list = await headers();
  const forwarded = list.get("x-forwarded-for")?.split(",")[0]?.trim();
  return {
    actor: session.user?.name || session.user?.email || `admin #${session.adminId}`,
    source: "dashboard",
    ip: forwarded || list.get("x-real-ip") || null,
    userAgent: list.get("user-agent"),
  };
}

/**
 * Runs a dashboard write outside runAdminAction (the import pages, which shape their own
 * results) so its changes are still audited under the signed-in admin.
 */
export async function recordAdminChanges<T>(session: Session, state: ServerState, work: () => Promise<T>): Promise<T> {
  return recordConfigChanges(state.db, await dashboardActor(session), work);
}

/**
 * The frame of every dashboard write. A server action is a public POST endpoint, so the
 * session is checked before anything else, whatever the request claims. A data-layer error
 * becomes the result mapped for its code; any other error is `unexpected`, never its text.
 * Whatever the work changes in the configuration lands in the audit log under this admin.
 * Every action is a write or touches a secret, so the role must be admin at least (owner
 * for users); a viewer gets `forbidden`.
 */
export async function runAdminAction<T = undefined>(
  work: (state: ServerState) => Promise<ActionResult<T>>,
  results: DataErrorResults = {},
  options: { minimumRole?: Role } = {},
): Promise<ActionResult<T>> {
  const access = await authorizeAction(options.minimumRole ?? "admin");
  if (!access.ok) return access;
  const { session } = access;
  try {
    const state = await getServerState();
    return await recordAdminChanges(session, state, () => work(state));
  } catch (error) {
    if (isDataError(error)) return results[error.code] ?? DEFAULT_RESULTS[error.code];
    return { ok: false, formError: "unexpected" };
  }
}
