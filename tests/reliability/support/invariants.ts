import assert from "node:assert/strict";
import type { CallLogDetail } from "../../../db/queries/call-logs";
import { CANARY_PREFIX, type Gateway } from "../../support/seed";
import type { FaultCategory, FigureBook } from "./figures";

/** What Next.js prints for an unhandled rejection, and what scripts/server.mjs prints for an uncaught exception. */
const UNHANDLED_REJECTION = /unhandledRejection/g;
const UNCAUGHT_EXCEPTION = /Uncaught exception/g;

function countMatches(text: string, pattern: RegExp): number {
  return [...text.matchAll(pattern)].length;
}

export interface CaseExpectation {
  /** Calls the mock must have received since the last check. */
  mockCalls?: number;
  /** Faults this case injected, for the report. */
  faults?: number;
  /** Their RELIABILITY category when it is not the checker's own. */
  category?: FaultCategory;
}

/**
 * The first paragraph of RELIABILITY.md, checked after every case: the process is alive and
 * printed no unhandled rejection or uncaught exception, exactly one log row per client request,
 * no provider key (the canary) in any response, header, log row or server output, and the mock
 * was called as often as the case implies. Every check is also counted for the report, so a
 * failing run still shows what it found.
 */
export class CaseChecker {
  private mockCallsSeen: number;
  private outputSeen = 0;

  constructor(
    readonly gw: Gateway,
    private readonly book: FigureBook,
    private readonly category: FaultCategory,
  ) {
    this.mockCallsSeen = gw.mock.callCount;
  }

  async check(expectation: CaseExpectation = {}): Promise<CallLogDetail[]> {
    const { gw, book } = this;
    const output = gw.server.output();
    const fresh = output.slice(this.outputSeen);
    this.outputSeen = output.length;
    const rejections = countMatches(fresh, UNHANDLED_REJECTION);
    const exceptions = countMatches(fresh, UNCAUGHT_EXCEPTION);
    const outputCanary = countMatches(fresh, new RegExp(CANARY_PREFIX, "g"));
    const crashed = gw.server.process.exitCode !== null || gw.server.process.signalCode !== null;
    book.update((figures) => {
      figures.unhandledRejections += rejections + exceptions;
      figures.canaryHits += outputCanary;
      figures.crashes += crashed ? 1 : 0;
      const category = expectation.category ?? this.category;
      figures.faults[category] = (figures.faults[category] ?? 0) + (expectation.faults ?? 0);
    });
    assert.equal(crashed, false, `the server exited:\n${output.slice(-2_000)}`);
    assert.equal(rejections + exceptions, 0, `unhandled rejections or uncaught exceptions:\n${fresh.slice(-2_000)}`);
    assert.equal(outputCanary, 0, "a provider key reached the server output");

    let rows: CallLogDetail[];
    try {
      rows = await gw.settle();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message.includes("leaked")) book.update((figures) => (figures.canaryHits += 1));
      throw error;
    }
    book.update((figures) => {
      figures.requests += rows.length;
      figures.logRows += rows.length;
    });
    const calls = gw.mock.callCount - this.mockCallsSeen;
    this.mockCallsSeen = gw.mock.callCount;
    if (expectation.mockCalls !== undefined) assert.equal(calls, expectation.mockCalls, "mock provider calls");
    return rows;
  }
}
