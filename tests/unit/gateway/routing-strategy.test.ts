import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ProviderStatsBoard } from "../../../lib/gateway/provider-stats";
import { planCandidates } from "../../../lib/gateway/route-plan";
import type { RoutingStrategy } from "../../../lib/gateway/routing-strategy";
import { makeProvider, makeSnapshot } from "./gateway-fixture";

/** A seeded generator, so the weighted draws and exploration are the same on every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

function setUp(strategy: RoutingStrategy, prices: [number, number] = [1, 1]) {
  const snapshot = makeSnapshot({
    providers: [makeProvider(1, { priceInput: prices[0] }), makeProvider(2, { priceInput: prices[1] })],
    members: [
      { providerId: 1, priority: 1, weight: 1 },
      { providerId: 2, priority: 1, weight: 1 },
    ],
  });
  const group = { ...snapshot.groupsByName.get("chat")!, strategy };
  return { snapshot, group };
}

describe("routing strategies within one priority", () => {
  it("least-latency moves traffic to the faster provider within 20 requests", () => {
    const { snapshot, group } = setUp("least-latency");
    const stats = new ProviderStatsBoard();
    const random = seeded(7);
    const ttft: Record<number, number> = { 1: 400, 2: 50 };
    const firstPicks: number[] = [];
    for (let i = 0; i < 20; i += 1) {
      const picked = planCandidates(snapshot, group, random, stats)[0]!;
      firstPicks.push(picked.id);
      stats.recordFirstToken(picked.id, ttft[picked.id]!);
    }
    const lastTen = firstPicks.slice(10);
    assert.ok(lastTen.filter((id) => id === 2).length >= 8, `mostly the fast one: ${firstPicks.join(",")}`);
  });

  it("least-busy prefers the provider with fewer attempts in flight", () => {
    const { snapshot, group } = setUp("least-busy");
    const stats = new ProviderStatsBoard();
    stats.begin(1);
    stats.begin(1);
    stats.begin(2);
    const picks = Array.from({ length: 20 }, (_, i) => planCandidates(snapshot, group, seeded(i + 1), stats)[0]!.id);
    assert.ok(picks.filter((id) => id === 2).length >= 16, picks.join(","));
  });

  it("cheapest tries the lower price first, always", () => {
    const { snapshot, group } = setUp("cheapest", [5, 1]);
    for (let i = 0; i < 20; i += 1) {
      assert.deepEqual(
        planCandidates(snapshot, group, seeded(i + 1)).map((p) => p.id),
        [2, 1],
      );
    }
  });

  it("weighted keeps the weighted draw, whatever the stats say", () => {
    const { snapshot, group } = setUp("weighted");
    const stats = new ProviderStatsBoard();
    stats.recordFirstToken(1, 10_000);
    const picks = Array.from({ length: 40 }, (_, i) => planCandidates(snapshot, group, seeded(i + 1), stats)[0]!.id);
    assert.ok(picks.includes(1) && picks.includes(2), picks.join(","));
  });
});
