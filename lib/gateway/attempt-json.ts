import { AttemptControl } from "./attempt-control";
import { fail, failFromError, type AttemptContext, type AttemptResult } from "./attempt-result";
import type { TokenUsage } from "./usage";
import { buildUpstreamRequest, resolveTimeouts } from "./upstream-request";
import { BodyTooLargeError, readUpstreamBody, settleErrorStatus } from "./upstream-status";

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

// Chat answers are small; this only stops a runaway upstream from filling memory.
const MAX_COMPLETION_BYTES = 32 * 1024 * 1024;

export interface JsonAnswer {
  /** The upstream body exactly as received. */
  bytes: Uint8Array;
  usage: TokenUsage | null;
  completionCharacters: number;
  finishReason: string | null;
  /** The upstream's content type, relayed by routes that keep it (plain-text transcripts). */
  contentType: string;
}

/**
 * One non-streaming attempt: headers must arrive within the first-token timeout and the
 * whole answer within the total one; a 200 is accepted only after its content is checked.
 */
export async function attemptJson(context: AttemptContext): Promise<AttemptResult<JsonAnswer>> {
  const { runtime, provider } = context;
  const timeouts = resolveTimeouts(provider, context.settings);
  const control = new AttemptControl(context.clientSignal, timeouts);
  try {
    const request = buildUpstreamRequest(
      provider,
      context.route.body,
      false,
      timeouts.connectMs,
      control.signal,
      context.forwardedHeaders,
      context.route.wire.operation,
      context.route.contentType,
    );
    let response;
    try {
      response = await runtime.send(request);
    } catch (error) {
      return failFromError(error, control);
    }
    control.stopFirstTokenTimer();
    const { status } = response;
    if (status < 200 || status >= 300) return await settleErrorStatus(response, context, control);
    let bytes: Uint8Array;
    try {
      bytes = await readUpstreamBody(response, MAX_COMPLETION_BYTES);
    } catch (error) {
      return error instanceof BodyTooLargeError
        ? fail("response too large", status)
        : failFromError(error, control, status);
    } finally {
      response.close();
    }
    const verdict = context.route.wire.inspectJson(bytes, {
      keywords: context.keywords,
      hitSink: runtime.keywordHits,
      now: () => runtime.now(),
    });
    if (verdict.kind === "failure") return { ...verdict, status };
    return {
      kind: "success",
      status,
      value: {
        bytes,
        usage: verdict.usage,
        completionCharacters: verdict.completionCharacters,
        finishReason: verdict.finishReason ?? null,
        contentType: headerText(response.headers["content-type"]) ?? "application/json",
      },
    };
  } finally {
    control.dispose();
  }
}
