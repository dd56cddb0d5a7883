import type { Settings } from "../../db/settings-schema";
import type { HedgePolicy } from "../../db/hedging";
import type { AttemptFailure, AttemptResult } from "./attempt-result";
import type { CallLog } from "./call-log";
import { GatewayError } from "./errors";
import { endingOfFailure, settleBreaker } from "./failover-policy";
import { toRetryAfterSeconds } from "./retry-after";
import type { AttemptTrace, RequestTrace } from "./tracing";
import type { AttemptRecord, GatewayRuntime, ProviderConfig } from "./types";
import type { ProviderGate } from "../limits/limiter";

export interface FailoverInput<T> {
  runtime: GatewayRuntime;
  settings: Settings;
  /** Enabled providers in try order (see planCandidates). */
  candidates: readonly ProviderConfig[];
  clientSignal: AbortSignal;
  log: CallLog;
  /**
   * One attempt; `signal` is the client's, or with hedging one that also ends a losing attempt;
   * `trace` (tracing on) is the attempt's span, whose headers go to the upstream.
   */
  attempt(provider: ProviderConfig, signal: AbortSignal, trace: AttemptTrace | undefined): Promise<AttemptResult<T>>;
  /** The provider's own limits (lib/limits): at its limit it is skipped like an open breaker. */
  gate?(provider: ProviderConfig): Promise<ProviderGate> | null;
  /** The group's hedging; off when absent or when the runtime has no hedge budget. */
  hedge?: HedgePolicy;
  /** A hedge's losing answer that came in anyway: close it and say what it cost. */
  discard?(provider: ProviderConfig, value: T): number;
  /** The request's span; attempts that do not serve it end their spans here. */
  trace?: RequestTrace;
}

export type FailoverOutcome<T> =
  | { kind: "success"; provider: ProviderConfig; status: number; value: T }
  | { kind: "client_error"; provider: ProviderConfig; status: number; body: Uint8Array }
  | { kind: "aborted" }
  | { kind: "failed"; error: GatewayError };

interface ProviderFailure {
  provider: ProviderConfig;
  failure: AttemptFailure;
}

/** One attempt in flight. */
interface Running<T> {
  provider: ProviderConfig;
  startedAt: number;
  /** Ends this attempt alone (a lost hedge); null without hedging. */
  cancel: AbortController | null;
  endInFlight: (() => void) | undefined;
  span: AttemptTrace | undefined;
  /** Whether its hedge delay has passed (a hedge was started, or could not be). */
  isHedged: boolean;
  settled: Promise<Settled<T>>;
}

type Settled<T> = { running: Running<T>; result: AttemptResult<T> } | { running: Running<T>; error: unknown };

/** Auto hedging waits for this many first tokens of a provider before trusting its p95. */
const AUTO_HEDGE_SAMPLES = 20;
const HEDGE_DUE = Symbol("hedge due");

function describeSkip(runtime: GatewayRuntime, provider: ProviderConfig, now: number): string {
  const openUntil = runtime.breakers.openUntil(provider.id);
  if (openUntil === null || openUntil <= now) return "circuit half-open, probe already in flight";
  const reason = runtime.breakers.view(provider.id, now).reason;
  const why =
    reason === "retry_after" ? " (provider asked for a rest)" : reason === "probe_failed" ? " (probe failed)" : "";
  return `circuit open until ${new Date(openUntil).toISOString()}${why}`;
}

function hedgeDelay(runtime: GatewayRuntime, policy: HedgePolicy, provider: ProviderConfig): number {
  if (policy.mode !== "auto") return policy.delayMs;
  const view = runtime.providerStats?.view(provider.id);
  return view && view.samples >= AUTO_HEDGE_SAMPLES && view.ttftP95Ms !== null ? view.ttftP95Ms : policy.delayMs;
}

