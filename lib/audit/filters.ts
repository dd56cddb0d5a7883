import { z } from "zod";
import type { AuditFilters } from "../../db/queries/audit-log";
import { parseZonedDateTime } from "../time-zone";
import { AUDIT_KINDS } from "./snapshot";

/*
 * The audit page's filters as they travel in the URL (the page and the CSV export read the
 * same parameters). Each is validated on its own: a bad value is dropped and reported, the
 * others still apply. Times are `datetime-local` values in the dashboard's time zone.
 */

const dateTimeLocal = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
const text = z.string().trim().min(1).max(200);

const fields = {
  actor: text,
  kind: z.enum(AUDIT_KINDS),
  target: text,
  from: dateTimeLocal,
  to: dateTimeLocal,
  before: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER),
} as const;

type FieldName = keyof typeof fields;
export type AuditSearch = { [K in FieldName]?: z.output<(typeof fields)[K]> };
export const auditSearchKeys = Object.keys(fields) as FieldName[];

export function parseAuditSearch(source: URLSearchParams | Record<string, string | string[] | undefined>): {
  search: AuditSearch;
  invalid: FieldName[];
} {
  const search: Record<string, unknown> = {};
  const invalid: FieldName[] = [];
  for (const name of auditSearchKeys) {
    const raw = source instanceof URLSearchParams ? (source.get(name) ?? undefined) : source[name];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value === undefined || value.trim() === "") continue;
    const parsed = fields[name].safeParse(value);
    if (parsed.success) search[name] = parsed.data;
    else invalid.push(name);
  }
  return { search: search as AuditSearch, invalid };
}

/** The query filters; time fields are read in `timeZone`, and "to 10:30" includes that minute. */
export function toAuditFilters(search: AuditSearch, timeZone: string): AuditFilters {
  const filters: AuditFilters = {};
  const from = search.from ? parseZonedDateTime(search.from, timeZone) : null;
  const to = search.to ? parseZonedDateTime(search.to, timeZone) : null;
  if (from !== null) filters.from = from;
  if (to !== null) filters.to = to + 60_000;
  if (search.actor) filters.actor = search.actor;
  if (search.kind) filters.kind = search.kind;
  if (search.target) filters.target = search.target;
  return filters;
}

/** Search params for a link, with `before` replaced (or removed with null). */
export function auditSearchParams(search: AuditSearch, before: number | null): URLSearchParams {
  const params = new URLSearchParams();
  for (const name of auditSearchKeys) {
    const value = search[name];
    if (name !== "before" && value !== undefined) params.set(name, String(value));
  }
  if (before !== null) params.set("before", String(before));
  return params;
}

export function hasAuditFilters(search: AuditSearch): boolean {
  return auditSearchKeys.some((name) => name !== "before" && search[name] !== undefined);
}
