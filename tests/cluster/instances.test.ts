import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import { deleteApiKey, listApiKeys } from "../../db/queries/api-keys";
import { insertCallLogs } from "../../db/queries/call-logs";
import { replaceGroupMembers } from "../../db/queries/groups";
import { setProviderEnabled } from "../../db/queries/providers";
import { saveSettings } from "../../db/queries/settings";
import { makeRecord } from "../db/call-log-records";
import { clusterStores, startCluster, timeUntilAll, type TestCluster } from "../support/cluster";
import { waitUntil } from "../support/seed";
import type { TestServer } from "../support/server";

/*
 * Two instances started on different ports over one database: a configuration change written
 * anywhere reaches both within 2 s (the 1 s config-version poll), their log rows and rollups add
 * up exactly, and the retention job runs on one of them at a time.
 */

const PROPAGATION_LIMIT_MS = 2_000;
const DAY_MS = 86_400_000;

async function chat(
  server: TestServer,
  key: string,
  stream = false,
): Promise<{ status: number; text: string; requestId: string | null }> {
  const response = await fetch(`${server.baseUrl}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({
      model: "chat",
      messages: [{ role: "user", content: "hi" }],
      stream,
      ...(stream ? { stream_options: { include_usage: true } } : {}),
    }),
  });
  return { status: response.status, text: await response.text(), requestId: response.headers.get("x-request-id") };
}

async function modelsStatus(server: TestServer, key: string): Promise<number> {
  const response = await fetch(`${server.baseUrl}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
  await response.arrayBuffer();
  return response.status;
}

for (const store of clusterStores()) {
  describe(`two instances on one ${store.label} database`, { skip: store.skip }, () => {
    let cluster: TestCluster;
    let appKey: string;
    let revokedKey: string;

    before(async () => {
      cluster = await startCluster(store, {
        instances: 2,
        env: { RETENTION_INTERVAL_SECONDS: "1" },
        async seed(seeder) {
          await seeder.group("chat", ["cl-a", "cl-b"]);
          await seeder.provider("cl-c");
          appKey = await seeder.key("app", { groups: ["chat"] });
          revokedKey = await seeder.key("to-revoke", { groups: ["chat"] });
        },
      });
    });

    after(async () => {
      await cluster?.stop();
    });

    it("refuses a key revoked elsewhere on both instances within 2 s", async (t) => {
      for (const server of cluster.servers) assert.equal(await modelsStatus(server, revokedKey), 200);
      const key = (await listApiKeys(cluster.db)).find((entry) => entry.name === "to-revoke");
      const since = performance.now();
      await deleteApiKey(cluster.db, key?.id ?? 0);
      const elapsed = await timeUntilAll(
        cluster.servers,
        since,
        async (server) => (await modelsStatus(server, revokedKey)) === 401,
      );
      t.diagnostic(`revocation reached both instances after ${Math.round(elapsed)} ms`);
      assert.ok(elapsed < PROPAGATION_LIMIT_MS, `${elapsed} ms`);
    });

    it("stops routing to a provider disabled elsewhere within 2 s", async (t) => {
      for (const server of cluster.servers) assert.match((await chat(server, appKey)).text, /Hello from cl-a/);
      const since = performance.now();
      await setProviderEnabled(cluster.db, cluster.seeder.providerId("cl-a"), false);
      const elapsed = await timeUntilAll(cluster.servers, since, async (server) =>
        (await chat(server, appKey)).text.includes("Hello from cl-b"),
      );
      t.diagnostic(`provider disable reached both instances after ${Math.round(elapsed)} ms`);
      assert.ok(elapsed < PROPAGATION_LIMIT_MS, `${elapsed} ms`);
    });

    it("routes by a group changed elsewhere within 2 s", async (t) => {
      const since = performance.now();
      await replaceGroupMembers(cluster.db, cluster.seeder.groupId("chat"), [
        { providerId: cluster.seeder.providerId("cl-c"), priority: 1, weight: 1 },
      ]);
      const elapsed = await timeUntilAll(cluster.servers, since, async (server) =>
        (await chat(server, appKey)).text.includes("Hello from cl-c"),
      );
      t.diagnostic(`group change reached both instances after ${Math.round(elapsed)} ms`);
      assert.ok(elapsed < PROPAGATION_LIMIT_MS, `${elapsed} ms`);
    });

    it("applies a setting saved elsewhere within 2 s (metrics token)", async (t) => {
      const metricsStatus = async (server: TestServer) => {
        const response = await fetch(`${server.baseUrl}/metrics`);
        await response.arrayBuffer();
        return response.status;
      };
      for (const server of cluster.servers) assert.equal(await metricsStatus(server), 200);
      const since = performance.now();
      await saveSettings(cluster.db, { metricsToken: "cluster-metrics-token" });
      const elapsed = await timeUntilAll(
        cluster.servers,
        since,
        async (server) => (await metricsStatus(server)) === 401,
      );
      t.diagnostic(`setting reached both instances after ${Math.round(elapsed)} ms`);
      assert.ok(elapsed < PROPAGATION_LIMIT_MS, `${elapsed} ms`);
    });

    it("counts log rows and rollups from both instances exactly under concurrent writers", async () => {
      const perInstance = 40;
      const results = await Promise.all(
        cluster.servers.flatMap((server) =>
          Array.from({ length: perInstance }, (_, index) => chat(server, appKey, index % 2 === 0)),
        ),
      );
      assert.deepEqual(new Set(results.map((result) => result.status)), new Set([200]));
      const ids = results.map((result) => result.requestId ?? "");
      assert.equal(new Set(ids).size, ids.length, "every request has its own id");
      await waitUntil(
        async () => {
          const row = await cluster.db
            .selectFrom("call_logs")
            .select((eb) => eb.fn.countAll<number>().as("n"))
            .where("request_id", "in", ids)
            .executeTakeFirstOrThrow();
          return Number(row.n) === ids.length;
        },
        10_000,
        "a row for every request of both instances",
      );

      // Every row ever written (the earlier tests' too) is counted once in each rollup.
      const logs = await cluster.db
        .selectFrom("call_logs")
        .select((eb) => [
          eb.fn.countAll<number>().as("requests"),
          eb.fn.sum<number>("prompt_tokens").as("prompt"),
          eb.fn.sum<number>("completion_tokens").as("completion"),
          eb.fn.sum<number>("cost").as("cost"),
        ])
        .executeTakeFirstOrThrow();
      for (const table of ["usage_hourly", "usage_hours", "usage_daily"] as const) {
        const rollup = await cluster.db
          .selectFrom(table)
          .select((eb) => [
            eb.fn.sum<number>("requests").as("requests"),
            eb.fn.sum<number>("prompt_tokens").as("prompt"),
            eb.fn.sum<number>("completion_tokens").as("completion"),
            eb.fn.sum<number>("cost").as("cost"),
          ])
          .executeTakeFirstOrThrow();
        assert.equal(Number(rollup.requests), Number(logs.requests), `${table} requests`);
        assert.equal(Number(rollup.prompt), Number(logs.prompt), `${table} prompt tokens`);
        assert.equal(Number(rollup.completion), Number(logs.completion), `${table} completion tokens`);
        assert.ok(
          Math.abs(Number(rollup.cost) - Number(logs.cost)) < 1e-9,
          `${table} cost ${rollup.cost} vs ${logs.cost}`,
        );
      }
    });

    it("runs retention on one instance at a time, and hands it over at once on shutdown", async () => {
      const old = Date.now() - 40 * DAY_MS;
      await insertCallLogs(cluster.db, [
        makeRecord({ requestId: "req_old_cluster_1", createdAt: old }),
        makeRecord({ requestId: "req_old_cluster_2", createdAt: old }),
      ]);
      const isGone = async (requestId: string) =>
        (await cluster.db
          .selectFrom("call_logs")
          .select("request_id")
          .where("request_id", "=", requestId)
          .executeTakeFirst()) === undefined;
      await waitUntil(() => isGone("req_old_cluster_1"), 10_000, "the first old rows to be deleted");
      // Every second both instances try; the holder keeps the lock, the other skips.
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      const runners = cluster.servers.filter((server) => /Retention: deleted/.test(server.output()));
      assert.equal(runners.length, 1, "exactly one instance ran retention");
      const [runner] = runners;
      const other = cluster.servers.find((server) => server !== runner);
      assert.ok(runner && other);
      const lock = await cluster.db
        .selectFrom("job_locks")
        .select("holder")
        .where("name", "=", "retention")
        .executeTakeFirst();
      assert.match(lock?.holder ?? "", new RegExp(`:${runner.process.pid}:`), "the runner holds the lock");

      assert.equal(await runner.stop(), 0);
      const held = await cluster.db
        .selectFrom("job_locks")
        .select("holder")
        .where("name", "=", "retention")
        .executeTakeFirst();
      assert.ok(
        held === undefined || !held.holder.includes(`:${runner.process.pid}:`),
        "the stopped instance released its lock",
      );
      cluster.servers.splice(cluster.servers.indexOf(runner), 1);

      await insertCallLogs(cluster.db, [makeRecord({ requestId: "req_old_cluster_3", createdAt: old })]);
      await waitUntil(() => isGone("req_old_cluster_3"), 5_000, "the other instance to take retention over");
      // The pass prints its line after its commit: wait for the output, not only the row.
      await waitUntil(
        () => /Retention: deleted 1 log rows/.test(other.output()),
        5_000,
        "the other instance's retention line",
      );
    });
  });

  describe(`instances starting together on an empty ${store.label} database`, { skip: store.skip }, () => {
    it("migrate it once, without racing", async () => {
      const cluster = await startCluster(store, { instances: 2, isEmpty: true });
      try {
        for (const server of cluster.servers) assert.equal((await fetch(`${server.baseUrl}/api/ready`)).status, 200);
        const migrations = await sql<{ name: string }>`select name from kysely_migration`.execute(cluster.db);
        const names = migrations.rows.map((row) => row.name);
        assert.ok(names.length >= 3);
        assert.equal(new Set(names).size, names.length, "each migration recorded once");
        const admins = await cluster.db.selectFrom("admin_users").select("username").execute();
        assert.deepEqual(admins, [{ username: "admin" }]);
        const settings = await cluster.db.selectFrom("settings").select("key").execute();
        assert.equal(new Set(settings.map((row) => row.key)).size, settings.length);
      } finally {
        await cluster.stop();
      }
    });
  });
}
