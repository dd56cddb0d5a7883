import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { countCallLogs, getCallLog } from "../../db/queries/call-logs";
import {
  CANARY_PREFIX,
  assertErrorShape,
  startGateway,
  streamedContent,
  waitUntil,
  type Gateway,
} from "../support/seed";

// RELIABILITY E (SIGTERM with a live stream): refuse new work, finish what runs, keep its row.

const TICKS = Array.from({ length: 10 }, (_, i) => ` tick${i}`);

/** What a new client sees while the server drains: a 503 in OpenAI's shape, or no listener at all. */
async function tryNewRequest(
  url: string,
  key: string,
): Promise<{ status: number; body: string; contentType: string } | "refused"> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json", connection: "close" },
      body: JSON.stringify({ model: "quick", messages: [{ role: "user", content: "hi" }] }),
    });
    return {
      status: response.status,
      body: await response.text(),
      contentType: response.headers.get("content-type") ?? "",
    };
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code;
    if (code === "ECONNREFUSED" || code === "ECONNRESET" || code === "UND_ERR_SOCKET") return "refused";
    throw error;
  }
}

describe("graceful shutdown", () => {
  let gw: Gateway;
  let key: string;

  before(async () => {
    gw = await startGateway({
      async seed(s) {
        await s.group("slow", ["sd-slow"]);
        await s.group("quick", ["sd-quick"]);
        key = await s.key("client", { groups: ["slow", "quick"] });
      },
    });
    gw.mock.setBehavior("sd-slow", { chunks: TICKS, chunkDelayMs: 200 });
  });

  after(async () => {
    await gw?.stop();
  });

  it("on SIGTERM refuses new requests, lets the live stream finish, writes its row and exits 0", async () => {
    const live = gw.stream(key, { model: "slow", messages: [{ role: "user", content: "count" }], stream: true });
    await live.waitForText((text) => text.includes("tick0"));
    const signalledAt = Date.now();
    gw.server.process.kill("SIGTERM");

    await waitUntil(() => isRefusing(gw.baseUrl), 3_000, "the server to refuse new requests");
    const refused = await tryNewRequest(`${gw.baseUrl}/v1/chat/completions`, key);
    if (refused !== "refused") {
      assert.equal(refused.status, 503, refused.body);
      assertErrorShape(
        {
          status: refused.status,
          headers: { "content-type": refused.contentType },
          body: refused.body,
          requestId: null,
          elapsedMs: 0,
        },
        503,
      );
    }
    assert.equal(gw.mock.callsFor("sd-quick").length, 0, "a refused request reaches no provider");

    const result = await live.finished;
    assert.equal(result.status, 200);
    assert.equal(streamedContent(result.body), TICKS.join(""), "the live stream got all of its content");
    assert.ok(result.body.trimEnd().endsWith("data: [DONE]"), "and its end marker");
    assert.ok(Date.now() - signalledAt >= 1_000, "it really was live across the signal");

    const exitCode = await gw.server.stop();
    assert.equal(exitCode, 0);
    const row = await getCallLog(gw.db, result.requestId ?? "");
    assert.ok(row, "the live stream's row was flushed before exit");
    assert.deepEqual([row.status, row.isStream, row.isIncomplete, row.providerName], [200, true, false, "sd-slow"]);
    assert.equal(await countCallLogs(gw.db), 1, "one row: refused requests never entered");
    assert.ok(!JSON.stringify(row).includes(CANARY_PREFIX));
  });
});

/** True once /api/health no longer answers 200 (503 while draining, or no listener). */
async function isRefusing(baseUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${baseUrl}/api/health`, { headers: { connection: "close" } });
    await response.arrayBuffer();
    return response.status !== 200;
  } catch {
    return true;
  }
}
