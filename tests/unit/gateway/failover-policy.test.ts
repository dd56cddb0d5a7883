import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  classifyStatus,
  endingOfFailure,
  FAILOVER_POLICY,
  isProviderFailureStatus,
} from "../../../lib/gateway/failover-policy";

describe("failover policy", () => {
  it("fails over on 5xx, 429, 401/403/404/408 and redirects; relays any other 4xx", () => {
    for (const status of [500, 502, 503, 529, 429, 401, 403, 404, 408, 301, 302, 307])
      assert.equal(isProviderFailureStatus(status), true, `HTTP ${status}`);
    for (const status of [400, 409, 413, 415, 422])
      assert.equal(isProviderFailureStatus(status), false, `HTTP ${status}`);
    assert.equal(classifyStatus(429), "rate_limited");
  });

  it("names the row of every failure verdict", () => {
    assert.equal(endingOfFailure({ status: null, isTimeout: true }), "timed_out");
    assert.equal(endingOfFailure({ status: 200, isTimeout: true }), "timed_out");
    assert.equal(endingOfFailure({ status: null, isTimeout: false }), "connection_failed");
    assert.equal(endingOfFailure({ status: 200, isTimeout: false }), "bad_answer");
    assert.equal(endingOfFailure({ status: 503, isTimeout: false }), "server_error");
    assert.equal(endingOfFailure({ status: 400, isTimeout: false }), "client_error_with_keyword");
  });

  it("counts on the breaker exactly what fails over, plus a stream broken after its first token", () => {
    for (const [ending, rule] of Object.entries(FAILOVER_POLICY)) {
      if (ending === "broken_after_first_token") assert.deepEqual([rule.failsOver, rule.breaker], [false, "failure"]);
      else if (ending === "answered") assert.equal(rule.breaker, "success");
      else assert.equal(rule.breaker === "failure", rule.failsOver, ending);
    }
  });
});
