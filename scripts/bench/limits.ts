/**
 * The limits phase of `npm run bench`: what the limit check (lib/limits) costs per request,
 * measured on the real Limiter in this process — admit before the upstream, settle after —
 * with the memory store and with Redis (one Lua round trip per admit). No HTTP: the gateway's
 * other per-request work is measured by the matrix; this isolates what a limited key adds.
 * Goals (issue 18): at most 0.05 ms CPU per request in process, at most 0.3 ms with Redis.
 * Written between `<!-- limits:start -->` and `<!-- limits:end -->`.
 */
import { execFileSync } from "node:child_process";
import { NO_KEY_LIMITS, type KeyLimits } from "../../db/limits";
import type { KeySpend } from "../../db/queries/key-spend";
import type { ApiKeyConfig, CallLogRecord, GroupConfig } from "../../lib/gateway/types";
import { estimateRequestTokens } from "../../lib/limits/estimate";
import { Limiter } from "../../lib/limits/limiter";
import { createMemoryStore } from "../../lib/limits/memory-store";
import { createRedisStore } from "../../lib/limits/redis-store";
import { SpendBook } from "../../lib/limits/spend";
import type { CounterStore } from "../../lib/limits/store";
import { cpuMs } from "./proc";
import { fmt, percentile } from "./stats";

export interface LimitsCase {
  id: string;
  store: CounterStore["name"] | "none";
  requests: number;
  cpuMsPerRequest: number;
  /** Redis's own CPU per request (its process), when the store is Redis. */
  storeCpuMsPerRequest: number | null;
  p50Ms: number;
  p99Ms: number;
}

const HIGH = 1_000_000_000;
const FULL_KEY: KeyLimits = {
  rpm: HIGH,
  tpm: HIGH,
  maxConcurrent: HIGH,
  budgetDay: null,
  budgetMonth: HIGH,
  budgetTotal: null,
};

function key(limits: KeyLimits | undefined): ApiKeyConfig {
  return { id: 1, name: "bench", isEnabled: true, allGroups: true, groupIds: new Set(), expiresAt: null, limits };
}

function group(limited: boolean): GroupConfig {
  return { id: 1, name: "bench", members: [], limits: limited ? { rpm: HIGH, tpm: HIGH } : undefined };
}

function limiterOver(store: CounterStore): Limiter {
  const spend = new SpendBook(
    async (_now, ids) => new Map<number, KeySpend>(ids.map((id) => [id, { day: 0, month: 0, total: 0 }])),
    Date.now,
  );
  return new Limiter({
    store,
    spend,
    windowMs: 60_000,
    leaseMs: 900_000,
    now: Date.now,
    onStoreError: (error) => {
      throw error;
    },
  });
}

/** A finished request as the call log reports it: what settle reads. */
function finished(requestId: string): CallLogRecord {
  return { requestId, providerId: 1, promptTokens: 60, completionTokens: 120, cost: 0.000_2 } as CallLogRecord;
}

