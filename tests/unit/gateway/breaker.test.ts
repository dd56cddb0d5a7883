import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BreakerBoard } from "../../../lib/gateway/breaker";

const settings = { failoverThreshold: 3, failoverSampleSize: 10, failoverWindowSeconds: 60, cooldownSeconds: 30 };
const T0 = 1_000_000;

describe("BreakerBoard", () => {
  it("stays closed below the threshold", () => {
    const board = new BreakerBoard();
    board.recordFailure(1, T0, settings);
    board.recordFailure(1, T0 + 1_000, settings);
    assert.equal(board.canTry(1, T0 + 2_000), true);
    assert.deepEqual(board.view(1, T0 + 2_000), {
      state: "closed",
      openUntil: null,
      recentFailures: 2,
      reason: null,
      lastFailure: null,
    });
  });

  it("opens for the cooldown after N failures within the window", () => {
    const board = new BreakerBoard();
    for (const at of [T0, T0 + 10, T0 + 20]) board.recordFailure(1, at, settings);
    assert.equal(board.canTry(1, T0 + 21), false);
    assert.equal(board.openUntil(1), T0 + 20 + 30_000);
    assert.equal(board.view(1, T0 + 21).state, "open");
  });

  it("does not open when the N failures are spread over more than the window", () => {
    const board = new BreakerBoard();
    for (const at of [T0, T0 + 40_000, T0 + 80_000]) board.recordFailure(1, at, settings);
    assert.equal(board.canTry(1, T0 + 80_001), true);
    assert.equal(board.view(1, T0 + 80_001).recentFailures, 2);
  });

  it("rests a provider for Retry-After even below the threshold", () => {
    const board = new BreakerBoard();
    board.recordFailure(1, T0, settings, 5_000);
    assert.equal(board.canTry(1, T0 + 4_999), false);
    assert.equal(board.canTry(1, T0 + 5_000), true);
  });

  it("rests exactly as long as Retry-After says, not the default cool-down, even over the threshold", () => {
    const board = new BreakerBoard();
    for (const at of [T0, T0 + 1, T0 + 2]) board.recordFailure(1, at, settings, at === T0 + 2 ? 120_000 : null);
    assert.equal(board.openUntil(1), T0 + 2 + 120_000);
    const short = new BreakerBoard();
    for (const at of [T0, T0 + 1, T0 + 2]) short.recordFailure(1, at, settings, 3_000);
    assert.equal(short.openUntil(1), T0 + 2 + 3_000, "a 3 s Retry-After is a 3 s rest, not the 30 s cool-down");
    assert.equal(short.canTry(1, T0 + 2 + 3_000), true);
  });

  it("lets exactly one probe through when half-open", () => {
    const board = new BreakerBoard();
    for (const at of [T0, T0, T0]) board.recordFailure(1, at, settings);
    const later = T0 + 30_001;
    assert.equal(board.view(1, later).state, "half_open");
    assert.equal(board.canTry(1, later), true);
    board.beginAttempt(1, later);
    assert.equal(board.canTry(1, later), false, "a second request must skip while the probe is in flight");
  });

  it("closes and forgets failures when the probe succeeds", () => {
    const board = new BreakerBoard();
    for (const at of [T0, T0, T0]) board.recordFailure(1, at, settings);
    board.beginAttempt(1, T0 + 30_001);
    board.recordSuccess(1, T0 + 30_002, settings);
    assert.deepEqual(board.view(1, T0 + 30_003), {
      state: "closed",
      openUntil: null,
      recentFailures: 0,
      reason: null,
      lastFailure: null,
    });
    board.recordFailure(1, T0 + 30_004, settings);
    assert.equal(board.canTry(1, T0 + 30_005), true, "one new failure must not reopen it");
  });

  it("reopens for a full cooldown when the probe fails", () => {
    const board = new BreakerBoard();
    for (const at of [T0, T0, T0]) board.recordFailure(1, at, settings);
    board.beginAttempt(1, T0 + 30_001);
    board.recordFailure(1, T0 + 30_002, settings);
    assert.equal(board.canTry(1, T0 + 30_003), false);
    assert.equal(board.openUntil(1), T0 + 30_002 + 30_000);
  });

  it("frees the probe slot when the probe ends without a verdict", () => {
    const board = new BreakerBoard();
    for (const at of [T0, T0, T0]) board.recordFailure(1, at, settings);
    board.beginAttempt(1, T0 + 30_001);
    board.releaseProbe(1);
    assert.equal(board.canTry(1, T0 + 30_002), true);
  });

  it("keeps providers independent", () => {
    const board = new BreakerBoard();
    for (const at of [T0, T0, T0]) board.recordFailure(1, at, settings);
    assert.equal(board.canTry(2, T0), true);
    assert.deepEqual(board.view(2, T0), {
      state: "closed",
      openUntil: null,
      recentFailures: 0,
      reason: null,
      lastFailure: null,
    });
  });

  it("a success while closed dilutes the failures without forgetting them", () => {
    const board = new BreakerBoard();
    board.recordFailure(1, T0, settings);
    board.recordFailure(1, T0 + 1, settings);
    board.recordSuccess(1, T0 + 2, settings);
    board.recordFailure(1, T0 + 3, settings);
    assert.equal(board.canTry(1, T0 + 4), false, "3 of the last 4 requests failed");
    assert.equal(board.view(1, T0 + 4).reason, "failure_rate");
  });

  it("opens only when N of the last M requests failed, not on N failures spread over more requests", () => {
    const board = new BreakerBoard();
    const small = { ...settings, failoverSampleSize: 4 };
    board.recordFailure(1, T0, small);
    for (let i = 1; i <= 3; i += 1) board.recordSuccess(1, T0 + i, small);
    board.recordFailure(1, T0 + 4, small);
    for (let i = 5; i <= 7; i += 1) board.recordSuccess(1, T0 + i, small);
    board.recordFailure(1, T0 + 8, small);
    assert.equal(board.canTry(1, T0 + 9), true, "3 failures, but never 3 within 4 requests");
    assert.equal(board.view(1, T0 + 9).recentFailures, 1);
    board.recordFailure(1, T0 + 10, small);
    board.recordFailure(1, T0 + 11, small);
    assert.equal(board.canTry(1, T0 + 12), false, "3 of the last 4 failed");
  });

  it("never samples fewer requests than the threshold", () => {
    const board = new BreakerBoard();
    const tiny = { ...settings, failoverSampleSize: 1 };
    for (const at of [T0, T0 + 1, T0 + 2]) board.recordFailure(1, at, tiny);
    assert.equal(board.canTry(1, T0 + 3), false);
  });

  it("tells why it opened and what the last failure was", () => {
    const board = new BreakerBoard();
    board.recordFailure(1, T0, settings, 3_000, "HTTP 429");
    assert.deepEqual(board.view(1, T0 + 1), {
      state: "open",
      openUntil: T0 + 3_000,
      recentFailures: 1,
      reason: "retry_after",
      lastFailure: "HTTP 429",
    });
    board.beginAttempt(1, T0 + 3_000);
    board.recordFailure(1, T0 + 3_001, settings, null, "HTTP 503");
    assert.equal(board.view(1, T0 + 3_002).reason, "probe_failed");
    assert.equal(board.openUntil(1), T0 + 3_001 + 30_000);
  });
});
