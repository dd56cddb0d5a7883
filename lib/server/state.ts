import "server-only";
import type { Kysely } from "kysely";
import { createDb, setSqliteBusyTimeout } from "../../db/client";
import { migrateToLatest } from "../../db/migrate";
import { ensureAdminUser } from "../../db/queries/admin-users";
import { loadConfigSnapshot } from "./config-snapshot";
import { getConfigVersion } from "../../db/queries/config-state";
import { ensureDefaultSettings } from "../../db/queries/settings";
import type { Database } from "../../db/schema";
import { createSecretCipher, hashPassword, type SecretCipher } from "../../db/crypto";
import { getEnv, type Env } from "../env";
import { createAlerts, type Alerts } from "../alerts/create";
import { HedgeBudget } from "../gateway/hedge-budget";
import { createTracer } from "../telemetry/otel";
import { ProviderStatsBoard } from "../gateway/provider-stats";
import { createLimits } from "../limits/create";
import type { ConfigSnapshot, GatewayRuntime } from "../gateway/types";
import { createOutboundClient } from "../http/outbound";
import { createBufferedCounters, createLogWriter } from "../log-writer";
import { createMetricsLogSink } from "../metrics/log-sink";
import { startClusterMetrics } from "./process-metrics";
import { LOG_QUEUE_LIMIT } from "./readiness";
import type { RetentionJob } from "./retention-job";
import { loadSecrets, type Secrets } from "./secrets";
import { getLogger } from "../logger";
import { withRequestLog } from "../request-log";

/**
 * The one per-process state of the server: database, secrets, the in-memory
 * configuration snapshot and the gateway runtime. Kept on globalThis because Next.js
 * bundles route handlers, pages and instrumentation separately.
 */
export interface ServerState {
  env: Env;
  secrets: Secrets;
  db: Kysely<Database>;
  cipher: SecretCipher;
  runtime: GatewayRuntime;
  logWriter: ReturnType<typeof createLogWriter>;
  counters: ReturnType<typeof createBufferedCounters>;
  outbound: ReturnType<typeof createOutboundClient>;
  alerts: Alerts;
  /** Reloads the snapshot now; dashboard writes await it so they take effect at once. */
  reloadConfig(): Promise<void>;
  shutdown(): Promise<void>;
}

const STATE_KEY = Symbol.for("ai-provider-api-server.state");
/** Reported as `service.version` on spans. */
const APP_VERSION = "0.1.0";
// Twice a second, so a key revoked by another process (the CLI, a second instance) is refused within 1 s.
const CONFIG_POLL_MS = 500;
/**
 * Once serving, the server never blocks its event loop longer than this on another process's
 * SQLite lock (a backup, the CLI, an operator's shell): every request would stall with it. A
 * write that meets a lock fails fast; log rows and counters stay queued and are retried.
 * Start-up (migrations, defaults) still waits the normal busy timeout.
 */
const SERVING_SQLITE_BUSY_TIMEOUT_MS = 50;

type StateHolder = { [STATE_KEY]?: Promise<ServerState> };

export function getServerState(): Promise<ServerState> {
  const holder = globalThis as StateHolder;
  holder[STATE_KEY] ??= bootServerState();
  return holder[STATE_KEY];
}

async function bootServerState(): Promise<ServerState> {
  const env = getEnv();
  const secrets = loadSecrets(env);
  const db = createDb(env.DATABASE_URL, {
    onPoolError: (message) =>
      getLogger().warn({ error: message }, `PostgreSQL pool: an idle connection failed (${message})`),
  });
  await migrateToLatest(db);
  await ensureDefaultSettings(db);
  await ensureAdminUser(db, {
    username: env.ADMIN_USERNAME,
    passwordHash: await hashPassword(env.ADMIN_PASSWORD),
    mustChangePassword: env.ADMIN_PASSWORD === "password",
  });
  const cipher = createSecretCipher(secrets.encryptionKey);
  let snapshot: ConfigSnapshot = await loadConfigSnapshot(db, cipher);
  await setSqliteBusyTimeout(db, SERVING_SQLITE_BUSY_TIMEOUT_MS);
  const outbound = createOutboundClient();
  const alerts = createAlerts({ db, cipher, send: outbound.send, getSnapshot: () => snapshot });
  await alerts.dispatcher.refresh();

  // Every reload reads afresh (a write awaiting it must see its own change); the newest
  // version wins if two loads overlap.
  const reloadConfig = async (): Promise<void> => {
    const fresh = await loadConfigSnapshot(db, cipher);
    if (fresh.version >= snapshot.version) snapshot = fresh;
    // Alert targets change with the configuration version too.
    await alerts.dispatcher.refresh().catch(() => undefined);
  };

  // One cheap read every poll lets other processes' writes reach this one's cache.
  let isPolling = false;
  const poll = setInterval(() => {
    if (isPolling) return;
    isPolling = true;
    getConfigVersion(db)
      .then((version) => (version !== snapshot.version ? reloadConfig() : undefined))
      .catch(() => undefined)
      .finally(() => {
        isPolling = false;
      });
  }, CONFIG_POLL_MS);
  poll.unref();

  const logWriter = createLogWriter({ db, maxQueue: LOG_QUEUE_LIMIT });
  const retentionJob = await startRetention(db, env, () => snapshot.settings);
  const counters = createBufferedCounters({ db });
  const runtime: GatewayRuntime = {
    getSnapshot: () => snapshot,
    send: outbound.send,
    now: Date.now,
    random: Math.random,
    breakers: alerts.breakers,
    providerStats: new ProviderStatsBoard(),
    hedgeBudget: new HedgeBudget(),
    tracer: createTracer(process.env, APP_VERSION) ?? undefined,
    // Counts each finished request for /metrics, then hands the row to the writer.
    logSink: alerts.observer.wrap(withRequestLog(createMetricsLogSink(logWriter), getLogger())),
    keywordHits: counters,
    keyUsage: counters,
    maxBodyBytes: env.MAX_REQUEST_BYTES,
  };
  const limits = await createLimits(env, db, () => snapshot);
  runtime.limits = limits.limiter;
  alerts.observer.setSpendSource((keyId) => limits.limiter.options.spend.spent(keyId));

  const stopClusterMetrics = startClusterMetrics(runtime, logWriter);

  const shutdown = async (): Promise<void> => {
    clearInterval(poll);
    stopClusterMetrics();
    // Releases the cluster-wide job lock too, so another instance takes the job over at once
    // instead of when the lock expires.
    await retentionJob.stop();
    await limits.close();
    await alerts.dispatcher.drain();
    await logWriter.close();
    // Spans of the last requests reach the collector before the process ends.
    await runtime.tracer?.shutdown().catch(() => undefined);
    await counters.close();
    await db.destroy();
  };

  return { env, secrets, db, cipher, runtime, logWriter, counters, outbound, alerts, reloadConfig, shutdown };
}

async function startRetention(
  db: Kysely<Database>,
  env: Env,
  getSettings: () => ConfigSnapshot["settings"],
): Promise<RetentionJob> {
  const { startRetentionJob } = await import("./retention-job");
  const intervalMs = env.RETENTION_INTERVAL_SECONDS * 1_000;
  return startRetentionJob(db, getSettings, {
    intervalMs,
    firstRunMs: Math.min(60_000, intervalMs),
    onPass: (result) => {
      if (result.deletedLogs + result.deletedBodies > 0) {
        getLogger().info(
          { deletedLogs: result.deletedLogs, deletedBodies: result.deletedBodies },
          `Retention: deleted ${result.deletedLogs} log rows and ${result.deletedBodies} bodies`,
        );
      }
    },
  });
}
