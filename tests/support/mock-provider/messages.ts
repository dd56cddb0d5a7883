// Anthropic's Messages API, spoken by the mock: the same behaviours as chat completions, in
// Anthropic's JSON, error and typed-event shapes (message_start … message_stop).
import { answerContext, contentPieces, isRecord, splitWords } from "./answers";
import { type Exchange, sendBody, sendStream, wantsStream } from "./exchange";
import type { StreamPlan } from "./sse-plan";
import { resolveFraming } from "./sse-plan";
import type { JsonValue, MockBehavior } from "./types";

export function anthropicErrorJson(status: number, message?: string, type?: string): string {
  const fallback =
    status === 429
      ? "rate_limit_error"
      : status === 529
        ? "overloaded_error"
        : status >= 500
          ? "api_error"
          : status === 401
            ? "authentication_error"
            : "invalid_request_error";
  return JSON.stringify({
    type: "error",
    error: { type: type ?? fallback, message: message ?? `Mock upstream error ${status}` },
  });
}

function stopReasonOf(behavior: MockBehavior): string {
  if (behavior.finishReason === "length") return "max_tokens";
  if (behavior.finishReason === "stop_sequence") return "stop_sequence";
  return behavior.toolCalls?.length ? "tool_use" : "end_turn";
}

/** Anthropic's usage: input excludes the cache reads and writes. */
export function anthropicUsage(behavior: MockBehavior, pieceCount: number): Record<string, number> {
  const given = behavior.usage ?? {};
  return {
    input_tokens: given.prompt_tokens ?? 10,
    output_tokens: given.completion_tokens ?? Math.max(1, pieceCount),
    cache_creation_input_tokens: given.cache_creation_input_tokens ?? 0,
    cache_read_input_tokens: given.cache_read_input_tokens ?? 0,
  };
}

function toolInput(args: MockBehavior["toolCalls"] extends readonly (infer T)[] | undefined ? T : never): JsonValue {
  return typeof args.arguments === "string" ? (JSON.parse(args.arguments) as JsonValue) : args.arguments;
}

function contentBlocks(behavior: MockBehavior, model: string): Record<string, JsonValue>[] {
  const blocks: Record<string, JsonValue>[] = [];
  if (behavior.reasoning) blocks.push({ type: "thinking", thinking: behavior.reasoning.join(""), signature: "sig" });
  const pieces = contentPieces(behavior, model);
  if (pieces.length > 0) blocks.push({ type: "text", text: pieces.join("") });
  (behavior.toolCalls ?? []).forEach((call, index) =>
    blocks.push({ type: "tool_use", id: call.id ?? `toolu_mock${index}`, name: call.name, input: toolInput(call) }),
  );
  return blocks;
}

export function messageJson(behavior: MockBehavior, model: string): string {
  const context = answerContext(behavior, model);
  return JSON.stringify({
    id: `msg_${context.id}`,
    type: "message",
    role: "assistant",
    model: context.model,
    content: contentBlocks(behavior, model),
    stop_reason: stopReasonOf(behavior),
    stop_sequence: null,
    usage: anthropicUsage(behavior, contentPieces(behavior, model).length),
  });
}

function event(type: string, data: Record<string, JsonValue>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

/** Pieces are the deltas (text, thinking, tool-input), each one cut-in point, as in chat streams. */
export function planMessageStream(behavior: MockBehavior, model: string): StreamPlan {
  const framing = resolveFraming(undefined);
  const context = answerContext(behavior, model);
  const usage = anthropicUsage(behavior, contentPieces(behavior, model).length);
  const errorEvent = event("error", {
    error: { type: "overloaded_error", message: behavior.error?.message ?? "Mock in-band error" },
  });
  const start = {
    id: `msg_${context.id}`,
    type: "message",
    role: "assistant",
    model: context.model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: { ...usage, output_tokens: 1 },
  };
  const prelude = [event("message_start", { message: start }), event("ping", {})];
  const pieces: string[] = [];
  let index = 0;
  const block = (open: Record<string, JsonValue>, deltas: Record<string, JsonValue>[]): void => {
    const at = index++;
    const stop = event("content_block_stop", { index: at });
    const head = event("content_block_start", { index: at, content_block: open });
    deltas.forEach((delta, i) => {
      const text = event("content_block_delta", { index: at, delta });
      pieces.push((i === 0 ? head : "") + text + (i === deltas.length - 1 ? stop : ""));
    });
  };
  if (behavior.reasoning)
    block(
      { type: "thinking", thinking: "", signature: "" },
      behavior.reasoning.map((thinking) => ({ type: "thinking_delta", thinking })),
    );
  const text = contentPieces(behavior, model);
  if (text.length > 0)
    block(
      { type: "text", text: "" },
      text.map((piece) => ({ type: "text_delta", text: piece })),
    );
  (behavior.toolCalls ?? []).forEach((call, i) => {
    const json = JSON.stringify(toolInput(call));
    const half = Math.ceil(json.length / 2);
    block({ type: "tool_use", id: call.id ?? `toolu_mock${i}`, name: call.name, input: {} }, [
      { type: "input_json_delta", partial_json: json.slice(0, half) },
      { type: "input_json_delta", partial_json: json.slice(half) },
    ]);
  });
  const epilogue = [
    event("message_delta", {
      delta: { stop_reason: stopReasonOf(behavior), stop_sequence: null },
      usage: { output_tokens: usage.output_tokens ?? 1 },
    }),
    event("message_stop", {}),
  ];
  return { prelude, pieces, epilogue, errorEvent, framing };
}

/** Scripted faults first (status errors in Anthropic's shape), then the answer. */
export async function answerMessages(exchange: Exchange, behavior: MockBehavior): Promise<void> {
  const { call } = exchange;
  const model = call.model ?? "";
  if (behavior.body !== undefined || behavior.html !== undefined) {
    const body = behavior.html ?? (typeof behavior.body === "string" ? behavior.body : JSON.stringify(behavior.body));
    await sendBody(exchange, behavior.status ?? 200, behavior.html ? "text/html" : "application/json", body, behavior);
    return;
  }
  if (behavior.status !== undefined && behavior.status >= 300) {
    const body = anthropicErrorJson(behavior.status, behavior.error?.message, behavior.error?.type);
    await sendBody(exchange, behavior.status, "application/json", body, behavior);
    return;
  }
  if (wantsStream(behavior, call.body)) {
    await sendStream(exchange, behavior, planMessageStream(behavior, model));
    return;
  }
  await sendBody(exchange, 200, "application/json", messageJson(behavior, model), behavior);
}

/** count_tokens: a rough count of the body's words, enough to tell it from an estimate. */
export async function answerCountTokens(exchange: Exchange, behavior: MockBehavior): Promise<void> {
  if (behavior.status !== undefined && behavior.status >= 300) {
    await sendBody(exchange, behavior.status, "application/json", anthropicErrorJson(behavior.status), behavior);
    return;
  }
  const body = exchange.call.body;
  const words = isRecord(body) ? splitWords(JSON.stringify(body.messages ?? [])).length : 0;
  await sendBody(exchange, 200, "application/json", JSON.stringify({ input_tokens: words + 1000 }), behavior);
}