async function measure(
  id: string,
  store: CounterStore | null,
  apiKey: ApiKeyConfig,
  limitedGroup: GroupConfig,
  body: Record<string, unknown>,
  requests: number,
  storePid: number | null,
): Promise<LimitsCase> {
  const limiter = limiterOver(store ?? createMemoryStore());
  if (apiKey.limits?.budgetMonth) await limiter.options.spend.reload([apiKey.id]);
  const once = async (index: number): Promise<void> => {
    if (!limiter.applies(apiKey, limitedGroup)) return;
    const requestId = `bench-${id}-${index}`;
    const admission = await limiter.admit({
      key: apiKey,
      group: limitedGroup,
      requestId,
      estimateTokens: () => estimateRequestTokens(body.messages, body),
    });
    admission.settle(finished(requestId));
  };
  for (let index = 0; index < Math.min(2_000, requests); index += 1) await once(-index - 1); // warm up
  const latencies = new Float64Array(requests);
  const storeBefore = storePid === null ? 0 : cpuMs(storePid);
  const before = process.cpuUsage();
  for (let index = 0; index < requests; index += 1) {
    const started = performance.now();
    await once(index);
    latencies[index] = performance.now() - started;
  }
  const used = process.cpuUsage(before);
  const storeUsed = storePid === null ? null : cpuMs(storePid) - storeBefore;
  return {
    id,
    store: store === null ? (limiter.applies(apiKey, limitedGroup) ? "memory" : "none") : store.name,
    requests,
    cpuMsPerRequest: (used.user + used.system) / 1_000 / requests,
    storeCpuMsPerRequest: storeUsed === null ? null : storeUsed / requests,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

function redisPid(url: string): number | null {
  try {
    const { hostname, port } = new URL(url);
    const info = execFileSync("redis-cli", ["-h", hostname, "-p", port || "6379", "info", "server"], {
      encoding: "utf8",
    });
    const pid = /process_id:(\d+)/.exec(info)?.[1];
    return pid ? Number(pid) : null;
  } catch {
    return null;
  }
}

/** Runs the cases; the Redis ones only when `redisUrl` answers. */
export async function runLimits(
  body: Record<string, unknown>,
  redisUrl: string | null,
  log: (line: string) => void,
  isQuick: boolean,
): Promise<LimitsCase[]> {
  const requests = isQuick ? 5_000 : 20_000;
  const cases: LimitsCase[] = [];
  const run = async (...args: Parameters<typeof measure>) => {
    const result = await measure(...args);
    cases.push(result);
    log(`limits ${result.id}: ${fmt(result.cpuMsPerRequest, 4)} ms CPU per request, p99 ${fmt(result.p99Ms, 3)} ms`);
  };
  await run("no limits", null, key(undefined), group(false), body, requests, null);
  await run("key rpm", null, key({ ...NO_KEY_LIMITS, rpm: HIGH }), group(false), body, requests, null);
  await run("key and group, all kinds", null, key(FULL_KEY), group(true), body, requests, null);
  if (!redisUrl) {
    log("limits: no REDIS_URL / TEST_REDIS_URL, the Redis cases are skipped");
    return cases;
  }
  // Its own prefix: window counters expire after the window and released leases leave nothing behind.
  const prefix = `bench:${process.pid}:`;
  const redis = await createRedisStore({ url: redisUrl, keyPrefix: prefix }).catch((error: unknown) => {
    log(
      `limits: Redis at ${redisUrl} did not answer (${error instanceof Error ? error.message : String(error)}); skipped`,
    );
    return null;
  });
  if (!redis) return cases;
  try {
    const pid = redisPid(redisUrl);
    const redisRequests = Math.ceil(requests / 4);
    await run("key rpm, Redis", redis, key({ ...NO_KEY_LIMITS, rpm: HIGH }), group(false), body, redisRequests, pid);
    await run("key and group, all kinds, Redis", redis, key(FULL_KEY), group(true), body, redisRequests, pid);
  } finally {
    await redis.close();
  }
  return cases;
}

export function renderLimits(cases: readonly LimitsCase[], header: string): string {
  const rows = cases.map(
    (each) =>
      `| ${each.id} | ${each.store} | ${each.requests} | ${fmt(each.cpuMsPerRequest, 4)} | ${each.storeCpuMsPerRequest === null ? "–" : fmt(each.storeCpuMsPerRequest, 4)} | ${fmt(each.p50Ms, 3)} | ${fmt(each.p99Ms, 3)} |`,
  );
  return [
    "<!-- limits:start -->",
    "## Limit check (issue 18)",
    "",
    header,
    "",
    "The real `Limiter` in one process, one request after another: admit (token estimate of the",
    "bench request, budgets, every counter taken in one atomic step) and settle (tokens corrected",
    'to the usage, lease released, spend added). "all kinds" = the key\'s rpm, tpm, concurrency and',
    "monthly budget plus its group's rpm and tpm. Goal: ≤ 0.05 ms CPU per request in process,",
    "≤ 0.3 ms with Redis (our process's CPU; the round trip's wall time is the p50 column).",
    "",
    "| case | store | requests | CPU ms / request (ours) | CPU ms / request (Redis) | p50 ms | p99 ms |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ...rows,
    "<!-- limits:end -->",
  ].join("\n");
}
