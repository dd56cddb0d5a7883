// `npm run seed:logs -- <count> [--days 30] [--seed 42]`: fills the store named by
// DATABASE_URL (.env is read) with realistic call log rows spread over the last days, for
// trying the dashboard and benchmarking it (scripts/bench-analytics.ts). Rows go through
// insertCallLogs, the log writer's own path, in large transactions, so the hourly rollups
// are maintained as they are in production.
//
// It also creates, when missing, the endpoint, providers, groups and keys the rows name
// (all called "seed-…"), so the logs page can filter by them. The providers are disabled
// and point at a closed local port: the gateway never routes real traffic to them.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import { createDb } from "../db/client";
import { migrateToLatest } from "../db/migrate";
import { createApiKey, listApiKeys } from "../db/queries/api-keys";
import { insertCallLogs } from "../db/queries/call-logs";
import { createCredential, listCredentials } from "../db/queries/credentials";
import { createGroup, listGroups, setGroupMember } from "../db/queries/groups";
import { createProvider, listProviders } from "../db/queries/providers";
import { ensureDefaultSettings } from "../db/queries/settings";
import type { Database } from "../db/schema";
import { createSecretCipher } from "../db/crypto";
import { getEnv } from "../lib/env";
import { loadSecrets } from "../lib/secrets-file";
import {
  createRandom,
  seedRecord,
  seedTimestamps,
  type SeedGroup,
  type SeedKey,
  type SeedProvider,
} from "./seed-logs-data";

const root = new URL("..", import.meta.url).pathname;
if (existsSync(join(root, ".env"))) process.loadEnvFile(join(root, ".env"));

const ROWS_PER_TRANSACTION = 20_000;
const DAY_MS = 86_400_000;

const PROVIDERS = [
  { name: "seed-openai", model: "gpt-4o", latencyMs: 700, priceInput: 2.5, priceOutput: 10, priceCached: 1.25 },
  { name: "seed-azure-east", model: "gpt-4o", latencyMs: 900, priceInput: 2.5, priceOutput: 10, priceCached: 1.25 },
  {
    name: "seed-anthropic",
    model: "claude-sonnet-4",
    latencyMs: 1_100,
    priceInput: 3,
    priceOutput: 15,
    priceCached: 0.3,
  },
  {
    name: "seed-bedrock-us",
    model: "claude-sonnet-4",
    latencyMs: 1_300,
    priceInput: 3,
    priceOutput: 15,
    priceCached: 0.3,
  },
  { name: "seed-groq", model: "llama-3.3-70b", latencyMs: 250, priceInput: 0.59, priceOutput: 0.79, priceCached: 0 },
  {
    name: "seed-together",
    model: "llama-3.3-70b",
    latencyMs: 450,
    priceInput: 0.88,
    priceOutput: 0.88,
    priceCached: 0,
  },
  {
    name: "seed-deepseek",
    model: "deepseek-r1",
    latencyMs: 2_800,
    priceInput: 0.55,
    priceOutput: 2.19,
    priceCached: 0.14,
  },
  {
    name: "seed-openrouter",
    model: "deepseek-r1",
    latencyMs: 3_200,
    priceInput: 0.7,
    priceOutput: 2.5,
    priceCached: 0,
  },
] as const;

const GROUPS = [
  { name: "seed-gpt-4o", weight: 40, primary: "seed-openai", fallback: "seed-azure-east" },
  { name: "seed-claude", weight: 25, primary: "seed-anthropic", fallback: "seed-bedrock-us" },
  { name: "seed-fast", weight: 25, primary: "seed-groq", fallback: "seed-together" },
  { name: "seed-reasoning", weight: 10, primary: "seed-deepseek", fallback: "seed-openrouter" },
] as const;

const KEYS = [
  { name: "seed-web-app", weight: 30 },
  { name: "seed-mobile-app", weight: 22 },
  { name: "seed-batch-jobs", weight: 16 },
  { name: "seed-support-bot", weight: 12 },
  { name: "seed-analytics", weight: 8 },
  { name: "seed-staging", weight: 6 },
  { name: "seed-dev-alice", weight: 4 },
  { name: "seed-dev-bob", weight: 2 },
] as const;

function parseArgs(argv: string[]): { count: number; days: number; seed: number } {
  const count = Number(argv.find((arg) => /^\d+$/.test(arg)) ?? "100000");
  const option = (name: string, fallback: number) => {
    const index = argv.indexOf(`--${name}`);
    return index >= 0 ? Number(argv[index + 1]) : fallback;
  };
  const days = option("days", 30);
  const seed = option("seed", 42);
  if (!Number.isInteger(count) || count < 1 || count > 50_000_000)
    throw new Error("count must be a whole number between 1 and 50,000,000");
  if (!(days > 0 && days <= 3_650)) throw new Error("--days must be between 1 and 3650");
  return { count, days, seed };
}

