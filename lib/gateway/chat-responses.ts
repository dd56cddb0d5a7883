import type { Settings } from "../../db/settings-schema";
import type { PriceUnit } from "../work-kinds";
import type { ProviderRoute } from "./provider-route";
import type { JsonAnswer } from "./attempt-json";
import type { CommittedStream } from "./attempt-stream";
import { ByteCollector, toResponseBytes } from "./bytes";
import type { CallLog } from "./call-log";
import { GatewayError } from "./errors";
import type { FailoverOutcome } from "./failover";
import { createRelayStream, type StreamEnd } from "./stream-relay";
import type { GatewayRuntime, ProviderConfig } from "./types";
import { settleUsage } from "./usage";
import { settleBreaker } from "./failover-policy";

export interface ResponseContext {
  runtime: GatewayRuntime;
  settings: Settings;
  /** The request's messages (and system prompt), for a usage estimate when the provider reports none. */
  estimateMessages: unknown;
  /** The one event that ends a broken stream, in the client's protocol. */
  renderErrorEvent(error: GatewayError): Uint8Array;
  log: CallLog;
  requestId: string;
  receivedAt: number;
  /** Non-token units the answer is billed in (images, audio seconds, characters), when the API has them. */
  billing?: Billing | null;
  /** The `x-ratelimit-*` headers of the gateway's own limits, on every answer. */
  limitHeaders?: Readonly<Record<string, string>>;
  /** The request's span, when tracing is on. */
  trace?: import("./tracing").RequestTrace;
}

export interface Billing {
  unit: PriceUnit;
  /** The units of one answer (null: a stream, whose units come from the request alone). */
  count(answer: Uint8Array | null): number;
}

const CLIENT_CLOSED_REQUEST = 499;

function jsonHeaders(context: ResponseContext): Record<string, string> {
  return { ...context.limitHeaders, "content-type": "application/json", "x-request-id": context.requestId };
}

/**
 * The outcomes that are not a success: the client's own error relayed as is, the client
 * gone (logged as 499), or every provider failed (thrown, so the edge answers and logs it).
 */
export function respondOtherwise(
  outcome: Exclude<FailoverOutcome<unknown>, { kind: "success" }>,
  context: ResponseContext,
  routeFor: (provider: ProviderConfig) => ProviderRoute,
): Response {
  const { log, requestId } = context;
  if (outcome.kind === "failed") throw outcome.error;
  if (outcome.kind === "aborted") {
    log.finish({ status: CLIENT_CLOSED_REQUEST, error: "client closed the request" });
    return new Response(null, { status: CLIENT_CLOSED_REQUEST, headers: { "x-request-id": requestId } });
  }
  log.setProvider(outcome.provider);
  log.setResponseBody(outcome.body);
  log.finish({ status: outcome.status, error: `provider answered HTTP ${outcome.status} (relayed to the client)` });
  const translate = routeFor(outcome.provider).translateClientError;
  const body = translate ? translate(outcome.body, outcome.status) : outcome.body;
  return new Response(toResponseBytes(body), { status: outcome.status, headers: jsonHeaders(context) });
}

/**
 * A checked non-streaming answer: the upstream bytes unchanged, with our own headers.
 * Documented choice: `model` therefore shows the provider's upstream id, not the group name;
 * rewriting it would mean re-serializing every answer and every stream chunk.
 */
export function respondJson(
  provider: ProviderConfig,
  answer: JsonAnswer,
  context: ResponseContext,
  route: ProviderRoute,
): Response {
  const { runtime, log, requestId, receivedAt } = context;
  const usage = settleUsage(
    answer.usage,
    { messages: context.estimateMessages, completionCharacters: answer.completionCharacters },
    provider,
  );
  const bytes = route.translateJson ? route.translateJson(answer.bytes) : answer.bytes;
  log.setProvider(provider);
  if (context.billing) log.bill(context.billing.unit, context.billing.count(answer.bytes));
  log.setResponseBody(bytes);
  log.finishReason = answer.finishReason;
  const attempt = log.record.attempts.at(-1);
  if (attempt) runtime.providerStats?.recordTotal(provider.id, attempt.latencyMs);
  log.finish({ status: 200, usage, ttftMs: Math.max(0, runtime.now() - receivedAt) });
  const headers = route.keepsContentType
    ? { ...context.limitHeaders, "content-type": answer.contentType, "x-request-id": requestId }
    : jsonHeaders(context);
  return new Response(toResponseBytes(bytes), { status: 200, headers });
}

function describeStreamFailure(
  provider: ProviderConfig,
  end: Extract<StreamEnd, { kind: "incomplete" }>,
): GatewayError {
  const message = `The provider "${provider.name}" failed mid-stream: ${end.reason}.`;
  return new GatewayError(end.isTimeout ? "upstream_timeout" : "upstream_error", message);
}

/** A committed stream: headers now, raw events as the client reads, one log row at the end. */
export function respondStream(
  provider: ProviderConfig,
  committed: CommittedStream,
  context: ResponseContext,
): Response {
  const { runtime, settings, log, requestId, receivedAt } = context;
  const attempt = log.record.attempts[log.record.attempts.length - 1];
  const attemptStartedAt = attempt ? runtime.now() - attempt.latencyMs : receivedAt;
  const collector = log.storesBodies ? new ByteCollector(log.bodyLimit) : null;
  log.setProvider(provider);

  const onFinish = (end: StreamEnd): void => {
    const now = runtime.now();
    const { inspector } = committed.stream;
    const usage = settleUsage(
      inspector.usage,
      { messages: context.estimateMessages, completionCharacters: inspector.completionCharacters },
      provider,
    );
    if (attempt) attempt.latencyMs = Math.max(0, now - attemptStartedAt);
    // A whole stream's time feeds the provider's total-time average; a cut-off one says nothing.
    if (end.kind === "complete") runtime.providerStats?.recordTotal(provider.id, Math.max(0, now - attemptStartedAt));
    if (end.kind === "incomplete") {
      settleBreaker(runtime.breakers, provider.id, "broken_after_first_token", now, settings);
      if (attempt) {
        attempt.outcome = "failed";
        attempt.reason = `mid-stream: ${end.reason}`;
      }
    }
    if (collector) log.setResponseText(collector.toText());
    log.finishReason = inspector.finishReason;
    log.finish({
      status: end.kind === "client_gone" ? CLIENT_CLOSED_REQUEST : 200,
      usage,
      ttftMs: Math.max(0, committed.firstTokenAt - receivedAt),
      isIncomplete: end.kind === "incomplete",
      error:
        end.kind === "incomplete"
          ? `mid-stream: ${end.reason}`
          : end.kind === "client_gone"
            ? "client closed the stream"
            : null,
    });
  };

  const body = createRelayStream(committed, {
    onFinish,
    renderErrorEvent: (end) => context.renderErrorEvent(describeStreamFailure(provider, end)),
    collect: collector ? (bytes) => collector.add(bytes) : null,
  });
  return new Response(body, {
    status: 200,
    headers: {
      ...context.limitHeaders,
      "content-type": "text/event-stream; charset=utf-8",
      // no-transform keeps Next.js from gzip-buffering the stream.
      "cache-control": "no-cache, no-transform",
      "x-accel-buffering": "no",
      "x-request-id": requestId,
    },
  });
}
