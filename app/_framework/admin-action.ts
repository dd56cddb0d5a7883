import "server-only";
import { isDataError, type DataErrorCode } from "../../db/queries/errors";
import { fieldErrorsFrom, unauthorized, type ActionResult } from "../../lib/action-result";
import { getActionSession } from "./session";
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

/**
 * The frame of every dashboard write. A server action is a public POST endpoint, so the
 * session is checked before anything else, whatever the request claims. A data-layer error
 * becomes the result mapped for its code; any other error is `unexpected`, never its text.
 */
export async function runAdminAction<T = undefined>(
  work: (state: ServerState) => Promise<ActionResult<T>>,
  results: DataErrorResults = {},
): Promise<ActionResult<T>> {
  if (!(await getActionSession())) return unauthorized;
  try {
    return await work(await getServerState());
  } catch (error) {
    if (isDataError(error)) return results[error.code] ?? DEFAULT_RESULTS[error.code];
    return { ok: false, formError: "unexpected" };
  }
}
