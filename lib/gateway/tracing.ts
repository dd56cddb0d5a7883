import type { AttemptOutcome } from "../../db/attempt-outcomes";
import type { CallLogRecord, ProviderConfig } from "./types";

/**
 * What the gateway core tells a tracer (lib/telemetry/otel.ts implements it with OpenTelemetry).
 * The core never imports a tracing library: with tracing off the runtime has no tracer and each
 * hook is one optional-chaining check.
 */
export interface GatewayTracer {
  /** A span for one client request of `api`, child of the client's `traceparent` if it sent one. */
  startRequest(headers: Headers, api: string, startedAt: number): RequestTrace;
  /** Exports what is buffered (SIGTERM drain). */
  shutdown(): Promise<void>;
}

export interface RequestTrace {
  /** A child span for one upstream attempt; its headers carry the span to the upstream. */
  startAttempt(provider: ProviderConfig): AttemptTrace;
  /** Ends the request span (and the winning attempt's) from the final log row. */
  end(record: Readonly<CallLogRecord>, provider: ProviderConfig | null, finishReason: string | null): void;
}

export interface AttemptTrace {
  /** `traceparent` (and `tracestate`) for the upstream request. */
  readonly headers: Readonly<Record<string, string>>;
  /** An attempt that did not serve the request: failed, or a hedge's loser. */
  end(outcome: AttemptOutcome, status: number | null, reason: string | null): void;
}

/** The upstream's headers with the attempt's trace context, replacing any the client sent. */
export function withTraceHeaders(
  forwarded: Readonly<Record<string, string>>,
  trace: AttemptTrace | undefined,
): Readonly<Record<string, string>> {
  return trace ? { ...forwarded, ...trace.headers } : forwarded;
}
