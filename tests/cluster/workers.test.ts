import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { after, before, describe, it } from "node:test";
import { deleteApiKey, listApiKeys } from "../../db/queries/api-keys";
import { clusterStores, startCluster, timeUntilAll, type TestCluster } from "../support/cluster";
import { waitUntil } from "../support/seed";

/*
 * WORKERS=2: one server, two cluster worker processes sharing its port and its database.
 * Requests go to either; both see configuration changes; a crashed worker is replaced; SIGTERM
 * drains both and loses no log row.
 */

/** A request on a new connection each time, so the primary hands it to the next worker. */
function status(url: string, key: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { agent: false, headers: { authorization: `Bearer ${key}` } }, (response) => {
      response.resume();
      response.on("end", () => resolve(response.statusCode ?? 0));
    });
    request.on("error", reject);
    request.end();
  });
}

function chat(baseUrl: string, key: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      `${baseUrl}/v1/chat/completions`,
      { method: "POST", agent: false, headers: { authorization: `Bearer ${key}`, "content-type": "application/json" } },
      (response) => {
        response.resume();
        response.on("end", () => resolve(response.statusCode ?? 0));
      },
    );
    request.on("error", reject);
    request.end(JSON.stringify({ model: "chat", messages: [{ role: "user", content: "hi" }] }));
  });
}

function metricsText(baseUrl: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${baseUrl}/metrics`, { agent: false }, (response) => {
      let text = "";
      response.on("data", (chunk: Buffer) => (text += chunk.toString()));
      response.on("end", () =>
        response.statusCode === 200 ? resolve(text) : reject(new Error(`/metrics ${response.statusCode}: ${text}`)),
      );
    });
    request.on("error", reject);
    request.end();
  });
}

/** The sum of a metric's samples whose labels include every one given. */
function sumOf(text: string, name: string, labels: string[]): number {
  return text
    .split("\n")
    .filter((line) => line.startsWith(`${name}{`) && labels.every((label) => line.includes(label)))
    .reduce((sum, line) => sum + Number(line.split(" ").at(-1)), 0);
}

function workerPids(output: string): number[] {
  return [...output.matchAll(/Worker \d+ \(pid (\d+)\) serving/g)].map((match) => Number(match[1]));
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

for (const store of clusterStores()) {
  describe(`WORKERS=2 on one ${store.label} database`, { skip: store.skip }, () => {
    let cluster: TestCluster;
    let appKey: string;
    let revokedKey: string;

    before(async () => {
      cluster = await startCluster(store, {
        instances: 1,
        env: { WORKERS: "2" },
        async seed(seeder) {
          await seeder.group("chat", ["wk-a"]);
          appKey = await seeder.key("app", { groups: ["chat"] });
          revokedKey = await seeder.key("to-revoke", { groups: ["chat"] });
        },
      });
    });

    after(async () => {
      await cluster?.stop();
    });

    const server = () => cluster.servers[0]!;

    it("forks two workers that share the port and answer every request", async () => {
      await waitUntil(() => workerPids(server().output()).length === 2, 30_000, "two workers serving");
      assert.match(server().output(), /with 2 workers \(primary pid \d+\)/);
      const statuses = await Promise.all(Array.from({ length: 30 }, () => chat(server().baseUrl, appKey)));
      assert.deepEqual(new Set(statuses), new Set([200]));
    });

    it("sums every worker's counters in /metrics, whichever worker answers the scrape", async () => {
      for (let scrape = 0; scrape < 4; scrape += 1) {
        const text = await metricsText(server().baseUrl);
        assert.equal(
          sumOf(text, "gateway_requests_total", ['group="chat"', 'status_class="2xx"']),
          30,
          text.slice(0, 2_000),
        );
        assert.match(text, /^gateway_breaker_state\{provider="wk-a"\} 0$/m);
      }
    });

    it("sees a key revoked elsewhere in every worker within a few seconds", async (t) => {
      const probe = async () =>
        (await Promise.all(Array.from({ length: 6 }, () => status(`${server().baseUrl}/v1/models`, revokedKey)))).every(
          (code) => code === 401,
        );
      assert.equal(await status(`${server().baseUrl}/v1/models`, revokedKey), 200);
      const key = (await listApiKeys(cluster.db)).find((entry) => entry.name === "to-revoke");
      const since = performance.now();
      await deleteApiKey(cluster.db, key?.id ?? 0);
      const elapsed = await timeUntilAll([server()], since, probe);
      t.diagnostic(`revocation reached both workers after ${Math.round(elapsed)} ms`);
      assert.ok(elapsed < 6_000, `${elapsed} ms`);
    });

    it("replaces a worker that crashed, and keeps answering meanwhile", async () => {
      const [victim] = workerPids(server().output());
      assert.ok(victim);
      process.kill(victim, "SIGKILL");
      // Until the primary has seen the exit it may still hand the dead worker a connection,
      // which then hangs (a node:cluster limit, see docs/deployment.md); after that, none.
      await waitUntil(
        () => /exited \(SIGKILL\); starting a new one/.test(server().output()),
        5_000,
        "the primary to see the crash",
      );
      const statuses = await Promise.all(Array.from({ length: 10 }, () => chat(server().baseUrl, appKey)));
      assert.deepEqual(new Set(statuses), new Set([200]), "the other worker answers");
      await waitUntil(() => workerPids(server().output()).length === 3, 30_000, "a new worker serving");
    });

    it("drains every worker on SIGTERM, exits 0 and writes every log row", async () => {
      const before = await cluster.db
        .selectFrom("call_logs")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow();
      const statuses = await Promise.all(Array.from({ length: 20 }, () => chat(server().baseUrl, appKey)));
      assert.deepEqual(new Set(statuses), new Set([200]));
      const pids = workerPids(server().output()).filter(isRunning);
      assert.equal(pids.length, 2);
      assert.equal(await server().stop(), 0);
      cluster.servers.length = 0;
      for (const pid of pids) assert.equal(isRunning(pid), false, `worker ${pid} exited`);
      const afterStop = await cluster.db
        .selectFrom("call_logs")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow();
      assert.equal(Number(afterStop.n) - Number(before.n), 20, "one row per request, all flushed");
    });
  });
}
