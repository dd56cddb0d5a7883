import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CallLog } from "../../../lib/gateway/call-log";
import { runFailover } from "../../../lib/gateway/failover";
import { fail, type AttemptResult } from "../../../lib/gateway/attempt-result";
import { ProviderStatsBoard } from "../../../lib/gateway/provider-stats";
import { makeProvider, makeRuntime, makeSnapshot, TEST_SETTINGS } from "./gateway-fixture";

const failingSend = () => Promise.reject(new Error("unused"));

function setUp() {
  const stats = new ProviderStatsBoard();
  const a = makeProvider(1);
  const b = makeProvider(2);
  const snapshot = makeSnapshot({ providers: [a, b], members: [] });
  const { runtime } = makeRuntime(snapshot, failingSend, { providerStats: stats });
  const log = new CallLog(runtime, TEST_SETTINGS, "req_test", Date.now());
  return { stats, a, b, runtime, log };
}

describe("attempts in flight (least-busy)", () => {
  it("keeps the serving attempt in flight until the request's row is final, a failed one only until its verdict", async () => {
    const { stats, a, b, runtime, log } = setUp();
    const outcome = await runFailover<string>({
      runtime,
      settings: TEST_SETTINGS,
      candidates: [a, b],
      clientSignal: new AbortController().signal,
      log,
      attempt: async (provider): Promise<AttemptResult<string>> =>
        provider.id === a.id ? fail("HTTP 500", 500) : { kind: "success", status: 200, value: "answer" },
    });
    assert.equal(outcome.kind, "success");
    assert.deepEqual([stats.view(a.id).inFlight, stats.view(b.id).inFlight], [0, 1], "B still streams its answer");
    log.finish({ status: 200 });
    assert.equal(stats.view(b.id).inFlight, 0, "ended with the request");
  });
});
