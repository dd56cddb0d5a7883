import type { ExpressionBuilder, SelectQueryBuilder } from "kysely";
import { containsText, toDbBoolean } from "../dialect";
import type { Database, Executor } from "../schema";
import { toEntry, type CallLogCursor, type CallLogEntry } from "./call-logs";

/*
 * The call log list's search. Newest first, keyset-paginated on (created_at, id), and cheap
 * with millions of rows because every statement is bounded:
 *
 * - At most one "driver" filter is used to walk an index in created_at order: the key,
 *   provider or group (each has an index ending in created_at), status 499 (status index),
 *   or just created_at. Time bounds narrow that walk to a range.
 * - Every other filter (status class, stream flag, text in the error, a second equality
 *   filter) is "residual": it is checked on at most `scanLimit` rows taken from the driver's
 *   walk. When that window holds fewer matches than a page, the page comes back short with
 *   `isScanCapped` and a cursor at the last row looked at, so "search older" continues
 *   exactly there: no row is skipped or shown twice, and a search for text that occurs
 *   nowhere costs one bounded window per click instead of a scan of the whole table.
 */

export type StatusClass = "2xx" | "4xx" | "5xx" | "499";

export interface CallLogFilters {
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
  groupName?: string;
  providerId?: number;
  apiKeyId?: number;
  /** 4xx means 400–498: a client that went away (499) is its own class. */
  statusClass?: StatusClass;
  isStream?: boolean;
  /** Case-insensitive substring of the error, matched literally (LIKE wildcards escaped). */
  errorText?: string;
}

export interface SearchCallLogsOptions extends CallLogFilters {
  /** Rows per page (1–500). */
  limit: number;
  /** Rows strictly older than this come next. */
  before?: CallLogCursor;
  /** Rows the residual filters examine per call (default 20,000). */
  scanLimit?: number;
}

export interface CallLogSearchPage {
  rows: CallLogEntry[];
  /** Pass as `before` for the next page; null when nothing older can match. */
  next: CallLogCursor | null;
  /** The page is short because the scan window ended, not because the log did. */
  isScanCapped: boolean;
}

export const DEFAULT_SCAN_LIMIT = 20_000;
/** Longer error searches are cut: the pattern is matched against every scanned row. */
export const MAX_ERROR_TEXT = 200;

const STATUS_RANGES: Record<Exclude<StatusClass, "499">, [number, number]> = {
  "2xx": [200, 300],
  "4xx": [400, 499],
  "5xx": [500, 600],
};

type Driver = "apiKeyId" | "providerId" | "groupName" | "status499" | "createdAt";

/** Keys and providers usually split traffic finer than groups, so they lead. */
function pickDriver(filters: CallLogFilters): Driver {
  if (filters.apiKeyId !== undefined) return "apiKeyId";
  if (filters.providerId !== undefined) return "providerId";
  if (filters.groupName !== undefined) return "groupName";
  if (filters.statusClass === "499") return "status499";
  return "createdAt";
}

type LogQuery<O> = SelectQueryBuilder<Database, "call_logs", O>;

/** The driver's equality, the time bounds and the keyset position: what the index walk serves. */
function applyDriver<O>(query: LogQuery<O>, driver: Driver, options: SearchCallLogsOptions): LogQuery<O> {
  let q = query;
  if (driver === "apiKeyId" && options.apiKeyId !== undefined) q = q.where("api_key_id", "=", options.apiKeyId);
  if (driver === "providerId" && options.providerId !== undefined) q = q.where("provider_id", "=", options.providerId);
  if (driver === "groupName" && options.groupName !== undefined) q = q.where("group_name", "=", options.groupName);
  if (driver === "status499") q = q.where("status", "=", 499);
  if (options.from !== undefined) q = q.where("created_at", ">=", options.from);
  if (options.to !== undefined) q = q.where("created_at", "<", options.to);
  const before = options.before;
  if (before) {
    // `<=` first keeps it an index range on SQLite; the OR only trims the equal timestamps.
    q = q
      .where("created_at", "<=", before.createdAt)
      .where((eb) => eb.or([eb("created_at", "<", before.createdAt), eb("id", "<", before.id)]));
  }
  return q;
}

