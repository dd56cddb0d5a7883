import assert from "node:assert/strict";
import { it } from "node:test";
import { insertCallLogs } from "../../db/queries/call-logs";
import { getProviderCallStatsSince } from "../../db/queries/provider-stats";
import { describeEachDatabase } from "../support/test-database";
import { makeRecord } from "./call-log-records";

const HOUR = 3_600_000;

describeEachDatabase("provider call stats", (context) => {
  it("counts calls and successes since a time: whole hours from rollups, the first partial hour from rows", async () => {
    const since = Date.UTC(2026, 0, 1, 10, 30, 0);
    const at = (offsetMs: number) => since + offsetMs;
    await insertCallLogs(context.db, [
      // Before `since`, inside its hour: not counted, although that hour's rollup holds it.
      makeRecord({ providerName: "p1", createdAt: at(-60_000) }),
      // The partial first hour, read from the rows.
      makeRecord({ providerName: "p1", createdAt: at(0) }),
      makeRecord({ providerName: "p1", createdAt: at(10 * 60_000), status: 502 }),
      // Whole hours, read from the rollups.
      makeRecord({ providerName: "p1", createdAt: at(HOUR) }),
      makeRecord({ providerName: "p1", createdAt: at(5 * HOUR), status: 429 }),
      makeRecord({ providerName: "p2", createdAt: at(2 * HOUR) }),
      // A request every provider failed has no final provider.
      makeRecord({ providerName: null, providerId: null, createdAt: at(HOUR), status: 503 }),
    ]);
    const stats = await getProviderCallStatsSince(context.db, since);
    assert.deepEqual(Object.fromEntries(stats), {
      p1: { calls: 4, successes: 2 },
      p2: { calls: 1, successes: 1 },
    });
  });

  it("is empty without traffic", async () => {
    assert.equal((await getProviderCallStatsSince(context.db, Date.now() - 24 * HOUR)).size, 0);
  });
});
