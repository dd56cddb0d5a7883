import type { FieldChange } from "../../db/queries/audit-log";

/** A field's value as one short line: text as is, null as "—", lists and objects as JSON. */
export function formatAuditValue(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "string") return value === "" ? '""' : value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

/** `field: before → after` per changed field; a create shows only the new value, a delete the old. */
export function describeAuditChanges(action: string, changes: Record<string, FieldChange>): string[] {
  return Object.entries(changes).map(([field, { before, after }]) => {
    if (action.endsWith(".create")) return `${field}: ${formatAuditValue(after)}`;
    if (action.endsWith(".delete")) return `${field}: ${formatAuditValue(before)}`;
    return `${field}: ${formatAuditValue(before)} → ${formatAuditValue(after)}`;
  });
}
