import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { CallLogDetail } from "../../db/queries/call-logs";
import type { MockBehavior } from "../support/mock-provider";
import { startGateway, type Gateway } from "../support/seed";
import { FigureBook, percentile, type LoadFigures } from "./support/figures";
import { CaseChecker } from "./support/invariants";
import { readEventLoopLagMs, readMemoryMb, runStream, type LoadOutcome } from "./support/load-client";

/*
 * RELIABILITY D: many concurrent streams against the production server. CI runs 300;
 * `npm run test:load` runs the full 1,000 (RELIABILITY_LOAD_STREAMS). Then the same with a
 * tenth of the clients killed after their first token and one provider failing a fifth of
 * its calls: one row per request, and the attempts in the rows match the mock's calls.
 */

const STREAMS = Number(process.env.RELIABILITY_LOAD_STREAMS || 300);
const PIECES = Array.from({ length: 20 }, (_, i) => ` tok${i}`);
// 2–4 s per stream, so the streams overlap and a killed client leaves long before its stream could end.
const STREAM: MockBehavior = { chunks: PIECES, chunkDelayMs: [100, 200] };
/** Killed clients go away this long after their first token. */
const KILL_WINDOW_MS: [number, number] = [0, 300];
const FAILURE: MockBehavior = { status: 503 };

function killDelay(): number {
  return KILL_WINDOW_MS[0] + Math.random() * (KILL_WINDOW_MS[1] - KILL_WINDOW_MS[0]);
}

/** Attempts whose connection never opened cannot reach the provider; every other attempt must have. */
const NEVER_CONNECTED = new Set(["connect timeout", "connection refused"]);

function calledAttempts(rows: readonly CallLogDetail[]): { reached: number; neverConnected: number } {
  const attempts = rows.flatMap((row) => row.attempts).filter((attempt) => attempt.outcome !== "skipped");
  const neverConnected = attempts.filter((attempt) => NEVER_CONNECTED.has(attempt.reason ?? "")).length;
  return { reached: attempts.length - neverConnected, neverConnected };
}

