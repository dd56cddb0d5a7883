import type { AttemptRecord, CallLogRecord } from "../lib/gateway/types";

/*
 * Realistic call log records for scripts/seed-logs.ts: a daily and weekly traffic rhythm,
 * several groups each with a primary and a fallback provider, keys with unequal traffic,
 * about 5% failures with their attempt chains, streaming and non-streaming calls, tokens
 * and cost from the providers' prices. Deterministic for a given seed.
 */

export interface SeedProvider {
  id: number;
  name: string;
  /** Typical latency in ms. */
  latencyMs: number;
  priceInput: number;
  priceOutput: number;
  priceCached: number;
}

export interface SeedGroup {
  name: string;
  /** Share of traffic (relative). */
  weight: number;
  primary: SeedProvider;
  fallback: SeedProvider;
}

export interface SeedKey {
  id: number;
  name: string;
  weight: number;
}

export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function pickWeighted<T extends { weight: number }>(items: readonly T[], random: () => number): T {
  const total = items.reduce((sum, item) => sum + item.weight, 0);
  let roll = random() * total;
  for (const item of items) {
    roll -= item.weight;
    if (roll <= 0) return item;
  }
  return items[items.length - 1] as T;
}

/** Roughly log-normal around `median`. */
function around(median: number, spread: number, random: () => number): number {
  const normal = Math.sqrt(-2 * Math.log(random() || 1e-9)) * Math.cos(2 * Math.PI * random());
  return median * Math.exp(normal * spread);
}

const HOUR_MS = 3_600_000;

/** Relative traffic at an instant: busy afternoons (UTC), quieter weekends. */
function trafficDensity(epochMs: number): number {
  const date = new Date(epochMs);
  const hour = date.getUTCHours() + date.getUTCMinutes() / 60;
  const daily = 1 + 0.65 * Math.sin(((hour - 8) / 24) * 2 * Math.PI);
  const weekday = date.getUTCDay();
  return daily * (weekday === 0 || weekday === 6 ? 0.6 : 1);
}

/** `count` sorted timestamps in [start, end) following the traffic rhythm. */
export function seedTimestamps(count: number, start: number, end: number, random: () => number): Float64Array {
  const times = new Float64Array(count);
  const maxDensity = 1.65;
  for (let index = 0; index < count;) {
    const candidate = start + random() * (end - start);
    if (random() * maxDensity <= trafficDensity(candidate)) times[index++] = Math.floor(candidate);
  }
  return times.sort();
}

const FAILURE_REASONS = [
  { status: 503, reason: "upstream answered 503 Service Unavailable" },
  { status: 502, reason: "upstream answered 502 Bad Gateway" },
  { status: null, reason: "first-token timeout after 30000 ms" },
  { status: null, reason: "connection refused" },
  { status: 429, reason: "rate limited (429), retry after 20 s" },
  { status: 500, reason: "upstream answered 500: internal server error" },
] as const;

function attempt(
  provider: SeedProvider,
  status: number | null,
  latencyMs: number,
  outcome: AttemptRecord["outcome"],
  reason: string | null,
): AttemptRecord {
  return {
    providerId: provider.id,
    providerName: provider.name,
    status,
    latencyMs: Math.round(latencyMs),
    outcome,
    reason,
  };
}

export interface RecordContext {
  groups: readonly SeedGroup[];
  keys: readonly SeedKey[];
  random: () => number;
  /** Prefix making request ids unique per run (hex). */
  runId: string;
  /** Bodies are attached to calls newer than this, at `bodyShare`. */
  bodiesSince: number;
  bodyShare: number;
}

