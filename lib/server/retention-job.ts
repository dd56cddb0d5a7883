import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import { releaseJobLock, tryAcquireJobLock } from "../../db/queries/job-locks";
import { deleteAuditBatch } from "../../db/queries/audit-log";
import { deleteBodyBatch, deleteCallLogBatch } from "../../db/queries/retention";
import type { Database, Executor } from "../../db/schema";
import { defaultSettings, type Settings } from "../../db/settings-schema";
import { errorText, getLogger } from "../logger";

/*
 * Retention: log rows older than settings.logRetentionDays and stored bodies older than
 * settings.bodyRetentionDays are deleted in the background (and audit log rows older than
 * settings.auditRetentionDays, kept by their own, longer setting), in small batches with a pause
 * in between, so requests and the log writer are never held up for long (better-sqlite3
 * runs each statement on the event loop). The hourly rollups are kept, so the charts keep
 * their history. In a cluster one instance runs it, holding the "retention" job lock.
 */

const DAY_MS = 86_400_000;
export const RETENTION_LOCK = "retention";

export type RetentionSettings = Pick<Settings, "logRetentionDays" | "bodyRetentionDays"> &
  Partial<Pick<Settings, "auditRetentionDays">>;

export interface RetentionOptions {
  /**
   * Rows per DELETE (default 2,000). With 2M rows and six indexes a 5,000-row statement held
   * the event loop for 50–200 ms on the development machine; 2,000 keeps each stall short.
   */
  batchSize?: number;
  /** Waited between batches so other work runs (default: 25 ms). */
  pause?: () => Promise<void>;
  /** Asked before every batch; false stops the run (lost lock, shutdown). */
  shouldContinue?: () => boolean | Promise<boolean>;
}

export interface RetentionResult {
  logCutoff: number;
  bodyCutoff: number;
  deletedLogs: number;
  deletedBodies: number;
  auditCutoff: number;
  deletedAuditEntries: number;
  /** False when shouldContinue stopped the run before it finished. */
  isComplete: boolean;
}

const defaultPause = () => new Promise<void>((resolve) => setTimeout(resolve, 25));

/** One retention pass at `now`: the testable core of the job. */
export async function runRetention(
  db: Executor,
  settings: RetentionSettings,
  now: number,
  options: RetentionOptions = {},
): Promise<RetentionResult> {
  const batchSize = options.batchSize ?? 2_000;
  const pause = options.pause ?? defaultPause;
  const logCutoff = now - settings.logRetentionDays * DAY_MS;
  // A body never outlives its row.
  const bodyCutoff = now - Math.min(settings.bodyRetentionDays, settings.logRetentionDays) * DAY_MS;
  const auditCutoff = now - (settings.auditRetentionDays ?? defaultSettings.auditRetentionDays) * DAY_MS;
  const result: RetentionResult = {
    logCutoff,
    bodyCutoff,
    auditCutoff,
    deletedLogs: 0,
    deletedBodies: 0,
    deletedAuditEntries: 0,
    isComplete: false,
  };

  const steps: [() => Promise<number>, "deletedLogs" | "deletedBodies" | "deletedAuditEntries"][] = [
    [() => deleteBodyBatch(db, bodyCutoff, batchSize), "deletedBodies"],
    [() => deleteCallLogBatch(db, logCutoff, batchSize), "deletedLogs"],
    [() => deleteAuditBatch(db, auditCutoff, batchSize), "deletedAuditEntries"],
  ];
  for (const [step, counter] of steps) {
    for (;;) {
      if (options.shouldContinue && !(await options.shouldContinue())) return result;
      const deleted = await step();
      result[counter] += deleted;
      if (deleted < batchSize) break;
      await pause();
    }
  }
  result.isComplete = true;
  return result;
}

export interface RetentionJobOptions {
  /** Between passes (default 5 minutes). */
  intervalMs?: number;
  /** Before the first pass, so start-up stays quick (default 1 minute). */
  firstRunMs?: number;
  /** Longer than a pass's batches take between two renewals (default 10 minutes). */
  lockTtlMs?: number;
  batchSize?: number;
  onError?: (error: unknown) => void;
  /** Told about every pass this instance ran (not the ones another instance's lock skipped). */
  onPass?: (result: RetentionResult) => void;
}

export interface RetentionJob {
  /** Runs a pass now (unless one is running); resolves with its result, null if skipped. */
  runNow(): Promise<RetentionResult | null>;
  stop(): Promise<void>;
}

/** Starts the background job; the settings are read afresh before every pass. */
export function startRetentionJob(
  db: Kysely<Database>,
  getSettings: () => RetentionSettings,
  options: RetentionJobOptions = {},
): RetentionJob {
  const holder = `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
  const lockTtlMs = options.lockTtlMs ?? 10 * 60_000;
  const onError =
    options.onError ??
    ((error: unknown) => getLogger().warn({ error: errorText(error) }, `Retention job: ${errorText(error)}`));
  let running: Promise<RetentionResult | null> | null = null;
  let isStopped = false;

  // The lock is renewed before every batch, so a long backlog never outlives it.
  const holdLock = () => (isStopped ? false : tryAcquireJobLock(db, RETENTION_LOCK, holder, lockTtlMs));

  const pass = async (): Promise<RetentionResult | null> => {
    if (!(await holdLock())) return null;
    const result = await runRetention(db, getSettings(), Date.now(), {
      batchSize: options.batchSize,
      shouldContinue: holdLock,
    });
    options.onPass?.(result);
    return result;
  };

  const runNow = (): Promise<RetentionResult | null> => {
    if (isStopped) return Promise.resolve(null);
    running ??= pass()
      .catch((error: unknown) => {
        onError(error);
        return null;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };

  const first = setTimeout(() => {
    void runNow();
  }, options.firstRunMs ?? 60_000);
  const interval = setInterval(
    () => {
      void runNow();
    },
    options.intervalMs ?? 5 * 60_000,
  );
  first.unref();
  interval.unref();

  return {
    runNow,
    async stop() {
      isStopped = true;
      clearTimeout(first);
      clearInterval(interval);
      await running;
      await releaseJobLock(db, RETENTION_LOCK, holder).catch(() => undefined);
    },
  };
}