describe(`reliability: ${STREAMS} concurrent streams`, () => {
  const book = new FigureBook(`load-${STREAMS}`);
  let gw: Gateway;
  let key: string;
  let checker: CaseChecker;

  before(async () => {
    gw = await startGateway({
      // The faulty provider must keep being tried, so its calls follow the script exactly.
      settings: { failoverThreshold: 1000, storeBodies: false },
      async seed(s) {
        await s.group("load", [
          { model: "ld-a", priority: 1 },
          { model: "ld-b", priority: 1 },
        ]);
        await s.group("faulty", ["ld-faulty", "ld-spare"]);
        key = await s.key("load", { groups: ["load", "faulty"] });
      },
    });
    gw.mock.setBehavior("*", { chunks: PIECES });
    checker = new CaseChecker(gw, book, "D");
    // Warm-up: the first requests of a fresh server compile its code paths.
    for (let i = 0; i < 30; i += 1) {
      const warm = await runStream(`${gw.baseUrl}/v1/chat/completions`, key, {
        model: i % 2 ? "load" : "faulty",
        messages: [{ role: "user", content: "warm" }],
        stream: true,
      });
      gw.track(warm.requestId);
    }
    await checker.check({ mockCalls: 30 });
    gw.mock.setBehavior("*", STREAM);
  });

  after(async () => {
    await gw?.stop();
  });

  async function runLoad(
    label: string,
    group: string,
    killEvery: number,
  ): Promise<{
    outcomes: LoadOutcome[];
    figures: Omit<
      LoadFigures,
      "logRows" | "mockCalls" | "attemptsLogged" | "attemptsNeverConnected" | "requests" | "peakConcurrent"
    >;
  }> {
    const pid = gw.server.process.pid!;
    const before = await readMemoryMb(pid);
    await readEventLoopLagMs(gw.baseUrl);
    let rssPeak = before?.rss ?? Number.NaN;
    const sampler = setInterval(() => {
      void readMemoryMb(pid).then((memory) => {
        if (memory) rssPeak = Math.max(rssPeak, memory.rss);
      });
    }, 100);
    const startedAt = performance.now();
    const url = `${gw.baseUrl}/v1/chat/completions`;
    const outcomes = await Promise.all(
      Array.from({ length: STREAMS }, (_, i) =>
        runStream(
          url,
          key,
          { model: group, messages: [{ role: "user", content: `${label} ${i}` }], stream: true },
          killEvery > 0 && i % killEvery === 0 ? killDelay() : null,
        ),
      ),
    );
    const wallMs = performance.now() - startedAt;
    clearInterval(sampler);
    const lag = await readEventLoopLagMs(gw.baseUrl);
    const afterMemory = await readMemoryMb(pid);
    for (const outcome of outcomes) gw.track(outcome.requestId);
    const ttfts = outcomes.map((outcome) => outcome.ttftMs).filter((ms): ms is number => ms !== null);
    return {
      outcomes,
      figures: {
        streams: STREAMS,
        killedClients: outcomes.filter((outcome) => outcome.wasKilled).length,
        completed: outcomes.filter((outcome) => outcome.isComplete).length,
        errors: outcomes.filter((outcome) => outcome.error !== null).length,
        wallMs,
        ttftP50Ms: percentile(ttfts, 0.5),
        ttftP95Ms: percentile(ttfts, 0.95),
        eventLoopLagP99Ms: lag.p99,
        eventLoopLagMaxMs: lag.max,
        rssBeforeMb: before?.rss ?? Number.NaN,
        rssPeakMb: rssPeak,
        rssAfterMb: afterMemory?.rss ?? Number.NaN,
      },
    };
  }

  it(`serves ${STREAMS} concurrent streams with no error and one row each`, async () => {
    const mockCallsBefore = gw.mock.callCount;
    const { outcomes, figures } = await runLoad("plain", "load", 0);
    const errors = outcomes.filter((outcome) => outcome.error !== null || !outcome.isComplete);
    assert.deepEqual(errors.slice(0, 5), [], `${errors.length} streams failed`);
    const rows = await checker.check({ mockCalls: STREAMS, faults: 0 });
    assert.equal(rows.length, STREAMS);
    assert.ok(rows.every((row) => row.status === 200 && !row.isIncomplete));
    const mockCalls = gw.mock.callCount - mockCallsBefore;
    const attempts = calledAttempts(rows);
    book.update(
      (all) =>
        (all.load.plain = {
          ...figures,
          peakConcurrent: gw.mock.maxConcurrent,
          requests: STREAMS,
          logRows: rows.length,
          mockCalls,
          attemptsLogged: attempts.reached,
          attemptsNeverConnected: attempts.neverConnected,
        }),
    );
    assert.ok(
      gw.mock.maxConcurrent >= STREAMS * 0.5,
      `the streams really overlapped (${gw.mock.maxConcurrent} at once)`,
    );
  });

  it("keeps rows = requests and attempts = mock calls with a tenth of the clients killed and a provider failing a fifth of its calls", async () => {
    gw.mock.reset();
    gw.mock.setBehavior("*", STREAM);
    // Every fifth call of the faulty provider fails, in arrival order.
    gw.mock.queue("ld-faulty", ...Array.from({ length: STREAMS }, (_, i) => (i % 5 === 0 ? FAILURE : STREAM)));
    const { outcomes, figures } = await runLoad("faulty", "faulty", 10);
    const errors = outcomes.filter((outcome) => outcome.error !== null || (!outcome.wasKilled && !outcome.isComplete));
    assert.deepEqual(errors.slice(0, 5), [], `${errors.length} streams failed`);
    const failedCalls = gw.mock.callsFor("ld-faulty").filter((call) => call.status === 503).length;
    const rows = await checker.check({ faults: figures.killedClients + failedCalls });
    const mockCalls = gw.mock.callCount;
    const attempts = calledAttempts(rows);
    book.update(
      (all) =>
        (all.load.faulty = {
          ...figures,
          peakConcurrent: gw.mock.maxConcurrent,
          requests: STREAMS,
          logRows: rows.length,
          mockCalls,
          attemptsLogged: attempts.reached,
          attemptsNeverConnected: attempts.neverConnected,
        }),
    );
    assert.equal(rows.length, STREAMS, "one row per request");
    assert.equal(
      attempts.reached,
      mockCalls,
      "every upstream call is an attempt in a row, and every attempt that connected is a call",
    );
    const killedIds = new Set(outcomes.filter((outcome) => outcome.wasKilled).map((outcome) => outcome.requestId));
    const killedRows = rows.filter((row) => killedIds.has(row.requestId));
    const goneRows = rows.filter((row) => row.status === 499);
    assert.equal(killedRows.length, figures.killedClients);
    assert.ok(
      goneRows.every((row) => killedIds.has(row.requestId) && row.completionTokens > 0),
      "only killed clients are 499, with the usage they got so far",
    );
    // A client starved of CPU may read its first token only after the whole stream was sent.
    const finishedFirst = killedRows.filter((row) => row.status !== 499);
    assert.ok(
      finishedFirst.every((row) => row.status === 200 && !row.isIncomplete),
      "a killed client's row says 499, or its stream had ended",
    );
    assert.ok(
      goneRows.length >= figures.killedClients * 0.9,
      `${goneRows.length} of ${figures.killedClients} killed clients left mid-stream`,
    );
    assert.ok(failedCalls >= STREAMS / 5 - 1, `the provider failed ${failedCalls} calls`);
  });
});
