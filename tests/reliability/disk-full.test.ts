import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import { startGateway, sleep, waitUntil, type Gateway } from "../support/seed";
import { signInOverHttp } from "./support/admin-session";
import { FigureBook } from "./support/figures";
import { CaseChecker } from "./support/invariants";
import { integrityCheck, mountSmallDisk } from "./support/sqlite-tools";

/*
 * RELIABILITY E: the disk under the SQLite file fills up. A real full disk (a small tmpfs);
 * requests never write on their path, so they are served; the log rows wait in the queue,
 * which /api/ready and the dashboard show, and are written once space returns.
 */

const ADMIN_PASSWORD = "reliability-admin-1";
const REQUESTS = 40;
// Big enough that the rows cannot squeeze into pages SQLite already holds.
const prompt = "x".repeat(20_000);

interface ReadyBody {
  status: string;
  logQueue: { queued: number; dropped: number; limit: number };
}

async function readLogQueue(baseUrl: string): Promise<ReadyBody["logQueue"]> {
  const response = await fetch(`${baseUrl}/api/ready`);
  return ((await response.json()) as ReadyBody).logQueue;
}

const disk = mountSmallDisk(32);

describe(
  "reliability: the disk fills up under the call log",
  { skip: disk === null ? "needs a tmpfs mount (root, as in CI)" : false },
  () => {
    const book = new FigureBook("disk-full");
    let gw: Gateway;
    let key: string;
    let checker: CaseChecker;

    before(async () => {
      gw = await startGateway({
        parentDir: disk!.dir,
        env: { ADMIN_PASSWORD },
        async seed(s) {
          await s.group("chat", ["df-a"]);
          key = await s.key("app", { groups: ["chat"] });
        },
      });
      checker = new CaseChecker(gw, book, "E");
    });

    after(async () => {
      await gw?.stop();
      disk?.unmount();
    });

    it("serves requests on a full disk, shows the waiting rows, and writes them all when space returns", async () => {
      const { cookie } = await signInOverHttp(gw.baseUrl, "admin", ADMIN_PASSWORD);
      assert.equal((await gw.chat(key, { model: "chat", messages: [{ role: "user", content: "warm" }] })).status, 200);
      await checker.check({ mockCalls: 1 });
      // An empty WAL file, so the next write needs new space on the disk.
      await sql`pragma wal_checkpoint(TRUNCATE)`.execute(gw.db);
      disk!.fill();

      for (let i = 0; i < REQUESTS; i += 1) {
        const body = { model: "chat", messages: [{ role: "user", content: `${i} ${prompt}` }], stream: i % 2 === 0 };
        const response = await gw.chat(key, body);
        assert.equal(response.status, 200, response.body.slice(0, 300));
      }
      const waiting = await waitUntil(
        async () => {
          const queue = await readLogQueue(gw.baseUrl);
          return queue.queued >= REQUESTS ? queue : undefined;
        },
        5_000,
        "the rows to wait in the queue",
      );
      assert.equal(waiting.dropped, 0);
      const page = await fetch(`${gw.baseUrl}/en`, { headers: { cookie } });
      const html = await page.text();
      assert.equal(page.status, 200);
      const shown = /data-testid="log-queue-queued"[^>]*>([^<]+)</.exec(html)?.[1];
      assert.equal(Number(shown?.replace(/\D/g, "")), waiting.queued, "the dashboard shows the waiting rows");

      await sleep(1_000);
      disk!.free();
      const freedAt = Date.now();
      await waitUntil(async () => (await readLogQueue(gw.baseUrl)).queued === 0, 15_000, "the queue to drain");
      const drainedMs = Date.now() - freedAt;
      await checker.check({ mockCalls: REQUESTS, faults: 1 });
      const integrity = integrityCheck(gw.server.databaseUrl);
      book.update((figures) =>
        figures.diskFull.push({
          requests: REQUESTS,
          queuedPeak: waiting.queued,
          droppedPeak: waiting.dropped,
          drainedMs,
          integrity,
        }),
      );
      assert.equal(integrity, "ok");
    });
  },
);
