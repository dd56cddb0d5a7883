/**
 * What every dashboard server action returns. Errors are message keys (namespace
 * `Errors`), never text, so the browser shows them translated; nothing secret is ever
 * placed in a result.
 */
export type ActionResult<T = undefined> =
  { ok: true; message?: string; data?: T } | { ok: false; formError?: string; fieldErrors?: Record<string, string> };

export const unauthorized: ActionResult<never> = { ok: false, formError: "unauthorized" };

/** Turns zod issues into `{ field: errorKey }`, keeping the first issue of each field. */
export function fieldErrorsFrom(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) {
    const field = String(issue.path[0] ?? "form");
    out[field] ??= issue.message;
  }
  return out;
}
