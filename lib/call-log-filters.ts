import { z } from "zod";
import { MAX_ERROR_TEXT, type CallLogFilters } from "../db/queries/call-log-search";
import type { CallLogCursor } from "../db/queries/call-logs";
import { parseZonedDateTime } from "./time-zone";

/*
 * The call log filters as they travel in the URL (the logs page and the CSV export read the
 * same parameters). Each parameter is validated on its own: one bad value is dropped and
 * reported, the others still apply. Times are `datetime-local` values in the dashboard's
 * time zone.
 */

export const statusClasses = ["2xx", "4xx", "5xx", "499"] as const;

const emptyToUndefined = (value: unknown) => (value === "" ? undefined : value);
const dateTimeLocal = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
const positiveId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

const fields = {
  from: dateTimeLocal,
  to: dateTimeLocal,
  group: z.string().trim().min(1).max(200),
  provider: positiveId,
  key: positiveId,
  status: z.enum(statusClasses),
  stream: z.enum(["yes", "no"]),
  // Longer text is cut rather than refused: the field also carries a maxLength.
  q: z
    .string()
    .max(10_000)
    .transform((text) => text.trim().slice(0, MAX_ERROR_TEXT)),
  before: z.string().regex(/^\d{1,16}_\d{1,19}$/),
} as const;

type FieldName = keyof typeof fields;
export type LogSearch = { [K in FieldName]?: z.output<(typeof fields)[K]> };

export const logSearchKeys = Object.keys(fields) as FieldName[];

export interface ParsedLogSearch {
  search: LogSearch;
  /** Parameters present but invalid (ignored). */
  invalid: FieldName[];
}

/** Reads the parameters from a URL's search params or a page's `searchParams` object. */
export function parseLogSearch(
  source: URLSearchParams | Record<string, string | string[] | undefined>,
): ParsedLogSearch {
  const search: Record<string, unknown> = {};
  const invalid: FieldName[] = [];
  for (const name of logSearchKeys) {
    const raw = source instanceof URLSearchParams ? (source.get(name) ?? undefined) : source[name];
    const value = emptyToUndefined(Array.isArray(raw) ? raw[0] : raw);
    if (value === undefined) continue;
    const parsed = fields[name].safeParse(value);
    if (parsed.success && parsed.data !== "") search[name] = parsed.data;
    else if (!parsed.success) invalid.push(name);
  }
  return { search: search as LogSearch, invalid };
}

export function parseCursor(value: string | undefined): CallLogCursor | undefined {
  if (!value) return undefined;
  const [createdAt, id] = value.split("_").map(Number);
  return createdAt !== undefined && id !== undefined && Number.isSafeInteger(createdAt) && Number.isSafeInteger(id)
    ? { createdAt, id }
    : undefined;
}

export function formatCursor(cursor: CallLogCursor): string {
  return `${cursor.createdAt}_${cursor.id}`;
}

/** The query filters; time fields are read in `timeZone`. */
export function toCallLogFilters(search: LogSearch, timeZone: string): CallLogFilters {
  const filters: CallLogFilters = {};
  const from = search.from ? parseZonedDateTime(search.from, timeZone) : null;
  const to = search.to ? parseZonedDateTime(search.to, timeZone) : null;
  if (from !== null) filters.from = from;
  // "To 10:30" includes the whole minute.
  if (to !== null) filters.to = to + 60_000;
  if (search.group) filters.groupName = search.group;
  if (search.provider) filters.providerId = search.provider;
  if (search.key) filters.apiKeyId = search.key;
  if (search.status) filters.statusClass = search.status;
  if (search.stream) filters.isStream = search.stream === "yes";
  if (search.q) filters.errorText = search.q;
  return filters;
}

/** Search params for a link, with `before` replaced (or removed with null). */
export function logSearchParams(search: LogSearch, before: string | null): URLSearchParams {
  const params = new URLSearchParams();
  for (const name of logSearchKeys) {
    if (name === "before") continue;
    const value = search[name];
    if (value !== undefined && value !== "") params.set(name, String(value));
  }
  if (before) params.set("before", before);
  return params;
}

export function hasFilters(search: LogSearch): boolean {
  return logSearchKeys.some((name) => name !== "before" && search[name] !== undefined);
}
