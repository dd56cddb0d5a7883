import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { countCallLogs } from "../../db/queries/call-logs";
import { startTestServer, type TestServer } from "../support/server";
import { CANARY_PREFIX, sleep, startGateway, type Gateway } from "../support/seed";
import { FigureBook } from "./support/figures";
import { holdWriteLock, integrityCheck } from "./support/sqlite-tools";

/*
 * RELIABILITY E, the process side: `kill -9` in the middle of traffic (restart fine, file
 * sound), and SIGTERM while rows still wait for a locked database (they are all written
 * before the process exits 0). tests/api/shutdown.test.ts covers SIGTERM with a live stream.
 */

const messages = [{ role: "user", content: "hi" }];

function post(baseUrl: string, key: string, body: unknown): Promise<number> {
  return fetch(`${baseUrl}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  })
    .then(async (response) => {
      await response.arrayBuffer();
      return response.status;
    })
    .catch(() => 0);
}

function assertQuietOutput(output: string): void {
  assert.ok(!output.includes(CANARY_PREFIX), "no provider key in the server output");
  assert.doesNotMatch(output, /unhandledRejection|Uncaught exception/);
}

describe("reliability: the process killed or stopped under load", () => {
  const book = new FigureBook("process-faults");
  const gateways: Gateway[] = [];
  let restarted: TestServer | undefined;

  after(async () => {
    await restarted?.stop();
    for (const gw of gateways) await gw.stop();
  });

  it("restarts cleanly after kill -9 in the middle of 200 requests, with the file intact", async () => {
    let key = "";
    const gw = await startGateway({
      async seed(s) {
        await s.group("chat", ["pk-a"]);
        key = await s.key("app", { groups: ["chat"] });
      },
    });
    gateways.push(gw);
    gw.mock.setBehavior("pk-a", { chunks: Array.from({ length: 20 }, (_, i) => ` w${i}`), chunkDelayMs: [5, 40] });
    const inFlight = Array.from({ length: 200 }, (_, i) =>
      post(gw.baseUrl, key, { model: "chat", messages, stream: i % 2 === 0 }),
    );
    await gw.mock.waitForCalls(150, 10_000);
    await sleep(300);
    gw.server.process.kill("SIGKILL");
    await new Promise((resolve) => gw.server.process.once("exit", resolve));
    await Promise.all(inFlight);
    const rowsBefore = await countCallLogs(gw.db);
    assert.equal(integrityCheck(gw.server.databaseUrl), "ok", "the file is sound right after the kill");

    const startedAt = Date.now();
    restarted = await startTestServer({ databaseUrl: gw.server.databaseUrl, dataDir: gw.server.dataDir });
    const restartMs = Date.now() - startedAt;
    for (let i = 0; i < 5; i += 1) assert.equal(await post(restarted.baseUrl, key, { model: "chat", messages }), 200);
    const deadline = Date.now() + 5_000;
    while ((await countCallLogs(gw.db)) < rowsBefore + 5 && Date.now() < deadline) await sleep(50);
    assert.equal(await countCallLogs(gw.db), rowsBefore + 5, "the restarted server logs every request");
    assert.equal(await restarted.stop(), 0);
    restarted = undefined;
    const integrity = integrityCheck(gw.server.databaseUrl);
    assertQuietOutput(gw.server.output());
    book.update((figures) => {
      figures.kill9.push({ inFlight: 200, rowsBefore, integrity, restartMs });
      figures.faults.E = (figures.faults.E ?? 0) + 1;
      figures.requests += 5;
      figures.logRows += 5;
    });
    assert.equal(integrity, "ok");
  });

  it("on SIGTERM writes every queued row, even while another process holds the lock, then exits 0", async () => {
    let key = "";
    const gw = await startGateway({
      async seed(s) {
        await s.group("chat", ["pt-a"]);
        key = await s.key("app", { groups: ["chat"] });
      },
    });
    gateways.push(gw);
    const lock = await holdWriteLock(gw.server.databaseUrl);
    const statuses = await Promise.all(
      Array.from({ length: 60 }, (_, i) => post(gw.baseUrl, key, { model: "chat", messages, stream: i % 3 === 0 })),
    );
    assert.deepEqual(new Set(statuses), new Set([200]));
    assert.equal(await countCallLogs(gw.db), 0, "the rows are still queued");
    const exited = gw.server.stop("SIGTERM");
    // The lock outlasts the drain: the server keeps retrying the queued rows until it is gone.
    await sleep(1_500);
    await lock.release();
    assert.equal(await exited, 0);
    assert.equal(await countCallLogs(gw.db), 60, "every queued row was written before exit");
    assertQuietOutput(gw.server.output());
    book.update((figures) => {
      figures.faults.E = (figures.faults.E ?? 0) + 2;
      figures.requests += 60;
      figures.logRows += 60;
    });
    assert.equal(integrityCheck(gw.server.databaseUrl), "ok");
  });
});
