import type { Settings } from "../../db/settings-schema";
import type { AttemptFailure, AttemptResult } from "./attempt-result";
import type { CallLog } from "./call-log";
import { GatewayError } from "./errors";
import { toRetryAfterSeconds } from "./retry-after";
import type { GatewayRuntime, ProviderConfig } from "./types";
import type { ProviderGate } from "../limits/limiter";

export interface FailoverInput<T> {
  runtime: GatewayRuntime;
  settings: Settings;
  /** Enabled providers in try order (see planCandidates). */
  candidates: readonly ProviderConfig[];
  clientSignal: AbortSignal;
  log: CallLog;
  attempt(provider: ProviderConfig): Promise<AttemptResult<T>>;
  /** The provider's own limits (lib/limits): at its limit it is skipped like an open breaker. */
  gate?(provider: ProviderConfig): Promise<ProviderGate> | null;
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

function describeSkip(runtime: GatewayRuntime, provider: ProviderConfig, now: number): string {
  const openUntil = runtime.breakers.openUntil(provider.id);
  if (openUntil === null || openUntil <= now) return "circuit half-open, probe already in flight";
  const reason = runtime.breakers.view(provider.id, now).reason;
  const why =
    reason === "retry_after" ? " (provider asked for a rest)" : reason === "probe_failed" ? " (probe failed)" : "";
  return `circuit open until ${new Date(openUntil).toISOString()}${why}`;
}

/**
 * Tries the candidates in order until one answers, the client's own error comes back, the
 * client leaves, or `maxAttempts` real attempts are used. Open breakers are skipped (and
 * logged as skipped); if every candidate is open, the one resting shortest is tried anyway.
 */
export async function runFailover<T>(input: FailoverInput<T>): Promise<FailoverOutcome<T>> {
  const { runtime, settings, candidates, log } = input;
  if (candidates.length === 0) {
    return {
      kind: "failed",
      error: new GatewayError("no_provider_available", "No provider is available for this model."),
    };
  }
  const failures: ProviderFailure[] = [];
  let attemptsMade = 0;
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

  const tryProvider = async (provider: ProviderConfig): Promise<FailoverOutcome<T> | null> => {
    attemptsMade += 1;
    const startedAt = runtime.now();
    runtime.breakers.beginAttempt(provider.id, startedAt);
    // In flight until the attempt's verdict: for a stream that is its commit at the first token.
    const endInFlight = runtime.providerStats?.begin(provider.id);
    let result: AttemptResult<T>;
    try {
      result = await input.attempt(provider);
    } catch (error) {
      runtime.breakers.releaseProbe(provider.id);
      throw error;
    } finally {
      endInFlight?.();
    }
    const now = runtime.now();
    const base = { providerId: provider.id, providerName: provider.name, latencyMs: Math.max(0, now - startedAt) };
    switch (result.kind) {
      case "success":
        runtime.breakers.recordSuccess(provider.id, now, settings);
        // A stream succeeds at its first token, a JSON answer once complete: either is its TTFT.
        runtime.providerStats?.recordFirstToken(provider.id, base.latencyMs);
        log.addAttempt({ ...base, status: result.status, outcome: "ok", reason: null });
        return { kind: "success", provider, status: result.status, value: result.value };
      case "client_error":
        runtime.breakers.releaseProbe(provider.id);
        log.addAttempt({
          ...base,
          status: result.status,
          outcome: "client_error",
          reason: `HTTP ${result.status} relayed to the client`,
        });
        return { kind: "client_error", provider, status: result.status, body: result.body };
      case "aborted":
        runtime.breakers.releaseProbe(provider.id);
        log.addAttempt({ ...base, status: result.status, outcome: "failed", reason: "client closed the request" });
        return { kind: "aborted" };
      case "failure":
        runtime.breakers.recordFailure(provider.id, now, settings, result.retryAfterMs, result.reason);
        log.addAttempt({ ...base, status: result.status, outcome: "failed", reason: result.reason });
        failures.push({ provider, failure: result });
        return null;
    }
  };

  for (const provider of candidates) {
    if (attemptsMade >= settings.maxAttempts) break;
    if (input.clientSignal.aborted) return { kind: "aborted" };
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
    const outcome = await tryProvider(provider);
    if (outcome) return outcome;
  }
  if (attemptsMade === 0) {
    if (input.clientSignal.aborted) return { kind: "aborted" };
    const resting = candidates.filter((provider) => !limited.has(provider.id));
    if (resting.length === 0) return { kind: "failed", error: allLimited(limited) };
    const provider = pickShortestRest(runtime, resting);
    const pending = input.gate?.(provider) ?? null;
    if (!pending || !(await skipLimited(provider, pending))) {
      const outcome = await tryProvider(provider);
      if (outcome) return outcome;
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