/** The filters the driver does not serve; they are checked on the joined row `l`. */
function residualFilters(driver: Driver, options: SearchCallLogsOptions): CallLogFilters {
  const residual: CallLogFilters = {};
  if (driver !== "apiKeyId" && options.apiKeyId !== undefined) residual.apiKeyId = options.apiKeyId;
  if (driver !== "providerId" && options.providerId !== undefined) residual.providerId = options.providerId;
  if (driver !== "groupName" && options.groupName !== undefined) residual.groupName = options.groupName;
  if (options.statusClass !== undefined && !(options.statusClass === "499" && driver === "status499"))
    residual.statusClass = options.statusClass;
  if (options.isStream !== undefined) residual.isStream = options.isStream;
  const text = normalizeErrorText(options.errorText);
  if (text) residual.errorText = text;
  return residual;
}

function residualConditions(db: Executor, residual: CallLogFilters) {
  return (eb: ExpressionBuilder<Database & { l: Database["call_logs"] }, "l">) => {
    const conditions = [];
    if (residual.apiKeyId !== undefined) conditions.push(eb("l.api_key_id", "=", residual.apiKeyId));
    if (residual.providerId !== undefined) conditions.push(eb("l.provider_id", "=", residual.providerId));
    if (residual.groupName !== undefined) conditions.push(eb("l.group_name", "=", residual.groupName));
    if (residual.statusClass === "499") conditions.push(eb("l.status", "=", 499));
    else if (residual.statusClass !== undefined) {
      const [low, high] = STATUS_RANGES[residual.statusClass];
      conditions.push(eb("l.status", ">=", low), eb("l.status", "<", high));
    }
    if (residual.isStream !== undefined) conditions.push(eb("l.is_stream", "=", toDbBoolean(residual.isStream)));
    if (residual.errorText) conditions.push(containsText(db, eb.ref("l.error"), residual.errorText));
    return conditions;
  };
}

export function normalizeErrorText(text: string | undefined): string {
  return (text ?? "").trim().slice(0, MAX_ERROR_TEXT);
}

function clampLimit(limit: number): number {
  return Math.min(Math.max(Math.trunc(limit), 1), 500);
}

export async function searchCallLogs(db: Executor, options: SearchCallLogsOptions): Promise<CallLogSearchPage> {
  const limit = clampLimit(options.limit);
  const driver = pickDriver(options);
  const residual = residualFilters(driver, options);

  if (Object.keys(residual).length === 0) {
    const rows = await applyDriver(db.selectFrom("call_logs").selectAll(), driver, options)
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .limit(limit + 1)
      .execute();
    return pageOf(rows.map(toEntry), limit, null);
  }

  const scanLimit = Math.max(1, Math.trunc(options.scanLimit ?? DEFAULT_SCAN_LIMIT));
  const window = applyDriver(db.selectFrom("call_logs").select(["id", "created_at"]), driver, options)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(scanLimit);
  const rows = await db
    .selectFrom(window.as("w"))
    .innerJoin("call_logs as l", "l.id", "w.id")
    .selectAll("l")
    .where((eb) => eb.and(residualConditions(db, residual)(eb)))
    .orderBy("w.created_at", "desc")
    .orderBy("w.id", "desc")
    .limit(limit + 1)
    .execute();
  if (rows.length > limit) return pageOf(rows.map(toEntry), limit, null);

  // Fewer matches than a page: did the window end the scan, or the log itself?
  const lastScanned = await applyDriver(db.selectFrom("call_logs").select(["id", "created_at"]), driver, options)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(1)
    .offset(scanLimit - 1)
    .executeTakeFirst();
  const cursor = lastScanned ? { createdAt: Number(lastScanned.created_at), id: Number(lastScanned.id) } : null;
  return pageOf(rows.map(toEntry), limit, cursor);
}

function pageOf(entries: CallLogEntry[], limit: number, scanCursor: CallLogCursor | null): CallLogSearchPage {
  const page = entries.slice(0, limit);
  const last = page[page.length - 1];
  if (entries.length > limit && last)
    return { rows: page, next: { createdAt: last.createdAt, id: last.id }, isScanCapped: false };
  return { rows: page, next: scanCursor, isScanCapped: scanCursor !== null };
}

/**
 * Every matching row, newest first, in pages of `batchSize`: what the CSV export streams.
 * Each step is one bounded search, so a slow reader never holds a transaction open.
 */
export async function* iterateCallLogs(
  db: Executor,
  filters: CallLogFilters,
  batchSize = 1_000,
): AsyncGenerator<CallLogEntry[]> {
  let before: CallLogCursor | undefined;
  for (;;) {
    const page = await searchCallLogs(db, { ...filters, limit: batchSize, before });
    if (page.rows.length > 0) yield page.rows;
    if (!page.next) return;
    before = page.next;
  }
}