/** Resolves with HEDGE_DUE after `ms`; `clear` stops the timer once the race is decided otherwise. */
function hedgeTimer(ms: number): { due: Promise<typeof HEDGE_DUE>; clear(): void } {
  let timer: NodeJS.Timeout | undefined;
  const due = new Promise<typeof HEDGE_DUE>((resolve) => {
    timer = setTimeout(() => resolve(HEDGE_DUE), Math.max(0, ms));
  });
  return { due, clear: () => clearTimeout(timer) };
}

/**
 * Tries the candidates in order until one answers, the client's own error comes back, the
 * client leaves, or `maxAttempts` real attempts are used. Open breakers are skipped (and
 * logged as skipped); if every candidate is open, the one resting shortest is tried anyway.
 *
 * With hedging, an attempt that has no verdict after the group's delay gets the next
 * candidate started beside it (within the hedge budget): the first success or client error
 * wins and the other attempt is aborted at once and logged as cancelled. A failure while the
 * other runs just waits for the other.
 */
export async function runFailover<T>(input: FailoverInput<T>): Promise<FailoverOutcome<T>> {
  const { runtime, settings, candidates, log } = input;
  if (candidates.length === 0) {
    return {
      kind: "failed",
      error: new GatewayError("no_provider_available", "No provider is available for this model."),
    };
  }
  const budget = runtime.hedgeBudget;
  const hedge = input.hedge && input.hedge.mode !== "off" && budget && candidates.length > 1 ? input.hedge : null;
  if (hedge) budget!.countRequest(runtime.now());
  const failures: ProviderFailure[] = [];
  let attemptsMade = 0;
  let cursor = 0;
  const running: Running<T>[] = [];
  /** Providers at their own limit: never called, not even when every breaker is open. */
  const limited = new Map<number, number>();
  const logSkip = (provider: ProviderConfig, reason: string): void =>
    log.addAttempt({
      providerId: provider.id,
      providerName: provider.name,
      status: null,
      latencyMs: 0,
      outcome: "skipped",
      reason,
    });
  /**
   * True when the provider is at its own limit. A provider without limits is answered at once,
   * with no await: the breaker's check and its half-open probe slot stay one synchronous step.
   */
  const skipLimited = async (provider: ProviderConfig, pending: Promise<ProviderGate>): Promise<boolean> => {
    const gate = await pending;
    if (gate.ok) return false;
    limited.set(provider.id, gate.retryAfterMs);
    logSkip(provider, gate.reason);
    return true;
  };

  const launch = (provider: ProviderConfig): void => {
    attemptsMade += 1;
    const startedAt = runtime.now();
    runtime.breakers.beginAttempt(provider.id, startedAt);
    // In flight until the request ends when it serves it, else until its verdict (see endAttempt).
    const endInFlight = runtime.providerStats?.begin(provider.id);
    const cancel = hedge ? new AbortController() : null;
    const signal = cancel ? AbortSignal.any([input.clientSignal, cancel.signal]) : input.clientSignal;
    const span = input.trace?.startAttempt(provider);
    const entry: Running<T> = { provider, startedAt, cancel, endInFlight, span, isHedged: false, settled: null! };
    entry.settled = input.attempt(provider, signal, span).then(
      (result) => ({ running: entry, result }),
      (error: unknown) => ({ running: entry, error }),
    );
    running.push(entry);
  };

  /** An attempt that serves the request stays in flight (for least-busy) until the answer ends. */
  const endAttempt = (settled: Settled<T>): void => {
    const end = settled.running.endInFlight;
    if (!end) return;
    if ("result" in settled && settled.result.kind === "success") log.whenFinished(end);
    else end();
  };

  /** Starts the next candidate that may be tried; false when none is left. */
  const startNext = async (): Promise<boolean> => {
    while (cursor < candidates.length) {
      if (attemptsMade >= settings.maxAttempts || input.clientSignal.aborted) return false;
      const provider = candidates[cursor]!;
      cursor += 1;
      const now = runtime.now();
      if (!runtime.breakers.canTry(provider.id, now)) {
        logSkip(provider, describeSkip(runtime, provider, now));
        continue;
      }
      const pending = input.gate?.(provider) ?? null;
      if (pending) {
        if (await skipLimited(provider, pending)) continue;
        // Another request may have taken the half-open probe meanwhile.
        if (!runtime.breakers.canTry(provider.id, runtime.now())) {
          logSkip(provider, describeSkip(runtime, provider, runtime.now()));
          continue;
        }
      }
      launch(provider);
      return true;
    }
    return false;
  };

  /** The verdict of one finished attempt: an outcome ends the request, null fails over. */
  const judge = (entry: Running<T>, result: AttemptResult<T>): FailoverOutcome<T> | null => {
    const { provider } = entry;
    const now = runtime.now();
    const base = {
      providerId: provider.id,
      providerName: provider.name,
      latencyMs: Math.max(0, now - entry.startedAt),
    };
    switch (result.kind) {
      case "success":
        settleBreaker(runtime.breakers, provider.id, "answered", now, settings);
        // A stream succeeds at its first token, a JSON answer once complete: either is its TTFT.
        runtime.providerStats?.recordFirstToken(provider.id, base.latencyMs);
        log.addAttempt({ ...base, status: result.status, outcome: "ok", reason: null });
        return { kind: "success", provider, status: result.status, value: result.value };
      case "client_error":
        settleBreaker(runtime.breakers, provider.id, "client_error", now, settings);
        log.addAttempt({
          ...base,
          status: result.status,
          outcome: "client_error",
          reason: `HTTP ${result.status} relayed to the client`,
        });
        return { kind: "client_error", provider, status: result.status, body: result.body };
      case "aborted":
        settleBreaker(runtime.breakers, provider.id, "client_left", now, settings);
        log.addAttempt({ ...base, status: result.status, outcome: "failed", reason: "client closed the request" });
        return { kind: "aborted" };
      case "failure":
        settleBreaker(runtime.breakers, provider.id, endingOfFailure(result), now, settings, result);
        log.addAttempt({ ...base, status: result.status, outcome: "failed", reason: result.reason });
        entry.span?.end("failed", result.status, result.reason);
        failures.push({ provider, failure: result });
        return null;
    }
  };

  /** Aborts the attempts still running after `winner` decided the request, and logs them. */
  const cancelLosers = (winner: ProviderConfig | null): void => {
    if (running.length === 0) return;
    const now = runtime.now();
    for (const loser of running.splice(0)) {
      loser.cancel?.abort();
      const latencyMs = Math.max(0, now - loser.startedAt);
      // At least this slow: its p95 and average learn that it lost, not only its wins.
      runtime.providerStats?.recordFirstToken(loser.provider.id, latencyMs);
      const attempt: AttemptRecord = {
        providerId: loser.provider.id,
        providerName: loser.provider.name,
        status: null,
        latencyMs,
        outcome: "cancelled",
        reason: winner ? `hedge lost to "${winner.name}"; aborted before its first token` : "aborted",
        cost: 0,
      };
      log.addAttempt(attempt);
      loser.span?.end("cancelled", null, attempt.reason);
      void loser.settled.then((settled) => {
        loser.endInFlight?.();
        settleBreaker(runtime.breakers, loser.provider.id, "hedge_lost", runtime.now(), settings);
        if (!("result" in settled) || settled.result.kind !== "success") return;
        // It answered in the same moment: the upstream did the work, so its cost is counted.
        attempt.status = settled.result.status;
        attempt.reason = `hedge lost to "${winner?.name ?? ""}"; its answer was discarded`;
        attempt.cost = input.discard?.(loser.provider, settled.result.value) ?? 0;
      });
    }
  };

  /** A settled attempt, taken off the running list: its verdict, or its error rethrown. */
  const conclude = (next: Settled<T>): FailoverOutcome<T> | null => {
    running.splice(running.indexOf(next.running), 1);
    endAttempt(next);
    if ("error" in next) {
      runtime.breakers.releaseProbe(next.running.provider.id);
      cancelLosers(null);
      throw next.error;
    }
    // A verdict that ends the request: the losers are logged first, as they started first.
    if (next.result.kind !== "failure") cancelLosers(next.running.provider);
    return judge(next.running, next.result);
  };

  const runAll = async (): Promise<FailoverOutcome<T> | null> => {
    for (;;) {
      if (running.length === 0 && !(await startNext())) return null;
      const only = running.length === 1 ? running[0]! : null;
      const canHedge =
        hedge !== null &&
        only !== null &&
        !only.isHedged &&
        cursor < candidates.length &&
        attemptsMade < settings.maxAttempts;
      const timer = canHedge
        ? hedgeTimer(only.startedAt + hedgeDelay(runtime, hedge, only.provider) - runtime.now())
        : null;
      const next = timer
        ? await Promise.race([...running.map((r) => r.settled), timer.due])
        : await (only ? only.settled : Promise.race(running.map((r) => r.settled)));
      timer?.clear();
      if (next === HEDGE_DUE) {
        only!.isHedged = true;
        if (budget!.tryTake(runtime.now(), settings.hedgeBudgetPercent)) {
          if (!(await startNext())) budget!.refund(runtime.now());
        }
        continue;
      }
      const outcome = conclude(next);
      if (outcome) return outcome;
    }
  };

  const outcome = await runAll();
  if (outcome) return outcome;
  if (attemptsMade === 0) {
    if (input.clientSignal.aborted) return { kind: "aborted" };
    const resting = candidates.filter((provider) => !limited.has(provider.id));
    if (resting.length === 0) return { kind: "failed", error: allLimited(limited) };
    const provider = pickShortestRest(runtime, resting);
    const pending = input.gate?.(provider) ?? null;
    if (!pending || !(await skipLimited(provider, pending))) {
      launch(provider);
      const last = conclude(await running[0]!.settled);
      if (last) return last;
    }
    if (failures.length === 0) return { kind: "failed", error: allLimited(limited) };
  }
  return { kind: "failed", error: summarizeFailures(failures) };
}

