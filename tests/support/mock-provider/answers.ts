// The JSON bodies the mock answers with: completions, errors and model lists.
import type { JsonValue, MockBehavior, MockErrorObject, MockToolCall } from "./types";

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function parseJson(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function pickDelay(delay: MockBehavior["chunkDelayMs"]): number {
  if (delay === undefined) return 0;
  if (typeof delay === "number") return delay;
  const [min, max] = delay;
  return min + Math.random() * (max - min);
}

/** Word-sized pieces whose concatenation is exactly `text`. */
export function splitWords(text: string): string[] {
  return text.match(/\s*\S+|\s+/g) ?? [];
}

let sequence = 0;

// ───────────────────────────── Answer bodies ─────────────────────────────

export interface AnswerContext {
  id: string;
  created: number;
  model: string;
}

export function answerContext(behavior: MockBehavior, requestModel: string): AnswerContext {
  return {
    id: behavior.id ?? `chatcmpl-mock${++sequence}`,
    created: behavior.created ?? Math.floor(Date.now() / 1000),
    model: behavior.responseModel ?? requestModel,
  };
}

export function contentPieces(behavior: MockBehavior, model: string): string[] {
  if (behavior.chunks !== undefined) return [...behavior.chunks];
  if (behavior.text !== undefined) return splitWords(behavior.text);
  if (behavior.refusal !== undefined || behavior.toolCalls !== undefined) return [];
  return splitWords(`Hello from ${model}`);
}

export function toolCallJson(call: MockToolCall, index: number): Record<string, JsonValue> {
  const args = typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments);
  return { id: call.id ?? `call_mock${index}`, type: "function", function: { name: call.name, arguments: args } };
}

export function finishReasonOf(behavior: MockBehavior): string {
  return behavior.finishReason ?? (behavior.toolCalls?.length ? "tool_calls" : "stop");
}

export function usageJson(behavior: MockBehavior, pieceCount: number): Record<string, JsonValue> | null {
  if (behavior.usage === null) return null;
  const given = behavior.usage ?? {};
  const prompt = given.prompt_tokens ?? 10;
  const completion = given.completion_tokens ?? Math.max(1, pieceCount);
  const usage: Record<string, JsonValue> = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: given.total_tokens ?? prompt + completion,
  };
  const cached = given.cached_tokens ?? given.prompt_tokens_details?.cached_tokens;
  if (cached !== undefined) usage.prompt_tokens_details = { cached_tokens: cached };
  if (given.reasoning_tokens !== undefined)
    usage.completion_tokens_details = { reasoning_tokens: given.reasoning_tokens };
  return usage;
}

export function completionJson(behavior: MockBehavior, requestModel: string): string {
  const context = answerContext(behavior, requestModel);
  const pieces = contentPieces(behavior, requestModel);
  const message: Record<string, JsonValue> = {
    role: "assistant",
    content: pieces.length > 0 || behavior.text !== undefined ? pieces.join("") : null,
    refusal: behavior.refusal ?? null,
  };
  if (behavior.reasoning) message.reasoning_content = behavior.reasoning.join("");
  if (behavior.toolCalls) message.tool_calls = behavior.toolCalls.map(toolCallJson);
  const usage = usageJson(behavior, pieces.length + (behavior.reasoning?.length ?? 0));
  return JSON.stringify({
    id: context.id,
    object: "chat.completion",
    created: context.created,
    model: context.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReasonOf(behavior) }],
    ...(usage ? { usage } : {}),
  });
}

export function errorJson(status: number, error: MockErrorObject = {}): string {
  const type = status === 429 ? "rate_limit_error" : status >= 500 ? "server_error" : "invalid_request_error";
  return JSON.stringify({
    error: {
      message: error.message ?? `Mock upstream error ${status}`,
      type: error.type ?? type,
      param: error.param ?? null,
      code: error.code ?? null,
    },
  });
}

export const modelsCache = new Map<number, string>();

export function modelsJson(models: readonly string[] | number): string {
  if (typeof models !== "number") return JSON.stringify({ object: "list", data: models.map(modelEntry) });
  const cached = modelsCache.get(models);
  if (cached !== undefined) return cached;
  const ids = Array.from({ length: models }, (_, index) => `mock-model-${index + 1}`);
  const body = JSON.stringify({ object: "list", data: ids.map(modelEntry) });
  modelsCache.clear();
  modelsCache.set(models, body);
  return body;
}

/** Anthropic's `GET /v1/models`: one page with `has_more`, entries typed `model`. */
export function anthropicModelsJson(models: readonly string[] | number): string {
  const ids =
    typeof models === "number" ? Array.from({ length: models }, (_, index) => `mock-model-${index + 1}`) : models;
  const data = ids.map((id) => ({ type: "model", id, display_name: id, created_at: "2025-02-19T00:00:00Z" }));
  return JSON.stringify({ data, has_more: false, first_id: ids[0] ?? null, last_id: ids.at(-1) ?? null });
}

export function modelEntry(id: string): Record<string, JsonValue> {
  return { id, object: "model", created: 1_700_000_000, owned_by: "mock" };
}
