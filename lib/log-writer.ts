import { addKeywordHits } from "../db/queries/keywords";
import type { KeywordHits } from "../db/queries/keywords";
import { touchApiKeys } from "../db/queries/api-keys";
import { insertCallLogs } from "../db/queries/call-logs";
import type { Executor } from "../db/schema";
import type { CallLogRecord, KeyUsageSink, KeywordHitSink, LogSink } from "./gateway/types";

export interface LogWriterOptions {
  db: Executor;
  /** Rows per insert transaction. */
  batchSize?: number;
  /** How long a row may wait for companions before a partial batch is written. */
  flushIntervalMs?: number;
  /** Rows held while the database is unavailable; beyond it new rows are dropped and counted. */
  maxQueue?: number;
  /** Upper bound of the retry delay, which doubles after each failed batch. */
  maxBackoffMs?: number;
  /** How long close() keeps retrying before it gives the remaining rows up. */
  closeTimeoutMs?: number;
  /** Told about each failed batch (the batch itself stays queued). */
  onError?: (error: unknown) => void;
}

export interface LogWriterStats {
  queued: number;
  dropped: number;
  written: number;
  failedBatches: number;
}

export interface LogWriter extends LogSink {
  /** Writes everything queued now; rejects if a batch fails (its rows stay queued). */
  flush(): Promise<void>;
  /** Flushes, retrying failures until `closeTimeoutMs`; never rejects. Later pushes are dropped. */
  close(): Promise<void>;
  stats(): LogWriterStats;
}

/** Consecutive failures after which a batch is retried row by row (see isolatePoisonRows). */
const ISOLATE_AFTER_FAILURES = 3;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Writes call log rows off the request path. `push` only appends to memory; inserts happen
 * in batches on a timer, one at a time. A failed batch (database busy, disk full) stays at the
 * head of the queue and is retried with backoff, so nothing is lost while the queue has room.
 */
export function createLogWriter(options: LogWriterOptions): LogWriter {
  const batchSize = options.batchSize ?? 200;
  const flushIntervalMs = options.flushIntervalMs ?? 250;
  const maxQueue = options.maxQueue ?? 50_000;
  const maxBackoffMs = options.maxBackoffMs ?? 5_000;
  const closeTimeoutMs = options.closeTimeoutMs ?? 10_000;

  let queue: CallLogRecord[] = [];
  let dropped = 0;
  let written = 0;
  let failedBatches = 0;
  let consecutiveFailures = 0;
  let lastError: unknown;
  let isClosed = false;
  let timer: NodeJS.Timeout | null = null;
  let draining: Promise<boolean> | null = null;

  function report(error: unknown): void {
    try {
      options.onError?.(error);
    } catch {
      // A faulty error handler must not stop the writer.
    }
  }

  function backoffMs(): number {
    return Math.min(maxBackoffMs, flushIntervalMs * 2 ** consecutiveFailures);
  }

  function schedule(delayMs: number): void {
    if (timer !== null || isClosed) return;
    timer = setTimeout(() => {
      timer = null;
      void drain();
    }, delayMs);
    // Pending log writes must not keep a finished process (or a test run) alive; shutdown
    // calls close() explicitly.
    timer.unref();
  }

  async function writeBatch(): Promise<boolean> {
    const batch = queue.slice(0, batchSize);
    try {
      await insertCallLogs(options.db, batch);
    } catch (error) {
      failedBatches += 1;
      consecutiveFailures += 1;
      lastError = error;
      report(error);
      if (consecutiveFailures >= ISOLATE_AFTER_FAILURES) return isolatePoisonRows(batch);
      return false;
    }
    queue = queue.slice(batch.length);
    written += batch.length;
    consecutiveFailures = 0;
    return true;
  }

  /**
   * A batch that keeps failing is retried row by row. If some rows go in, the database is
   * healthy, so each row that failed gets one more try now (an outage may have ended in the
   * middle of this pass); a row failing again can never be written (a malformed row) and is
   * dropped rather than blocking every later row. If the first rows all fail the database
   * is taken to be down: it stops there and everything stays queued.
   */
  async function isolatePoisonRows(batch: CallLogRecord[]): Promise<boolean> {
    let succeeded = 0;
    const failedRows: CallLogRecord[] = [];
    for (const record of batch) {
      try {
        await insertCallLogs(options.db, [record]);
        succeeded += 1;
      } catch {
        failedRows.push(record);
        if (succeeded === 0 && failedRows.length === ISOLATE_AFTER_FAILURES) break;
      }
    }
    if (succeeded === 0) return false;
    for (const record of failedRows) {
      try {
        await insertCallLogs(options.db, [record]);
        succeeded += 1;
      } catch {
        dropped += 1;
      }
    }
    queue = queue.slice(batch.length);
    written += succeeded;
    consecutiveFailures = 0;
    return true;
  }

  async function writeQueued(): Promise<boolean> {
    while (queue.length > 0) {
      if (!(await writeBatch())) return false;
    }
    return true;
  }

  /** Writes batches until the queue is empty or one fails; a single drain runs at a time. */
  function drain(): Promise<boolean> {
    if (draining !== null) return draining;
    // `.finally` runs after this assignment even when there is nothing to write.
    draining = writeQueued().finally(() => {
      draining = null;
      if (queue.length > 0) schedule(consecutiveFailures > 0 ? backoffMs() : flushIntervalMs);
    });
    return draining;
  }

  return {
    push(record) {
      if (isClosed || queue.length >= maxQueue) {
        dropped += 1;
        return;
      }
      queue.push(record);
      if (queue.length >= batchSize && consecutiveFailures === 0 && draining === null) {
        if (timer !== null) clearTimeout(timer);
        timer = null;
        void drain();
      } else {
        schedule(flushIntervalMs);
      }
    },

    async flush() {
      while (queue.length > 0) {
        if (!(await drain())) throw lastError;
      }
    },

    async close() {
      const deadline = Date.now() + closeTimeoutMs;
      while (queue.length > 0 && Date.now() < deadline) {
        if (!(await drain())) await sleep(Math.min(backoffMs(), Math.max(0, deadline - Date.now())));
      }
      // A timer-started drain may still be running; let it settle before the rest is given up.
      if (draining !== null) await draining;
      isClosed = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      dropped += queue.length;
      queue = [];
    },

    stats() {
      return { queued: queue.length, dropped, written, failedBatches };
    },
  };
}