function allLimited(limited: ReadonlyMap<number, number>): GatewayError {
  const wait = Math.min(...limited.values());
  return new GatewayError("rate_limited", "Every provider for this model is at its rate limit. Please retry later.", {
    retryAfterSeconds: Number.isFinite(wait) ? toRetryAfterSeconds(Math.max(1, wait)) : null,
  });
}

function pickShortestRest(runtime: GatewayRuntime, candidates: readonly ProviderConfig[]): ProviderConfig {
  let best = candidates[0]!;
  let bestUntil = runtime.breakers.openUntil(best.id) ?? 0;
  for (const provider of candidates) {
    const until = runtime.breakers.openUntil(provider.id) ?? 0;
    if (until < bestUntil) {
      best = provider;
      bestUntil = until;
    }
  }
  return best;
}

/**
 * One answer for a request every provider failed: 429 when all were rate limited (with the
 * shortest wait any of them asked for), 504 when the last one timed out, 502 otherwise.
 * Messages name the provider and a plain reason, never its URL or key.
 */
export function summarizeFailures(failures: readonly ProviderFailure[]): GatewayError {
  const last = failures[failures.length - 1];
  if (!last) return new GatewayError("no_provider_available", "No provider is available for this model.");
  if (failures.every((entry) => entry.failure.status === 429)) {
    const waits = failures.map((entry) => entry.failure.retryAfterMs).filter((ms): ms is number => ms !== null);
    const retryAfterSeconds = waits.length > 0 ? toRetryAfterSeconds(Math.min(...waits)) : null;
    return new GatewayError("rate_limited", "All providers for this model are rate limited. Please retry later.", {
      retryAfterSeconds,
    });
  }
  const detail = `Last error from provider "${last.provider.name}": ${last.failure.reason}.`;
  if (last.failure.isTimeout)
    return new GatewayError("upstream_timeout", `The providers did not answer in time. ${detail}`);
  return new GatewayError("upstream_error", `All providers failed. ${detail}`);
}
