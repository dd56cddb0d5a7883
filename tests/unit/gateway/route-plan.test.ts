import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { planCandidates } from "../../../lib/gateway/route-plan";
import { makeProvider, makeSnapshot, seededRandom } from "./gateway-fixture";

function ids(list: { id: number }[]): number[] {
  return list.map((provider) => provider.id);
}

describe("planCandidates", () => {
  it("orders providers by ascending priority", () => {
    const snapshot = makeSnapshot({
      providers: [makeProvider(1), makeProvider(2), makeProvider(3)],
      members: [
        { providerId: 3, priority: 3, weight: 1 },
        { providerId: 1, priority: 1, weight: 1 },
        { providerId: 2, priority: 2, weight: 1 },
      ],
    });
    const group = snapshot.groupsByName.get("chat")!;
    assert.deepEqual(ids(planCandidates(snapshot, group, Math.random)), [1, 2, 3]);
  });

  it("never includes a disabled provider", () => {
    const snapshot = makeSnapshot({
      providers: [makeProvider(1, { isEnabled: false }), makeProvider(2)],
      members: [
        { providerId: 1, priority: 1, weight: 1 },
        { providerId: 2, priority: 2, weight: 1 },
      ],
    });
    assert.deepEqual(ids(planCandidates(snapshot, snapshot.groupsByName.get("chat")!, Math.random)), [2]);
  });

  it("drops members whose provider no longer exists", () => {
    const snapshot = makeSnapshot({
      providers: [makeProvider(1)],
      members: [
        { providerId: 9, priority: 1, weight: 1 },
        { providerId: 1, priority: 1, weight: 1 },
      ],
    });
    assert.deepEqual(ids(planCandidates(snapshot, snapshot.groupsByName.get("chat")!, Math.random)), [1]);
  });

  it("shares first picks by weight among equal priorities (seeded distribution)", () => {
    const snapshot = makeSnapshot({
      providers: [makeProvider(1), makeProvider(2), makeProvider(3)],
      members: [
        { providerId: 1, priority: 1, weight: 1 },
        { providerId: 2, priority: 1, weight: 3 },
        { providerId: 3, priority: 2, weight: 100 },
      ],
    });
    const group = snapshot.groupsByName.get("chat")!;
    const random = seededRandom(42);
    const firsts = new Map<number, number>();
    const runs = 20_000;
    for (let i = 0; i < runs; i += 1) {
      const plan = ids(planCandidates(snapshot, group, random));
      assert.equal(plan.length, 3);
      assert.equal(plan[2], 3, "the lower priority always comes last");
      firsts.set(plan[0]!, (firsts.get(plan[0]!) ?? 0) + 1);
    }
    const share = (firsts.get(2) ?? 0) / runs;
    assert.ok(Math.abs(share - 0.75) < 0.02, `weight 3 of 4 should lead ~75% of the time, got ${share}`);
  });

  it("puts zero-weight members after weighted ones of the same priority", () => {
    const snapshot = makeSnapshot({
      providers: [makeProvider(1), makeProvider(2)],
      members: [
        { providerId: 1, priority: 1, weight: 0 },
        { providerId: 2, priority: 1, weight: 1 },
      ],
    });
    const group = snapshot.groupsByName.get("chat")!;
    const random = seededRandom(7);
    for (let i = 0; i < 50; i += 1) assert.deepEqual(ids(planCandidates(snapshot, group, random)), [2, 1]);
  });

  it("draws with the given random source: a low draw picks the first member, a high one the second", () => {
    const snapshot = makeSnapshot({
      providers: [makeProvider(1), makeProvider(2)],
      members: [
        { providerId: 1, priority: 1, weight: 1 },
        { providerId: 2, priority: 1, weight: 1 },
      ],
    });
    const group = snapshot.groupsByName.get("chat")!;
    assert.deepEqual(ids(planCandidates(snapshot, group, () => 0)), [1, 2]);
    assert.deepEqual(ids(planCandidates(snapshot, group, () => 0.99)), [2, 1]);
  });
});
