import type { AuditEntry } from "../../db/queries/audit-log";
import { csvRow } from "../csv";
import { formatDayKey, wallClockAt } from "../time-zone";
import { describeAuditChanges } from "./format";

/** Columns of the audit export; times both as UTC (ISO 8601) and in the dashboard's zone. */
export const AUDIT_CSV_COLUMNS = [
  "time_utc",
  "time_local",
  "actor",
  "source",
  "ip",
  "user_agent",
  "action",
  "target_kind",
  "target_id",
  "target",
  "changes",
] as const;

function localTime(epochMs: number, timeZone: string): string {
  const wall = wallClockAt(epochMs, timeZone);
  const pad = (value: number) => String(value).padStart(2, "0");
  return `${formatDayKey(wall.year, wall.month, wall.day)} ${pad(wall.hour)}:${pad(wall.minute)}:${pad(wall.second)}`;
}

export function auditCsvHeader(): string {
  return csvRow(AUDIT_CSV_COLUMNS);
}

/** The changes in one cell, `field: before → after` joined by "; ". Secrets were masked on write. */
export function auditCsvRow(entry: AuditEntry, timeZone: string): string {
  return csvRow([
    new Date(entry.at).toISOString(),
    localTime(entry.at, timeZone),
    entry.actor,
    entry.source,
    entry.ip,
    entry.userAgent,
    entry.action,
    entry.targetKind,
    entry.targetId,
    entry.targetName,
    describeAuditChanges(entry.action, entry.changes).join("; "),
  ]);
}
