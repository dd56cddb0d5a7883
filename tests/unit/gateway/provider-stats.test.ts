import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { percentile, ProviderStatsBoard } from "../../../lib/gateway/provider-stats";

describe("ProviderStatsBoard", () => {
  it("knows nothing about a provider it never saw", () => {
    assert.deepEqual(new ProviderStatsBoard().view(1), {
      ttftEwmaMs: null,
      totalEwmaMs: null,
      ttftP50Ms: null,
      ttftP95Ms: null,
      inFlight: 0,
      samples: 0,
    });
  });

  it("starts the moving average at the first sample and follows later ones part of the way", () => {
    const board = new ProviderStatsBoard();
    board.recordFirstToken(1, 100);
    assert.equal(board.view(1).ttftEwmaMs, 100);
    board.recordFirstToken(1, 200);
    assert.equal(board.view(1).ttftEwmaMs, 120);
    board.recordTotal(1, 1_000);
    assert.equal(board.view(1).totalEwmaMs, 1_000);
  });

  it("gives p50 and p95 of the recent first-token times", () => {
    const board = new ProviderStatsBoard();
    for (let ms = 1; ms <= 100; ms += 1) board.recordFirstToken(1, ms);
    assert.equal(board.view(1).ttftP50Ms, 50);
    assert.equal(board.view(1).ttftP95Ms, 95);
    for (let i = 0; i < 100; i += 1) board.recordFirstToken(1, 1_000);
    assert.equal(board.view(1).ttftP50Ms, 1_000, "old samples leave the window");
    assert.equal(board.view(1).samples, 100);
  });

  it("counts attempts in flight, each ended once however often its end is called", () => {
    const board = new ProviderStatsBoard();
    const first = board.begin(1);
    const second = board.begin(1);
    assert.equal(board.view(1).inFlight, 2);
    first();
    first();
    assert.equal(board.view(1).inFlight, 1);
    second();
    assert.equal(board.view(1).inFlight, 0);
    assert.equal(board.view(2).inFlight, 0, "providers are independent");
  });

  it("takes the nearest-rank percentile", () => {
    assert.equal(percentile([], 0.5), null);
    assert.equal(percentile([3, 1, 2], 0.5), 2);
    assert.equal(percentile([3, 1, 2], 0.95), 3);
  });
});
