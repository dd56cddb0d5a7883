import { z } from "zod";
import type { SecretCipher } from "../crypto";
import { fromDbBoolean, toDbBoolean, withTransaction } from "../dialect";
import type { Executor } from "../schema";
import { bumpConfigVersion } from "./config-state";
import { DataError, requireText, toDataError } from "./errors";
import { SUBSCRIBABLE_EVENTS, type AlertEvent, type AlertTarget, type TargetKind } from "../alert-events";

const eventsSchema = z.array(z.enum(SUBSCRIBABLE_EVENTS));

/** A target as the dashboard shows it: whether a secret is set, never the secret. */
export interface AlertTargetView {
  id: number;
  name: string;
  kind: TargetKind;
  url: string;
  hasSecret: boolean;
  events: AlertEvent[];
  isEnabled: boolean;
}

export interface AlertTargetInput {
  name: string;
  kind: TargetKind;
  url: string;
  /** Undefined keeps the stored secret, null or "" removes it. */
  secret?: string | null;
  events: readonly AlertEvent[];
  isEnabled: boolean;
}

interface Row {
  id: number;
  name: string;
  kind: string;
  url: string;
  secret_encrypted: string | null;
  events: string;
  is_enabled: number;
}

function parseEvents(text: string): AlertEvent[] {
  const parsed = eventsSchema.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : [];
}

const toKind = (kind: string): TargetKind => (kind === "slack" ? "slack" : "generic");

function toView(row: Row): AlertTargetView {
  return {
    id: row.id,
    name: row.name,
    kind: toKind(row.kind),
    url: row.url,
    hasSecret: row.secret_encrypted !== null,
    events: parseEvents(row.events),
    isEnabled: fromDbBoolean(row.is_enabled),
  };
}

export async function listAlertTargets(db: Executor): Promise<AlertTargetView[]> {
  const rows = await db.selectFrom("alert_targets").selectAll().orderBy("name").execute();
  return rows.map(toView);
}

/** Every target with its decrypted secret, for the dispatcher only. */
export async function loadAlertTargets(db: Executor, cipher: SecretCipher): Promise<AlertTarget[]> {
  const rows = await db.selectFrom("alert_targets").selectAll().orderBy("id").execute();
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    kind: toKind(row.kind),
    url: row.url,
    secret: row.secret_encrypted === null ? null : cipher.decrypt(row.secret_encrypted),
    events: new Set(parseEvents(row.events)),
    isEnabled: fromDbBoolean(row.is_enabled),
  }));
}

export async function getAlertTarget(db: Executor, cipher: SecretCipher, id: number): Promise<AlertTarget> {
  const target = (await loadAlertTargets(db, cipher)).find((entry) => entry.id === id);
  if (!target) throw new DataError("not_found", "Alert target not found");
  return target;
}

function encryptSecret(cipher: SecretCipher, secret: string | null | undefined): string | null | undefined {
  if (secret === undefined) return undefined;
  return secret === null || secret === "" ? null : cipher.encrypt(secret);
}

export async function createAlertTarget(db: Executor, cipher: SecretCipher, input: AlertTargetInput): Promise<number> {
  const name = requireText(input.name, "Name");
  const now = Date.now();
  try {
    return await withTransaction(db, async (trx) => {
      const row = await trx
        .insertInto("alert_targets")
        .values({
          name,
          kind: input.kind,
          url: input.url,
          secret_encrypted: encryptSecret(cipher, input.secret) ?? null,
          events: JSON.stringify(input.events),
          is_enabled: toDbBoolean(input.isEnabled),
          created_at: now,
          updated_at: now,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await bumpConfigVersion(trx);
      return row.id;
    });
  } catch (error) {
    throw toDataError(error, { conflict: "An alert target with this name exists" });
  }
}

export async function updateAlertTarget(
  db: Executor,
  cipher: SecretCipher,
  id: number,
  /** `url` undefined keeps the stored one (the dashboard never shows it whole). */
  input: Omit<AlertTargetInput, "url"> & { url?: string },
): Promise<void> {
  const name = requireText(input.name, "Name");
  const secret = encryptSecret(cipher, input.secret);
  try {
    await withTransaction(db, async (trx) => {
      const result = await trx
        .updateTable("alert_targets")
        .set({
          name,
          kind: input.kind,
          ...(input.url === undefined ? {} : { url: input.url }),
          ...(secret === undefined ? {} : { secret_encrypted: secret }),
          events: JSON.stringify(input.events),
          is_enabled: toDbBoolean(input.isEnabled),
          updated_at: Date.now(),
        })
        .where("id", "=", id)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) throw new DataError("not_found", "Alert target not found");
      await bumpConfigVersion(trx);
    });
  } catch (error) {
    throw toDataError(error, { conflict: "An alert target with this name exists" });
  }
}

export async function deleteAlertTarget(db: Executor, id: number): Promise<void> {
  await withTransaction(db, async (trx) => {
    const result = await trx.deleteFrom("alert_targets").where("id", "=", id).executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw new DataError("not_found", "Alert target not found");
    await bumpConfigVersion(trx);
  });
}

/**
 * Claims the right to send `key` now: true when it was never sent or its cooldown is over.
 * One conditional upsert, so of several processes or instances racing for one alert exactly
 * one wins.
 */
export async function claimAlert(db: Executor, key: string, now: number, cooldownMs: number): Promise<boolean> {
  const result = await db
    .insertInto("alert_state")
    .values({ alert_key: key, last_sent_at: now })
    .onConflict((conflict) =>
      conflict
        .column("alert_key")
        .doUpdateSet({ last_sent_at: now })
        .where("alert_state.last_sent_at", "<=", now - cooldownMs),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Old keys are useless once their cooldown passed; the retention job or tests may prune them. */
export async function pruneAlertState(db: Executor, olderThan: number): Promise<number> {
  const result = await db.deleteFrom("alert_state").where("last_sent_at", "<", olderThan).executeTakeFirst();
  return Number(result.numDeletedRows);
}
