import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HedgeBudget } from "../../../lib/gateway/hedge-budget";

const T0 = 1_000_000_000;

describe("HedgeBudget", () => {
  it("allows hedges up to the share of requests in the last minute", () => {
    const budget = new HedgeBudget();
    const taken: boolean[] = [];
    for (let index = 0; index < 10; index += 1) {
      budget.countRequest(T0 + index);
      taken.push(budget.tryTake(T0 + index, 20));
    }
    assert.equal(taken.filter(Boolean).length, 2, "20% of 10 requests");
    assert.deepEqual(budget.usage(T0 + 10), { requests: 10, hedges: 2 });
  });

  it("forgets what is older than a minute", () => {
    const budget = new HedgeBudget();
    for (let index = 0; index < 10; index += 1) budget.countRequest(T0);
    assert.equal(budget.tryTake(T0, 10), true);
    assert.equal(budget.tryTake(T0, 10), false);
    const later = T0 + 61_000;
    assert.deepEqual(budget.usage(later), { requests: 0, hedges: 0 });
    budget.countRequest(later);
    assert.equal(budget.tryTake(later, 10), false, "one request is not enough for a 10% hedge");
  });

  it("never hedges at 0% and gives back a refunded hedge", () => {
    const budget = new HedgeBudget();
    budget.countRequest(T0);
    assert.equal(budget.tryTake(T0, 0), false);
    assert.equal(budget.tryTake(T0, 100), true);
    assert.equal(budget.tryTake(T0, 100), false);
    budget.refund(T0);
    assert.equal(budget.tryTake(T0, 100), true);
  });
});
