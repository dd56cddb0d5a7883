/**
 * Cluster-test fixture: one database (a SQLite file or a fresh PostgreSQL schema), seeded
 * through db/queries, and several production servers on it, each on its own port with the
 * shared secrets a real cluster needs (AUTH_SECRET, ENCRYPTION_KEY).
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Kysely } from "kysely";
import { createDb } from "../../db/client";
import { migrateToLatest } from "../../db/migrate";
import type { Database } from "../../db/schema";
import { startMockProvider, type MockProvider } from "./mock-provider";
import { CANARY_PREFIX, GatewaySeeder, MOCK_ENDPOINT, sleep } from "./seed";
import { createTestCipher, startTestServer, type TestServer } from "./server";
import {
  createPostgresTestDatabase,
  createSqliteTestDatabase,
  type TestDatabase,
  type TestDialect,
} from "./test-database";

export interface ClusterStore {
  label: TestDialect;
  /** A reason to skip this store's tests, or false. */
  skip: string | false;
  create(): Promise<TestDatabase>;
}

/** SQLite always; PostgreSQL when TEST_DATABASE_URL is set, skipped with the reason otherwise. */
export function clusterStores(): ClusterStore[] {
  const postgresUrl = process.env.TEST_DATABASE_URL;
  return [
    { label: "sqlite", skip: false, create: createSqliteTestDatabase },
    {
      label: "postgres",
      skip: postgresUrl
        ? false
        : "TEST_DATABASE_URL is not set (PostgreSQL cluster tests need a server; .ci/run sets it)",
      create: () => createPostgresTestDatabase(postgresUrl ?? ""),
    },
  ];
}

export function clusterStore(label: TestDialect): ClusterStore {
  const store = clusterStores().find((entry) => entry.label === label);
  if (!store) throw new Error(`no ${label} store`);
  return store;
}

export interface TestCluster {
  database: TestDatabase;
  db: Kysely<Database>;
  seeder: GatewaySeeder;
  mock: MockProvider;
  servers: TestServer[];
  /** Starts one more instance on the same database. */
  startInstance(env?: Record<string, string>): Promise<TestServer>;
  stop(): Promise<void>;
}

export interface StartClusterOptions {
  instances: number;
  env?: Record<string, string>;
  seed?(seeder: GatewaySeeder, mock: MockProvider): Promise<void>;
  /** Leave the database empty (no migrations) so the instances race to migrate it. */
  isEmpty?: boolean;
}

export async function startCluster(store: ClusterStore, options: StartClusterOptions): Promise<TestCluster> {
  const dataDir = mkdtempSync(join(tmpdir(), "aps-cluster-"));
  const database = await store.create();
  const db = createDb(database.url);
  const mock = await startMockProvider();
  const sharedEnv = { AUTH_SECRET: randomBytes(32).toString("hex"), ...options.env };
  const servers: TestServer[] = [];
  const startInstance = async (env: Record<string, string> = {}): Promise<TestServer> => {
    const instanceDir = mkdtempSync(join(dataDir, "instance-"));
    const server = await startTestServer({
      databaseUrl: database.url,
      dataDir: instanceDir,
      env: { ...sharedEnv, ...env },
    });
    servers.push(server);
    return server;
  };
  const seeder = new GatewaySeeder(db, createTestCipher(), `${CANARY_PREFIX}${randomBytes(16).toString("hex")}`);
  const stop = async (): Promise<void> => {
    await Promise.all(servers.map((server) => server.stop()));
    await mock.close();
    await db.destroy();
    await database.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    if (!options.isEmpty) {
      await migrateToLatest(db);
      await seeder.endpoint(MOCK_ENDPOINT, mock.url);
      await options.seed?.(seeder, mock);
    }
    await Promise.all(Array.from({ length: options.instances }, () => startInstance()));
  } catch (error) {
    await stop();
    throw error;
  }
  return { database, db, seeder, mock, servers, startInstance, stop };
}

/**
 * Runs `probe` on every instance until each returns true; resolves with the milliseconds from
 * `since` until the last instance agreed. Probes are ~20 ms apart.
 */
export async function timeUntilAll(
  servers: readonly TestServer[],
  since: number,
  probe: (server: TestServer) => Promise<boolean>,
  timeoutMs = 5_000,
): Promise<number> {
  const seenAt = new Map<TestServer, number>();
  while (seenAt.size < servers.length) {
    for (const server of servers) {
      if (!seenAt.has(server) && (await probe(server))) seenAt.set(server, performance.now());
    }
    if (performance.now() - since > timeoutMs)
      throw new Error(`only ${seenAt.size} of ${servers.length} instances saw the change within ${timeoutMs} ms`);
    await sleep(20);
  }
  return Math.max(...seenAt.values()) - since;
}
