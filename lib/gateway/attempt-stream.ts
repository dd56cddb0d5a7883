import { AttemptControl } from "./attempt-control";
import { fail, failFromError, type AttemptContext, type AttemptResult } from "./attempt-result";
import type { UpstreamResponse } from "./types";
import { buildUpstreamRequest, resolveTimeouts } from "./upstream-request";
import { settleErrorStatus } from "./upstream-status";
import { UpstreamStream } from "./upstream-stream";

// Role deltas and comments before the first token are tiny; a flood of them is a broken upstream.
const MAX_PENDING_BYTES = 1024 * 1024;

/** A stream that passed its checks: the client may now see headers and these events. */
export interface CommittedStream {
  stream: UpstreamStream;
  /** Events read before commit (role deltas, comments, the first meaningful one…), in order. */
  pending: Uint8Array[];
  /** The upstream already finished inside the pre-commit reads. */
  ending: "done" | "ended" | null;
  /** Epoch ms of the first meaningful event. */
  firstTokenAt: number;
}

/**
 * One streaming attempt up to its commit point. Nothing reaches the client until the first
 * meaningful event has arrived and the whole chunk holding it passed the in-band-error and
 * keyword checks; any failure before that is a silent failover.
 */
export async function attemptStream(context: AttemptContext): Promise<AttemptResult<CommittedStream>> {
  const { runtime, provider } = context;
  const timeouts = resolveTimeouts(provider, context.settings);
  const control = new AttemptControl(context.clientSignal, timeouts);
  const request = buildUpstreamRequest(
    provider,
    context.route.body,
    true,
    timeouts.connectMs,
    control.signal,
    context.forwardedHeaders,
    context.route.wire.operation,
    context.route.contentType,
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
  const inspector = context.route.wire.createInspector(context.keywords, runtime.keywordHits, () => runtime.now());
  const stream = new UpstreamStream(
    response,
    control,
    inspector,
    context.route.keepsUsageEvents,
    context.route.createTransform?.() ?? null,
  );
  const pending: Uint8Array[] = [];
  let pendingBytes = 0;
  for (;;) {
    const read = await stream.read();
    if (read.kind === "aborted" || read.kind === "broken") {
      stream.close();
      return read.kind === "aborted"
        ? { kind: "aborted", status }
        : { ...fail(read.reason, status), isTimeout: read.isTimeout };
    }
    for (const event of read.events) {
      pending.push(event);
      pendingBytes += event.byteLength;
    }
    if (pendingBytes > MAX_PENDING_BYTES) {
      stream.close();
      return fail("too much data before the first token", status);
    }
    if (!inspector.hasMeaningful) {
      if (read.kind === "more") continue;
      stream.close();
      return fail("stream ended before any content", status);
    }
    control.startIdleWatch();
    const ending = read.kind === "more" ? null : read.kind;
    return { kind: "success", status, value: { stream, pending, ending, firstTokenAt: runtime.now() } };
  }
}