/** The providers, groups and keys the rows name; created once, found again on later runs. */
async function ensureSeedConfig(db: Kysely<Database>): Promise<{ groups: SeedGroup[]; keys: SeedKey[] }> {
  const env = getEnv();
  const cipher = createSecretCipher(loadSecrets(env).encryptionKey);
  const endpointName = "seed-endpoint";
  let credentialId = (await listCredentials(db)).find((credential) => credential.name === endpointName)?.id;
  credentialId ??= await createCredential(db, cipher, {
    name: endpointName,
    baseUrl: "http://127.0.0.1:9/v1",
    apiKey: `sk-seed-${randomBytes(12).toString("hex")}`,
  });

  const existingProviders = new Map((await listProviders(db)).map((provider) => [provider.name, provider.id]));
  const providers = new Map<string, SeedProvider>();
  for (const spec of PROVIDERS) {
    const id =
      existingProviders.get(spec.name) ??
      (await createProvider(db, {
        name: spec.name,
        credentialId,
        upstreamModel: spec.model,
        priceInput: spec.priceInput,
        priceOutput: spec.priceOutput,
        priceCached: spec.priceCached,
        isEnabled: false,
      }));
    providers.set(spec.name, {
      id,
      name: spec.name,
      latencyMs: spec.latencyMs,
      priceInput: spec.priceInput,
      priceOutput: spec.priceOutput,
      priceCached: spec.priceCached,
    });
  }

  const existingGroups = new Map((await listGroups(db)).map((group) => [group.name, group.id]));
  const groups: SeedGroup[] = [];
  for (const spec of GROUPS) {
    const primary = providers.get(spec.primary);
    const fallback = providers.get(spec.fallback);
    if (!primary || !fallback) throw new Error(`unknown provider in ${spec.name}`);
    let groupId = existingGroups.get(spec.name);
    if (groupId === undefined) {
      groupId = await createGroup(db, { name: spec.name, description: "Seeded for the analytics benchmark" });
      await setGroupMember(db, groupId, { providerId: primary.id, priority: 1, weight: 1 });
      await setGroupMember(db, groupId, { providerId: fallback.id, priority: 2, weight: 1 });
    }
    groups.push({ name: spec.name, weight: spec.weight, primary, fallback });
  }

  const existingKeys = new Map((await listApiKeys(db)).map((key) => [key.name, key.id]));
  const keys: SeedKey[] = [];
  for (const spec of KEYS) {
    const id =
      existingKeys.get(spec.name) ??
      (await createApiKey(db, { name: spec.name, allGroups: true, groupIds: [], expiresAt: null })).id;
    keys.push({ id, name: spec.name, weight: spec.weight });
  }
  return { groups, keys };
}

async function main(): Promise<void> {
  const { count, days, seed } = parseArgs(process.argv.slice(2));
  const db = createDb(getEnv().DATABASE_URL);
  try {
    await migrateToLatest(db);
    await ensureDefaultSettings(db);
    const { groups, keys } = await ensureSeedConfig(db);
    const random = createRandom(seed);
    const end = Date.now();
    const start = end - days * DAY_MS;
    const startedAt = performance.now();
    const times = seedTimestamps(count, start, end, random);
    const context = {
      groups,
      keys,
      random,
      runId: randomBytes(4).toString("hex"),
      bodiesSince: end - 2 * DAY_MS,
      bodyShare: 0.02,
    };
    for (let offset = 0; offset < count; offset += ROWS_PER_TRANSACTION) {
      const batch = [];
      for (let index = offset; index < Math.min(offset + ROWS_PER_TRANSACTION, count); index += 1) {
        batch.push(seedRecord(times[index] ?? end, index, context));
      }
      await insertCallLogs(db, batch);
      const done = Math.min(offset + ROWS_PER_TRANSACTION, count);
      const seconds = (performance.now() - startedAt) / 1000;
      process.stdout.write(
        `\r${done.toLocaleString("en-US")} / ${count.toLocaleString("en-US")} rows, ${seconds.toFixed(1)} s`,
      );
    }
    const seconds = (performance.now() - startedAt) / 1000;
    console.log(
      `\nSeeded ${count.toLocaleString("en-US")} call log rows over ${days} days in ${seconds.toFixed(1)} s (${Math.round(count / seconds).toLocaleString("en-US")} rows/s).`,
    );
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
