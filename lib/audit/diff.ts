import type { AuditEntryInput, FieldChange } from "../../db/queries/audit-log";
import { maskSecrets } from "./mask";
import type { AuditObject, AuditSnapshot } from "./snapshot";

/*
 * Two snapshots in, one audit entry per object that was created, updated or deleted out, with
 * only the fields that differ (all fields for a create or delete) and every secret masked.
 */

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function fieldChanges(before: AuditObject | undefined, after: AuditObject | undefined): Record<string, FieldChange> {
  const names = new Set([...Object.keys(before?.fields ?? {}), ...Object.keys(after?.fields ?? {})]);
  const changes: Record<string, FieldChange> = {};
  for (const name of names) {
    const old = before ? (before.fields[name] ?? null) : null;
    const now = after ? (after.fields[name] ?? null) : null;
    if (before && after && same(old, now)) continue;
    changes[name] = { before: maskSecrets(name, old), after: maskSecrets(name, now) };
  }
  return changes;
}

export function diffAuditSnapshots(before: AuditSnapshot, after: AuditSnapshot): AuditEntryInput[] {
  const entries: AuditEntryInput[] = [];
  const entry = (object: AuditObject, action: string, changes: Record<string, FieldChange>): AuditEntryInput => ({
    action: `${object.kind}.${action}`,
    targetKind: object.kind,
    targetId: object.id,
    targetName: object.name,
    changes,
  });
  for (const [id, now] of after) {
    const old = before.get(id);
    if (!old) {
      entries.push(entry(now, "create", fieldChanges(undefined, now)));
      continue;
    }
    const changes = fieldChanges(old, now);
    // A secret replaced by an equal-looking one still shows: its digest changed.
    if (Object.keys(changes).length > 0) entries.push(entry(now, "update", changes));
  }
  for (const [id, old] of before) {
    if (!after.has(id)) entries.push(entry(old, "delete", fieldChanges(old, undefined)));
  }
  return entries;
}