export interface BufferedCountersOptions {
  db: Executor;
  flushIntervalMs?: number;
  onError?: (error: unknown) => void;
}

export interface BufferedCounters extends KeywordHitSink, KeyUsageSink {
  /** Writes the pending counts; on failure they are merged back for the next try. */
  flush(): Promise<void>;
  /** Stops the timer after a last flush; never rejects. */
  close(): Promise<void>;
}

/**
 * Keyword hit counts and key last-used times, summed in memory and written every second.
 * Writing them per request would put a write on the request path; losing a second of them
 * on a crash is harmless. Memory is bounded by the number of keywords and keys.
 */
export function createBufferedCounters(options: BufferedCountersOptions): BufferedCounters {
  const flushIntervalMs = options.flushIntervalMs ?? 1_000;
  let hits = new Map<number, KeywordHits>();
  let usage = new Map<number, number>();
  let timer: NodeJS.Timeout | null = null;
  let chain: Promise<void> = Promise.resolve();
  let isClosed = false;

  function report(error: unknown): void {
    try {
      options.onError?.(error);
    } catch {
      // A faulty error handler must not stop the counters.
    }
  }

  function schedule(): void {
    if (timer !== null || isClosed) return;
    timer = setTimeout(() => {
      timer = null;
      flush().catch(report);
    }, flushIntervalMs);
    timer.unref();
  }

  function mergeHit(target: Map<number, KeywordHits>, id: number, count: number, at: number): void {
    const current = target.get(id);
    target.set(
      id,
      current ? { count: current.count + count, lastAt: Math.max(current.lastAt, at) } : { count, lastAt: at },
    );
  }

  async function writePending(): Promise<void> {
    const takenHits = hits;
    const takenUsage = usage;
    hits = new Map();
    usage = new Map();
    try {
      await addKeywordHits(options.db, takenHits);
      takenHits.clear();
      await touchApiKeys(options.db, takenUsage);
    } catch (error) {
      for (const [id, hit] of takenHits) mergeHit(hits, id, hit.count, hit.lastAt);
      for (const [id, at] of takenUsage) usage.set(id, Math.max(usage.get(id) ?? 0, at));
      schedule();
      throw error;
    }
  }

  function flush(): Promise<void> {
    // One write at a time; a flush asked for meanwhile waits, then writes what is new.
    const run = chain.then(writePending);
    chain = run.catch(() => undefined);
    return run;
  }

  return {
    recordHit(keywordId, at) {
      mergeHit(hits, keywordId, 1, at);
      schedule();
    },
    touch(apiKeyId, at) {
      usage.set(apiKeyId, Math.max(usage.get(apiKeyId) ?? 0, at));
      schedule();
    },
    flush,
    async close() {
      await flush().catch(report);
      isClosed = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
