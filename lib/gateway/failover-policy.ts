import type { Settings } from "../../db/settings-schema";
import type { BreakerBoard } from "./breaker";

/**
 * When the gateway fails over, in one place. Each way an upstream attempt can end is a row:
 * whether the next provider is tried, what the provider's breaker counts, and what the client
 * gets. README's "Failover and routing" lists the same rows in words; the detectors named in
 * `seenBy` only classify, they never decide.
 */
export type AttemptEnding =
  | "answered"
  | "server_error"
  | "rate_limited"
  | "provider_refused"
  | "redirect"
  | "client_error"
  | "client_error_with_keyword"
  | "connection_failed"
  | "timed_out"
  | "bad_answer"
  | "keyword_in_answer"
  | "broken_before_first_token"
  | "broken_after_first_token"
  | "client_left"
  | "hedge_lost";

export type BreakerEffect = "success" | "failure" | "none";

export interface FailoverRule {
  /** The next candidate is tried (up to maxAttempts). */
  failsOver: boolean;
  /** What the provider's breaker records. */
  breaker: BreakerEffect;
  /** What the client receives from this attempt. */
  client: "the answer" | "the provider's error, as sent" | "nothing: the next provider answers" | "an error event";
  seenBy: string;
}

const NEXT = "nothing: the next provider answers" as const;

export const FAILOVER_POLICY: Readonly<Record<AttemptEnding, FailoverRule>> = {
  answered: { failsOver: false, breaker: "success", client: "the answer", seenBy: "attempt-json / attempt-stream" },
  server_error: { failsOver: true, breaker: "failure", client: NEXT, seenBy: "upstream-status: 5xx" },
  rate_limited: {
    failsOver: true,
    breaker: "failure",
    client: NEXT,
    seenBy: "upstream-status: 429 (its Retry-After / reset headers set the rest)",
  },
  provider_refused: {
    failsOver: true,
    breaker: "failure",
    client: NEXT,
    seenBy: "upstream-status: 401, 403, 404, 408 (the provider's key, model or patience, not the client's request)",
  },
  redirect: { failsOver: true, breaker: "failure", client: NEXT, seenBy: "upstream-status: 3xx (never followed)" },
  client_error: {
    failsOver: false,
    breaker: "none",
    client: "the provider's error, as sent",
    seenBy: "upstream-status: any other 4xx",
  },
  client_error_with_keyword: {
    failsOver: true,
    breaker: "failure",
    client: NEXT,
    seenBy: "upstream-status: a 4xx whose error message holds a failure keyword",
  },
  connection_failed: {
    failsOver: true,
    breaker: "failure",
    client: NEXT,
    seenBy: "attempt-result: refused, reset, DNS, TLS, blocked address",
  },
  timed_out: {
    failsOver: true,
    breaker: "failure",
    client: NEXT,
    seenBy: "attempt-control: connect, first-token or total timeout",
  },
  bad_answer: {
    failsOver: true,
    breaker: "failure",
    client: NEXT,
    seenBy: "completion-inspector / sse-inspector: a 200 with an error object, HTML, no choices, empty or cut off",
  },
  keyword_in_answer: {
    failsOver: true,
    breaker: "failure",
    client: NEXT,
    seenBy: "keywords: a failure keyword in the answer before anything was relayed",
  },
  broken_before_first_token: {
    failsOver: true,
    breaker: "failure",
    client: NEXT,
    seenBy: "attempt-stream: the stream broke, stalled or ended before its first token",
  },
  broken_after_first_token: {
    failsOver: false,
    breaker: "failure",
    client: "an error event",
    seenBy: "stream-relay / raw-stream: the stream broke after the client saw its first bytes",
  },
  client_left: { failsOver: false, breaker: "none", client: NEXT, seenBy: "attempt-control: the client's abort" },
  hedge_lost: {
    failsOver: false,
    breaker: "none",
    client: NEXT,
    seenBy: "failover: the other attempt of a hedge answered first",
  },
};

/** How a non-2xx upstream status ends an attempt, before any keyword in its body is looked at. */
export function classifyStatus(status: number): AttemptEnding {
  if (status >= 500) return "server_error";
  if (status === 429) return "rate_limited";
  if (status === 401 || status === 403 || status === 404 || status === 408) return "provider_refused";
  if (status < 400) return "redirect";
  return "client_error";
}

/** Whether a non-2xx status is the provider's failure (fail over) or the client's own (relay it). */
export function isProviderFailureStatus(status: number): boolean {
  return FAILOVER_POLICY[classifyStatus(status)].failsOver;
}

/**
 * The row of a failure verdict. A 2xx failure is an answer that did not pass the checks (bad
 * shape, keyword, a stream broken before its first token: the same rule); a 4xx failure had a
 * failure keyword in its error, since any other 4xx is relayed.
 */
export function endingOfFailure(failure: { status: number | null; isTimeout: boolean }): AttemptEnding {
  if (failure.isTimeout) return "timed_out";
  if (failure.status === null) return "connection_failed";
  if (failure.status >= 200 && failure.status < 300) return "bad_answer";
  const ending = classifyStatus(failure.status);
  return ending === "client_error" ? "client_error_with_keyword" : ending;
}

/** Records an attempt's ending on the provider's breaker, as the table says. */
export function settleBreaker(
  breakers: BreakerBoard,
  providerId: number,
  ending: AttemptEnding,
  now: number,
  settings: Settings,
  failure: { retryAfterMs: number | null; reason?: string } = { retryAfterMs: null },
): void {
  const effect = FAILOVER_POLICY[ending].breaker;
  if (effect === "success") breakers.recordSuccess(providerId, now, settings);
  else if (effect === "failure")
    breakers.recordFailure(providerId, now, settings, failure.retryAfterMs, failure.reason);
  // A half-open probe that ended without a verdict lets the next request probe.
  else breakers.releaseProbe(providerId);
}
