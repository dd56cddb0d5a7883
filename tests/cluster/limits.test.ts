import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { request as httpRequest } from "node:http";
import { after, before, describe, it } from "node:test";
import { clusterStore, startCluster, type TestCluster } from "../support/cluster";
import { sleep, waitForLogRows } from "../support/seed";

/*
 * Limits are exact across instances: two servers on one PostgreSQL database, counting in
 * Redis (and, without Redis, in the database itself), fired 200 requests at once at a key
 * limited to 50 requests per minute, call the upstream exactly 50 times between them.
 */

const LIMIT = 50;
const REQUESTS = 200;

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
    request.end(JSON.stringify({ model: "burst", messages: [{ role: "user", content: "hi" }] }));
  });
}

const postgres = clusterStore("postgres");
const redisUrl = process.env.TEST_REDIS_URL;

for (const [label, env, skip] of [
  [
    "Redis",
    { REDIS_URL: redisUrl ?? "", REDIS_KEY_PREFIX: `test-${randomBytes(6).toString("hex")}:` },
    postgres.skip || (redisUrl ? false : "TEST_REDIS_URL is not set (.ci/run sets it where Redis runs)"),
  ],
  ["the database", { LIMITS_STORE: "database" }, postgres.skip],
] as const) {
  describe(`limits across two instances on PostgreSQL, counted in ${label}`, { skip }, () => {
    let cluster: TestCluster;
    let key = "";

    before(async () => {
      cluster = await startCluster(postgres, {
        instances: 2,
        env,
        async seed(s) {
          await s.group("burst", ["burst-a"]);
          key = await s.key("burst", { groups: ["burst"], limits: { rpm: LIMIT } });
        },
      });
      // Each answer takes a moment, so the burst really is in flight at once on both instances.
      cluster.mock.setBehavior("burst-a", { delayBeforeHeadersMs: 20 });
    });

    after(async () => {
      await cluster?.stop();
    });

    it(`admits exactly ${LIMIT} of ${REQUESTS} requests fired at once`, async () => {
      // The window is the clock's minute: keep the burst inside one.
      const into = Date.now() % 60_000;
      if (into > 45_000) await sleep(60_000 - into + 100);
      const [first, second] = cluster.servers;
      const statuses = await Promise.all(
        Array.from({ length: REQUESTS }, (_, index) => chat((index % 2 === 0 ? first! : second!).baseUrl, key)),
      );
      const count = (status: number) => statuses.filter((value) => value === status).length;
      assert.deepEqual(
        { ok: count(200), refused: count(429), upstream: cluster.mock.callsFor("burst-a").length },
        { ok: LIMIT, refused: REQUESTS - LIMIT, upstream: LIMIT },
      );
      assert.equal(await waitForLogRows(cluster.db, REQUESTS, 15_000), REQUESTS, "one log row per request");
    });
  });
}
