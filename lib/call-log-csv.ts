import type { CallLogEntry } from "../db/queries/call-logs";
import { csvRow } from "./csv";
import { formatDayKey, wallClockAt } from "./time-zone";

/** Columns of the call log export; times both as UTC (ISO 8601) and in the dashboard's zone. */
export const CALL_LOG_CSV_COLUMNS = [
  "time_utc",
  "time_local",
  "request_id",
  "status",
  "group",
  "provider",
  "api_key",
  "stream",
  "latency_ms",
  "ttft_ms",
  "prompt_tokens",
  "completion_tokens",
  "cached_tokens",
  "cost_usd",
  "usage_estimated",
  "incomplete",
  "error",
  "attempts",
] as const;

function localTime(epochMs: number, timeZone: string): string {
  const wall = wallClockAt(epochMs, timeZone);
  const pad = (value: number) => String(value).padStart(2, "0");
  return `${formatDayKey(wall.year, wall.month, wall.day)} ${pad(wall.hour)}:${pad(wall.minute)}:${pad(wall.second)}`;
}

/** "p1 503 failed (reason) > p2 200 ok": the attempt chain in one cell. */
function attemptsCell(entry: CallLogEntry): string {
  return entry.attempts
    .map((attempt) => {
      const reason = attempt.reason ? ` (${attempt.reason})` : "";
      return `${attempt.providerName} ${attempt.status ?? "-"} ${attempt.outcome} ${Math.round(attempt.latencyMs)}ms${reason}`;
    })
    .join(" > ");
}

export function callLogCsvHeader(): string {
  return csvRow(CALL_LOG_CSV_COLUMNS);
}

export function callLogCsvRow(entry: CallLogEntry, timeZone: string): string {
  return csvRow([
    new Date(entry.createdAt).toISOString(),
    localTime(entry.createdAt, timeZone),
    entry.requestId,
    entry.status,
    entry.groupName,
    entry.providerName,
    entry.apiKeyName,
    entry.isStream,
    entry.latencyMs,
    entry.ttftMs,
    entry.promptTokens,
    entry.completionTokens,
    entry.cachedTokens,
    entry.cost,
    entry.isUsageEstimated,
    entry.isIncomplete,
    entry.error,
    attemptsCell(entry),
  ]);
}
