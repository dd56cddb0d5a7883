import cluster from "node:cluster";
import promClient from "prom-client";
import type { Env } from "../lib/env";
import { getLogger } from "../lib/logger";

/** A worker that keeps crashing at start must not spin the CPU. */
const RESTART_PAUSE_MS = 1_000;

/**
 * WORKERS=N: this process forks N workers (this same program, as cluster workers) that share
 * the listening port; it serves nothing itself. The first worker boots alone (it migrates the
 * database and seeds defaults) and the rest start once it serves, so they never race on an
 * empty database. A worker that dies is replaced; SIGTERM drains every worker, then exits.
 */
export function runPrimary(env: Env): void {
  let hasServed = false;
  let isStopping = false;
  let exitCode = 0;

  answerMetricsRequests();
  const liveWorkers = () => Object.values(cluster.workers ?? {}).filter((worker) => worker !== undefined);

  const first = cluster.fork();
  first.once("listening", () => {
    hasServed = true;
    for (let index = 1; index < env.WORKERS; index += 1) cluster.fork();
    getLogger().info(
      { host: env.HOST, port: env.PORT, workers: env.WORKERS },
      `AI Provider API Server listening on http://${env.HOST}:${env.PORT} with ${env.WORKERS} workers (primary pid ${process.pid})`,
    );
  });

  cluster.on("exit", (worker, code, signal) => {
    if (isStopping) {
      if (code !== 0) exitCode = 1;
      if (liveWorkers().length === 0) process.exit(exitCode);
      return;
    }
    if (!hasServed) {
      // The first worker failed to boot (bad environment, database unreachable): its own
      // output said why; a loop of identical failures would only bury it.
      process.exit(code || 1);
    }
    getLogger().error(
      { worker: worker.id, workerPid: worker.process.pid, code, signal },
      `Worker ${worker.id} (pid ${worker.process.pid}) exited (${signal ?? `code ${code}`}); starting a new one`,
    );
    setTimeout(() => {
      if (!isStopping) cluster.fork();
    }, RESTART_PAUSE_MS);
  });

  const stop = (signal: string): void => {
    if (isStopping) return;
    isStopping = true;
    const running = liveWorkers();
    getLogger().info({ signal, workers: running.length }, `${signal} received: draining ${running.length} workers`);
    if (running.length === 0) process.exit(0);
    for (const worker of running) worker.process.kill("SIGTERM");
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

interface MetricsRequest {
  type?: string;
  id?: unknown;
}

/**
 * A scrape of /metrics lands on one worker, which asks here for the sum over all workers
 * (lib/metrics/cluster.ts); prom-client's AggregatorRegistry collects each worker's registry.
 */
function answerMetricsRequests(): void {
  const aggregator = new promClient.AggregatorRegistry();
  cluster.on("message", (worker, message: MetricsRequest | null) => {
    if (message?.type !== "gateway:metrics-request") return;
    const reply = (answer: { text: string } | { error: string }): void => {
      if (worker.isConnected()) worker.send({ type: "gateway:metrics-response", id: message.id, ...answer });
    };
    aggregator.clusterMetrics().then(
      (text) => reply({ text }),
      (error: unknown) => reply({ error: error instanceof Error ? error.message : String(error) }),
    );
  });
}
