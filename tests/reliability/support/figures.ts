import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Figures a reliability test file measured, gathered into one JSON file per test file under
 * tmp/reliability/ (test files may run in parallel), which scripts/reliability-report.mjs
 * merges into docs/reliability.md. Counts add up across files; lists are concatenated.
 */

export type FaultCategory = "A" | "B" | "C" | "D" | "E" | "F" | "G" | "H";

export interface LoadFigures {
  streams: number;
  /** Upstream requests open at once at the peak, as the mock counted them. */
  peakConcurrent: number;
  killedClients: number;
  completed: number;
  errors: number;
  requests: number;
  logRows: number;
  mockCalls: number;
  /** Attempts in the rows that reached the provider (connected). */
  attemptsLogged: number;
  /** Attempts whose connection never opened (connect timeout, refused). */
  attemptsNeverConnected: number;
  wallMs: number;
  ttftP50Ms: number;
  ttftP95Ms: number;
  eventLoopLagP99Ms: number;
  eventLoopLagMaxMs: number;
  rssBeforeMb: number;
  rssPeakMb: number;
  rssAfterMb: number;
}

export interface Figures {
  faults: Partial<Record<FaultCategory, number>>;
  requests: number;
  logRows: number;
  crashes: number;
  unhandledRejections: number;
  canaryHits: number;
  unauthenticatedTried: number;
  unauthenticatedAccepted: number;
  revokedKeyRefusalMs: number[];
  disconnectToCloseMs: number[];
  /** Server-measured time of the failed attempt; `clientPairedP50`: the client's latency over a direct request of the same round. */
  failoverExtraMs: { label: string; p50: number; p95: number; clientPairedP50: number; samples: number }[];
  lockedWrite: { lockMs: number; requests: number; maxLatencyMs: number; rowsAfter: number }[];
  diskFull: { requests: number; queuedPeak: number; droppedPeak: number; drainedMs: number; integrity: string }[];
  kill9: { inFlight: number; rowsBefore: number; integrity: string; restartMs: number }[];
  load: Record<string, LoadFigures>;
}

export function emptyFigures(): Figures {
  return {
    faults: {},
    requests: 0,
    logRows: 0,
    crashes: 0,
    unhandledRejections: 0,
    canaryHits: 0,
    unauthenticatedTried: 0,
    unauthenticatedAccepted: 0,
    revokedKeyRefusalMs: [],
    disconnectToCloseMs: [],
    failoverExtraMs: [],
    lockedWrite: [],
    diskFull: [],
    kill9: [],
    load: {},
  };
}

const root = new URL("../../..", import.meta.url).pathname;
export const FIGURES_DIR = join(root, "tmp", "reliability");

/** The figures of one test file, written to disk after every change so a crash loses nothing. */
export class FigureBook {
  readonly figures = emptyFigures();
  private readonly file: string;

  constructor(name: string) {
    mkdirSync(FIGURES_DIR, { recursive: true });
    this.file = join(FIGURES_DIR, `${name}.json`);
    this.save();
  }

  fault(category: FaultCategory, count = 1): void {
    this.figures.faults[category] = (this.figures.faults[category] ?? 0) + count;
    this.save();
  }

  update(change: (figures: Figures) => void): void {
    change(this.figures);
    this.save();
  }

  private save(): void {
    const temporary = `${this.file}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(this.figures, null, 2)}\n`);
    renameSync(temporary, this.file);
  }
}

export function readFigures(file: string): Figures {
  return { ...emptyFigures(), ...(JSON.parse(readFileSync(file, "utf8")) as Partial<Figures>) };
}

export function percentile(values: readonly number[], share: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1));
  return sorted[index]!;
}