export function seedRecord(createdAt: number, index: number, context: RecordContext): CallLogRecord {
  const { random } = context;
  const group = pickWeighted(context.groups, random);
  const key = pickWeighted(context.keys, random);
  const isStream = random() < 0.6;
  const roll = random();
  let provider = group.primary;
  let status = 200;
  let error: string | null = null;
  const attempts: AttemptRecord[] = [];
  let latencyMs = around(provider.latencyMs * (isStream ? 2.2 : 1), 0.45, random);
  let isIncomplete = false;

  if (roll < 0.03) {
    // The primary failed, the fallback answered: a success with a two-step chain.
    const failure = FAILURE_REASONS[Math.floor(random() * FAILURE_REASONS.length)] ?? FAILURE_REASONS[0];
    const failedAfter =
      failure.status === null && failure.reason.includes("timeout") ? 30_000 : around(300, 0.6, random);
    attempts.push(attempt(group.primary, failure.status, failedAfter, "failed", failure.reason));
    provider = group.fallback;
    latencyMs = failedAfter + around(provider.latencyMs * (isStream ? 2.2 : 1), 0.45, random);
  } else if (roll < 0.055) {
    // Both failed: the client gets a 502/504 with the last reason.
    const first = FAILURE_REASONS[Math.floor(random() * 2)] ?? FAILURE_REASONS[0];
    const second = FAILURE_REASONS[2 + Math.floor(random() * 2)] ?? FAILURE_REASONS[2];
    const firstMs = around(250, 0.6, random);
    const secondMs = second.reason.includes("timeout") ? 30_000 : around(200, 0.5, random);
    attempts.push(attempt(group.primary, first.status, firstMs, "failed", first.reason));
    attempts.push(attempt(group.fallback, second.status, secondMs, "failed", second.reason));
    status = second.reason.includes("timeout") ? 504 : 502;
    error = `all providers failed: ${second.reason}`;
    latencyMs = firstMs + secondMs;
    provider = group.fallback;
  } else if (roll < 0.062) {
    attempts.push(attempt(group.primary, 429, 120, "failed", "rate limited (429), retry after 20 s"));
    attempts.push(attempt(group.fallback, 429, 140, "failed", "rate limited (429), retry after 12 s"));
    status = 429;
    error = "all providers are rate limited; retry after 12 s";
    latencyMs = 260;
    provider = group.fallback;
  } else if (roll < 0.072) {
    status = 400;
    error = "This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens.";
    latencyMs = around(180, 0.4, random);
    attempts.push(attempt(provider, 400, latencyMs, "client_error", "upstream rejected the request (400)"));
  } else if (roll < 0.077) {
    status = 499;
    error = "client closed the connection";
    latencyMs = around(1_500, 0.8, random);
  }
  if (attempts.length === 0 || (attempts[attempts.length - 1]?.outcome === "failed" && status === 200)) {
    attempts.push(
      attempt(
        provider,
        status === 499 ? null : 200,
        latencyMs - attempts.reduce((sum, a) => sum + a.latencyMs, 0),
        status === 499 ? "failed" : "ok",
        status === 499 ? "client went away" : null,
      ),
    );
  }

  const promptTokens = status >= 400 && status !== 499 ? 0 : Math.round(around(900, 0.9, random));
  const completionTokens =
    status >= 400 && status !== 499 ? 0 : Math.round(around(status === 499 ? 60 : 320, 0.8, random));
  const cachedTokens = promptTokens > 1_024 && random() < 0.35 ? Math.round(promptTokens * (0.3 + random() * 0.5)) : 0;
  const cost =
    ((promptTokens - cachedTokens) * provider.priceInput) / 1e6 +
    (cachedTokens * provider.priceCached) / 1e6 +
    (completionTokens * provider.priceOutput) / 1e6;
  const isUsageEstimated = isStream && status === 200 && random() < 0.03;
  if (isStream && status === 200 && random() < 0.004) {
    isIncomplete = true;
    error = "upstream reset the stream after 41 chunks";
  }
  const ttftMs = isStream && status < 400 ? Math.min(latencyMs, around(provider.latencyMs * 0.45, 0.5, random)) : null;
  const hasBody = createdAt >= context.bodiesSince && random() < context.bodyShare;
  const requestId = `req_${createdAt.toString(16).padStart(12, "0")}${context.runId}${index.toString(16).padStart(12, "0")}`;
  return {
    requestId,
    createdAt,
    apiKeyId: key.id,
    apiKeyName: key.name,
    groupName: group.name,
    providerId: provider.id,
    providerName: provider.name,
    status,
    isStream,
    latencyMs: Math.round(latencyMs),
    ttftMs: ttftMs === null ? null : Math.round(ttftMs),
    promptTokens,
    completionTokens,
    cachedTokens,
    cacheWriteTokens: 0,
    billedUnits: 0,
    billedUnit: "none",
    api: "chat.completions",
    cost: status >= 400 && status !== 499 ? 0 : cost,
    isUsageEstimated,
    isIncomplete,
    error,
    attempts,
    requestBody: hasBody
      ? JSON.stringify({
          model: group.name,
          stream: isStream,
          messages: [{ role: "user", content: `Summarize ticket #${index} in two sentences.` }],
        })
      : null,
    responseBody:
      hasBody && status === 200
        ? JSON.stringify({
            choices: [
              {
                index: 0,
                message: {
                  role: "assistant",
                  content:
                    "The customer cannot sign in after the update. Support reset the password and the issue is solved.",
                },
              },
            ],
          })
        : null,
  };
}

export { HOUR_MS };
