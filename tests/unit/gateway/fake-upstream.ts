import { OutboundError, type OutboundErrorCode } from "../../../lib/http/outbound-error";
import type { UpstreamRequest, UpstreamResponse, UpstreamSend } from "../../../lib/gateway/types";

/** One piece of a scripted body: bytes, a pause, a connection reset, or a stall until aborted. */
export type BodyStep = string | Uint8Array | { delayMs: number } | { reset: true } | { stall: true };

export interface UpstreamScript {
  /** Reject the send itself (connection refused, connect timeout…). */
  error?: OutboundErrorCode;
  /** Wait before the headers arrive; Infinity waits until aborted. */
  headersDelayMs?: number;
  status?: number;
  headers?: Record<string, string>;
  body?: BodyStep[];
}

export interface RecordedCall {
  host: string;
  url: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
  wasAborted: boolean;
  isClosed: boolean;
  /** Body chunks handed to the gateway so far (backpressure checks). */
  chunksDelivered: number;
}

type ScriptSource = UpstreamScript | ((callIndex: number) => UpstreamScript);

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new OutboundError("aborted"));
      return;
    }
    const timer = Number.isFinite(ms) ? setTimeout(done, ms) : null;
    function done(): void {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }
    function onAbort(): void {
      if (timer) clearTimeout(timer);
      reject(new OutboundError("aborted"));
    }
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

async function* playBody(
  steps: readonly BodyStep[],
  signal: AbortSignal,
  call: RecordedCall,
): AsyncGenerator<Uint8Array> {
  for (const step of steps) {
    if (signal.aborted) throw new OutboundError("aborted");
    if (typeof step === "string" || step instanceof Uint8Array) {
      call.chunksDelivered += 1;
      yield typeof step === "string" ? Buffer.from(step, "utf8") : step;
    } else if ("delayMs" in step) await sleep(step.delayMs, signal);
    else if ("reset" in step) throw new OutboundError("connection_reset");
    else await sleep(Number.POSITIVE_INFINITY, signal);
  }
  if (signal.aborted) throw new OutboundError("aborted");
}

/**
 * An in-memory UpstreamSend: each host answers from its script (a fixed one, or one per
 * call index). It honours the abort signal like the real client and records every call.
 */
export function createFakeUpstream(scripts: Record<string, ScriptSource>) {
  const calls: RecordedCall[] = [];
  const counts = new Map<string, number>();

  const send: UpstreamSend = async (request: UpstreamRequest): Promise<UpstreamResponse> => {
    const host = new URL(request.url).host;
    const index = counts.get(host) ?? 0;
    counts.set(host, index + 1);
    const call: RecordedCall = {
      host,
      url: request.url,
      headers: request.headers,
      body: request.body ? (JSON.parse(Buffer.from(request.body).toString("utf8")) as Record<string, unknown>) : {},
      wasAborted: false,
      isClosed: false,
      chunksDelivered: 0,
    };
    calls.push(call);
    request.signal.addEventListener("abort", () => (call.wasAborted = true), { once: true });
    const source = scripts[host];
    if (!source) throw new OutboundError("connection_refused");
    const script = typeof source === "function" ? source(index) : source;
    if (script.headersDelayMs) await sleep(script.headersDelayMs, request.signal);
    if (script.error) throw new OutboundError(script.error);
    const generator = playBody(script.body ?? [], request.signal, call);
    return {
      status: script.status ?? 200,
      headers: script.headers ?? {},
      body: { [Symbol.asyncIterator]: () => generator },
      close() {
        call.isClosed = true;
        void generator.return(undefined);
      },
    };
  };

  return {
    send,
    calls,
    callsTo(host: string): RecordedCall[] {
      return calls.filter((call) => call.host === host);
    },
  };
}

/** An SSE `data:` event with a JSON payload. */
export function sseData(payload: unknown, lineEnd = "\n"): string {
  return `data: ${JSON.stringify(payload)}${lineEnd}${lineEnd}`;
}

export function contentChunk(text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: "chatcmpl-1",
    object: "chat.completion.chunk",
    model: "up",
    choices: [{ index: 0, delta: { content: text }, finish_reason: null }],
    ...extra,
  };
}

export const ROLE_CHUNK = {
  id: "chatcmpl-1",
  object: "chat.completion.chunk",
  model: "up",
  choices: [{ index: 0, delta: { role: "assistant" }, finish_reason: null }],
};
export const STOP_CHUNK = {
  id: "chatcmpl-1",
  object: "chat.completion.chunk",
  model: "up",
  choices: [{ index: 0, delta: {}, finish_reason: "stop" }],
};
export const USAGE_CHUNK = {
  id: "chatcmpl-1",
  object: "chat.completion.chunk",
  model: "up",
  choices: [],
  usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, prompt_tokens_details: { cached_tokens: 4 } },
};
export const DONE = "data: [DONE]\n\n";

export function completionBody(
  content: string,
  usage: Record<string, unknown> | null = { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 },
): string {
  return JSON.stringify({
    id: "chatcmpl-1",
    object: "chat.completion",
    model: "up",
    choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
    ...(usage ? { usage } : {}),
  });
}
