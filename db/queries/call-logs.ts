import { z } from "zod";
import { fromDbBoolean, toDbBoolean, toStoredText, withTransaction } from "../dialect";
import type { CallLogRow, Executor, NewCallLog, NewCallLogBody, PriceUnit } from "../schema";
import { toPriceUnit } from "../work-kinds";
import { ATTEMPT_OUTCOMES, type AttemptOutcome } from "../attempt-outcomes";
import { addUsage, aggregateUsage } from "./usage-rollup";

export type { AttemptOutcome } from "../attempt-outcomes";

export interface AttemptRecord {
  providerId: number;
  providerName: string;
  /** Upstream HTTP status, or null when none arrived (connect error, timeout). */
  status: number | null;
  latencyMs: number;
  outcome: AttemptOutcome;
  /** Why it failed or was skipped, in plain words; never a key or a secret URL. */
  reason: string | null;
  /** Set when the request was hedged: what each attempt cost (a loser's work is billed too). */
  cost?: number;
}

/** One row per client request, written off the request path. */
export interface CallLogRecord {
  requestId: string;
  createdAt: number;
  apiKeyId: number | null;
  apiKeyName: string | null;
  groupName: string | null;
  providerId: number | null;
  providerName: string | null;
  /** Status sent to the client (499 when the client went away). */
  status: number;
  isStream: boolean;
  latencyMs: number;
  ttftMs: number | null;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  /** Prompt tokens written to the provider's prompt cache. */
  cacheWriteTokens: number;
  /** Non-token units billed: images, seconds of audio, characters of speech. */
  billedUnits: number;
  billedUnit: PriceUnit;
  cost: number;
  isUsageEstimated: boolean;
  /** A committed stream that ended with an error instead of `[DONE]`. */
  isIncomplete: boolean;
  error: string | null;
  attempts: AttemptRecord[];
  /** The API the client called: `chat.completions`, `messages`, `messages.count_tokens`. */
  api: string;
  /** Present only when the storeBodies setting is on; already truncated. */
  requestBody: string | null;
  responseBody: string | null;
}

/** A stored row without its bodies, as lists and exports show it. */
export type CallLogEntry = Omit<CallLogRecord, "requestBody" | "responseBody"> & { id: number };

/** A stored row with its bodies. */
export type CallLogDetail = CallLogRecord & { id: number };

/** Position after the last row of a page: rows strictly older than it come next. */
export interface CallLogCursor {
  createdAt: number;
  id: number;
}

const ROWS_PER_STATEMENT = 500;

function toRow(record: CallLogRecord): NewCallLog {
  return {
    request_id: toStoredText(record.requestId),
    created_at: record.createdAt,
    api_key_id: record.apiKeyId,
    api_key_name: toStoredText(record.apiKeyName),
    group_name: toStoredText(record.groupName),
    provider_id: record.providerId,
    provider_name: toStoredText(record.providerName),
    status: record.status,
    is_stream: toDbBoolean(record.isStream),
    latency_ms: Math.round(record.latencyMs),
    ttft_ms: record.ttftMs === null ? null : Math.round(record.ttftMs),
    prompt_tokens: record.promptTokens,
    completion_tokens: record.completionTokens,
    cached_tokens: record.cachedTokens,
    cache_write_tokens: record.cacheWriteTokens,
    billed_units: record.billedUnits,
    billed_unit: record.billedUnit,
    cost: record.cost,
    is_usage_estimated: toDbBoolean(record.isUsageEstimated),
    is_incomplete: toDbBoolean(record.isIncomplete),
    error: toStoredText(record.error),
    attempts: JSON.stringify(record.attempts),
    api: record.api,
  };
}

/**
 * Writes a batch of log rows, their bodies and the hourly rollups in one transaction, so the
 * charts never disagree with the rows. A request id already stored is skipped, rollups
 * included: a batch retried after an ambiguous failure cannot count twice.
 */
export async function insertCallLogs(db: Executor, records: readonly CallLogRecord[]): Promise<void> {
  if (records.length === 0) return;
  await withTransaction(db, async (trx) => {
    const inserted = new Set<string>();
    for (let start = 0; start < records.length; start += ROWS_PER_STATEMENT) {
      const rows = await trx
        .insertInto("call_logs")
        .values(records.slice(start, start + ROWS_PER_STATEMENT).map(toRow))
        .onConflict((oc) => oc.column("request_id").doNothing())
        .returning("request_id")
        .execute();
      for (const row of rows) inserted.add(row.request_id);
    }
    const fresh = records.filter((record) => inserted.delete(toStoredText(record.requestId)));
    const bodies: NewCallLogBody[] = fresh
      .filter((record) => record.requestBody !== null || record.responseBody !== null)
      .map((record) => ({
        request_id: toStoredText(record.requestId),
        created_at: record.createdAt,
        request_body: toStoredText(record.requestBody),
        response_body: toStoredText(record.responseBody),
      }));
    for (let start = 0; start < bodies.length; start += ROWS_PER_STATEMENT) {
      await trx
        .insertInto("call_log_bodies")
        .values(bodies.slice(start, start + ROWS_PER_STATEMENT))
        .onConflict((oc) => oc.column("request_id").doNothing())
        .execute();
    }
    await addUsage(trx, aggregateUsage(fresh));
  });
}

const attemptsSchema = z.array(
  z.object({
    providerId: z.number(),
    providerName: z.string(),
    status: z.number().nullable(),
    latencyMs: z.number(),
    outcome: z.enum(ATTEMPT_OUTCOMES),
    reason: z.string().nullable(),
    cost: z.number().optional(),
  }),
);

function parseAttempts(json: string): AttemptRecord[] {
  try {
    const parsed = attemptsSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

export function toEntry(row: CallLogRow): CallLogEntry {
  return {
    id: row.id,
    requestId: row.request_id,
    createdAt: row.created_at,
    apiKeyId: row.api_key_id,
    apiKeyName: row.api_key_name,
    groupName: row.group_name,
    providerId: row.provider_id,
    providerName: row.provider_name,
    status: row.status,
    isStream: fromDbBoolean(row.is_stream),
    latencyMs: row.latency_ms,
    ttftMs: row.ttft_ms,
    promptTokens: row.prompt_tokens,
    completionTokens: row.completion_tokens,
    cachedTokens: row.cached_tokens,
    cacheWriteTokens: row.cache_write_tokens,
    billedUnits: row.billed_units,
    billedUnit: toPriceUnit(row.billed_unit),
    cost: row.cost,
    isUsageEstimated: fromDbBoolean(row.is_usage_estimated),
    isIncomplete: fromDbBoolean(row.is_incomplete),
    error: row.error,
    attempts: parseAttempts(row.attempts),
    api: row.api,
  };
}

export async function countCallLogs(db: Executor): Promise<number> {
  const row = await db
    .selectFrom("call_logs")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function getCallLog(db: Executor, requestId: string): Promise<CallLogDetail | undefined> {
  const row = await db
    .selectFrom("call_logs as l")
    .leftJoin("call_log_bodies as b", "b.request_id", "l.request_id")
    .selectAll("l")
    .select(["b.request_body", "b.response_body"])
    .where("l.request_id", "=", requestId)
    .executeTakeFirst();
  if (!row) return undefined;
  return { ...toEntry(row), requestBody: row.request_body, responseBody: row.response_body };
}
