import { settleBreaker } from "./failover-policy";
import { AttemptControl } from "./attempt-control";
import { fail, failFromError, type AttemptContext, type AttemptResult } from "./attempt-result";
import type { ResponseContext } from "./chat-responses";
import type { GatewayRuntime, ProviderConfig, UpstreamResponse } from "./types";
import { buildUpstreamRequest, resolveTimeouts } from "./upstream-request";
import { settleErrorStatus } from "./upstream-status";
import { settleUsage } from "./usage";

/*
 * Answers that are bytes, not events: generated speech (audio/mpeg, wav, opus… or its own
 * event stream). The attempt commits on the first byte of a 2xx answer, so a provider that fails
 * before it is failed over silently; after it the bytes go to the client as they arrive, the
 * idle and total timeouts still apply, and a client that leaves aborts the upstream at once.
 */

export interface RawStream {
  response: UpstreamResponse;
  control: AttemptControl;
  iterator: AsyncIterator<Uint8Array>;
  first: Uint8Array;
  contentType: string;
  firstByteAt: number;
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export async function attemptRaw(context: AttemptContext): Promise<AttemptResult<RawStream>> {
  const { runtime, provider, route } = context;
  const timeouts = resolveTimeouts(provider, context.settings);
  const control = new AttemptControl(context.clientSignal, timeouts);
  const request = buildUpstreamRequest(
    provider,
    route.body,
    false,
    timeouts.connectMs,
    control.signal,
    context.forwardedHeaders,
    route.wire.operation,
    route.contentType,
  );
  let response: UpstreamResponse;
  try {
    response = await runtime.send(request);
  } catch (error) {
    control.dispose();
    return failFromError(error, control);
  }
  const { status } = response;
  if (status < 200 || status >= 300) {
    const settled = await settleErrorStatus(response, context, control);
    control.dispose();
    return settled;
  }
  const iterator = response.body[Symbol.asyncIterator]();
  let first: Uint8Array | null = null;
  try {
    for (;;) {
      control.beginRead();
      const next = await iterator.next();
      control.endRead();
      if (next.done) break;
      if (next.value.byteLength === 0) continue;
      first = next.value;
      break;
    }
  } catch (error) {
    response.close();
    control.dispose();
    return failFromError(error, control, status);
  }
  if (first === null) {
    response.close();
    control.dispose();
    return fail("empty answer", status);
  }
  control.startIdleWatch();
  const contentType = headerText(response.headers["content-type"]) ?? "application/octet-stream";
  return {
    kind: "success",
    status,
    value: { response, control, iterator, first, contentType, firstByteAt: runtime.now() },
  };
}

const CLIENT_CLOSED_REQUEST = 499;

/** The committed bytes to the client; one log row when they end, are cut, or the client leaves. */
export function respondRaw(provider: ProviderConfig, raw: RawStream, context: ResponseContext): Response {
  const { runtime, log, requestId, receivedAt } = context;
  log.setProvider(provider);
  let bytes = raw.first.byteLength;
  let isFinished = false;
  const finish = (status: number, error: string | null): void => {
    if (isFinished) return;
    isFinished = true;
    raw.control.dispose();
    raw.response.close();
    const usage = settleUsage(null, { messages: context.estimateMessages, completionCharacters: 0 }, provider);
    if (context.billing) log.bill(context.billing.unit, context.billing.count(null));
    log.setResponseText(`[${bytes} bytes of ${raw.contentType}]`);
    if (error !== null) markLastAttemptFailed(log.record.attempts, error, runtime, provider, context);
    log.finish({
      status,
      usage,
      ttftMs: Math.max(0, raw.firstByteAt - receivedAt),
      isIncomplete: status === 200 && error !== null,
      error,
    });
  };
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(raw.first);
    },
    async pull(controller) {
      try {
        raw.control.beginRead();
        const next = await raw.iterator.next();
        raw.control.endRead();
        if (next.done) {
          finish(200, null);
          controller.close();
          return;
        }
        bytes += next.value.byteLength;
        controller.enqueue(next.value);
      } catch {
        if (raw.control.cause === "client") return finish(CLIENT_CLOSED_REQUEST, "client closed the stream");
        const reason = raw.control.isTimeout ? "mid-stream: timeout" : "mid-stream: connection lost";
        finish(200, reason);
        controller.error(new Error(reason));
      }
    },
    cancel() {
      raw.control.abort("client");
      finish(CLIENT_CLOSED_REQUEST, "client closed the stream");
    },
  });
  return new Response(body, {
    status: 200,
    headers: {
      ...context.limitHeaders,
      "content-type": raw.contentType,
      "cache-control": "no-cache, no-transform",
      "x-request-id": requestId,
    },
  });
}

function markLastAttemptFailed(
  attempts: { outcome: string; reason?: string | null }[],
  reason: string,
  runtime: GatewayRuntime,
  provider: ProviderConfig,
  context: ResponseContext,
): void {
  if (reason === "client closed the stream") return;
  settleBreaker(runtime.breakers, provider.id, "broken_after_first_token", runtime.now(), context.settings);
  const attempt = attempts[attempts.length - 1];
  if (attempt) {
    attempt.outcome = "failed";
    attempt.reason = reason;
  }
}
