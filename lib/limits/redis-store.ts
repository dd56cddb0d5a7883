import { Redis } from "ioredis";
import type { Charge, CounterStore, TakeInput, TakeResult } from "./store";

/*
 * Counters in Redis, for several processes or machines: one Lua script checks and takes a
 * request's charges in one round trip, atomically (Redis runs a script alone). Window
 * counters are plain integers under a key that names the window, expiring after it;
 * leases are a sorted set of request ids scored by when they stop counting.
 */

const TAKE = `
local now = tonumber(ARGV[1])
local lease = ARGV[2]
local leaseUntil = tonumber(ARGV[3])
local windowTtl = tonumber(ARGV[4])
local used = {}
for i = 1, #KEYS do
  local kind = ARGV[2 + i * 3]
  local limit = tonumber(ARGV[3 + i * 3])
  local cost = tonumber(ARGV[4 + i * 3])
  local current
  if kind == "l" then
    redis.call("ZREMRANGEBYSCORE", KEYS[i], "-inf", now)
    current = redis.call("ZCARD", KEYS[i])
  else
    current = tonumber(redis.call("GET", KEYS[i]) or "0")
  end
  used[i] = current
  if current + cost > limit then
    local refused = {0, i}
    for j = 1, i do refused[2 + j] = used[j] end
    return refused
  end
end
local taken = {1, 0}
for i = 1, #KEYS do
  local cost = tonumber(ARGV[4 + i * 3])
  if ARGV[2 + i * 3] == "l" then
    redis.call("ZADD", KEYS[i], leaseUntil, lease)
    redis.call("PEXPIRE", KEYS[i], math.max(1, leaseUntil - now))
  else
    redis.call("INCRBY", KEYS[i], cost)
    redis.call("PEXPIRE", KEYS[i], windowTtl)
  end
  taken[2 + i] = used[i] + cost
end
return taken
`;

const ADJUST = `
if redis.call("EXISTS", KEYS[1]) == 1 then redis.call("INCRBY", KEYS[1], ARGV[1]) end
return 0
`;

interface LimitCommands {
  gatewayTake(...args: (string | number)[]): Promise<number[]>;
  gatewayAdjust(key: string, delta: number): Promise<number>;
}

export interface RedisStoreOptions {
  url: string;
  /** Starts every key, so several deployments can share one Redis: `gw:` by default. */
  keyPrefix?: string;
  /** A command slower than this fails (and the limiter fails open); ms. */
  commandTimeoutMs?: number;
}

export async function createRedisStore(options: RedisStoreOptions): Promise<CounterStore & { redis: Redis }> {
  const redis = new Redis(options.url, {
    // Commands fail at once while disconnected instead of queueing behind a dead server.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 500,
    connectTimeout: 2_000,
    lazyConnect: true,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  // Errors surface on the commands (and in the limiter's metric); the client keeps reconnecting.
  redis.on("error", () => undefined);
  redis.defineCommand("gatewayTake", { lua: TAKE, numberOfKeys: undefined });
  redis.defineCommand("gatewayAdjust", { lua: ADJUST, numberOfKeys: 1 });
  const commands = redis as unknown as LimitCommands;
  const prefix = `${options.keyPrefix ?? "gw:"}limit:`;
  const keyOf = (charge: Charge, windowStart: number): string =>
    charge.kind === "lease" ? `${prefix}${charge.name}` : `${prefix}${charge.name}:${windowStart}`;
  await redis.connect().catch(() => undefined);

  return {
    name: "redis",
    redis,
    async take(input: TakeInput): Promise<TakeResult> {
      const keys = input.charges.map((charge) => keyOf(charge, input.windowStart));
      const args: (string | number)[] = [keys.length, ...keys, input.now, input.leaseId, input.leaseUntil];
      args.push(input.windowMs * 2);
      for (const charge of input.charges) args.push(charge.kind === "lease" ? "l" : "w", charge.limit, charge.cost);
      const reply = await commands.gatewayTake(...args);
      const used = input.charges.map((_, index) => Number(reply[2 + index] ?? 0));
      return { ok: reply[0] === 1, used, refused: reply[0] === 1 ? -1 : Number(reply[1]) - 1 };
    },
    async adjust(name, windowStart, _windowMs, delta) {
      if (delta === 0) return;
      await commands.gatewayAdjust(`${prefix}${name}:${windowStart}`, Math.round(delta));
    },
    async release(names, leaseId) {
      if (names.length === 0) return;
      const pipeline = redis.pipeline();
      for (const name of names) pipeline.zrem(`${prefix}${name}`, leaseId);
      await pipeline.exec();
    },
    async close() {
      redis.disconnect();
    },
  };
}
