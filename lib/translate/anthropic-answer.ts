import { isRecord } from "../gateway/json-shape";
import type { NeutralAnswer, NeutralFinishReason, NeutralStreamPart, NeutralUsage, StreamEncoder } from "./neutral";

/* Neutral form → Anthropic Messages answers (JSON, and the typed SSE event sequence). */

const STOP_REASONS: Record<NeutralFinishReason["unified"], string> = {
  stop: "end_turn",
  length: "max_tokens",
  "tool-calls": "tool_use",
  "content-filter": "refusal",
  error: "end_turn",
  other: "end_turn",
};

/** Anthropic counts input without the cached parts; the cache reads and writes are separate. */
export function encodeAnthropicUsage(usage: NeutralUsage): Record<string, number> {
  const { total, noCache, cacheRead, cacheWrite } = usage.inputTokens;
  const input = noCache ?? Math.max(0, (total ?? 0) - (cacheRead ?? 0) - (cacheWrite ?? 0));
  return {
    input_tokens: input,
    output_tokens: usage.outputTokens.total ?? 0,
    cache_creation_input_tokens: cacheWrite ?? 0,
    cache_read_input_tokens: cacheRead ?? 0,
  };
}

function parseInput(json: string): unknown {
  try {
    const value: unknown = JSON.parse(json);
    return isRecord(value) ? value : {};
  } catch {
    return {};
  }
}

export function messageId(upstreamId: string | undefined): string {
  return upstreamId && upstreamId.startsWith("msg_") ? upstreamId : `msg_${upstreamId || Date.now().toString(36)}`;
}

export function encodeAnthropicMessage(answer: NeutralAnswer): string {
  const content: Record<string, unknown>[] = [];
  for (const part of answer.content) {
    if (part.type === "reasoning") content.push({ type: "thinking", thinking: part.text, signature: "" });
    else if (part.type === "text") content.push({ type: "text", text: part.text });
    else if (part.type === "tool-call")
      content.push({ type: "tool_use", id: part.toolCallId, name: part.toolName, input: parseInput(part.input) });
  }
  return JSON.stringify({
    id: messageId(answer.id),
    type: "message",
    role: "assistant",
    model: answer.model,
    content,
    stop_reason: STOP_REASONS[answer.finishReason.unified],
    stop_sequence: null,
    usage: encodeAnthropicUsage(answer.usage),
  });
}

function event(type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

/**
 * Neutral stream parts → `message_start`, `ping`, `content_block_start/delta/stop`,
 * `message_delta` (stop reason and the whole usage) and `message_stop`. Blocks get indexes in
 * the order they start; Anthropic's SDK accumulates them by index.
 */
export class AnthropicStreamEncoder implements StreamEncoder {
  private started = false;
  private nextIndex = 0;
  private readonly indexes = new Map<string, number>();

  constructor(private readonly fallbackModel: string) {}

  encode(part: NeutralStreamPart): string {
    switch (part.type) {
      case "response-metadata":
        return this.start(part.id, part.modelId);
      case "text-start":
        return this.start() + this.openBlock(part.id, { type: "text", text: "" });
      case "reasoning-start":
        return this.start() + this.openBlock(part.id, { type: "thinking", thinking: "", signature: "" });
      case "tool-input-start":
        return (
          this.start() + this.openBlock(part.id, { type: "tool_use", id: part.id, name: part.toolName, input: {} })
        );
      case "text-delta":
        return this.delta(part.id, { type: "text_delta", text: part.delta });
      case "reasoning-delta":
        return this.delta(part.id, { type: "thinking_delta", thinking: part.delta });
      case "tool-input-delta":
        return this.delta(part.id, { type: "input_json_delta", partial_json: part.delta });
      case "text-end":
      case "reasoning-end":
      case "tool-input-end":
        return this.closeBlock(part.id);
      case "finish":
        return (
          this.start() +
          event("message_delta", {
            delta: { stop_reason: STOP_REASONS[part.finishReason.unified], stop_sequence: null },
            usage: encodeAnthropicUsage(part.usage),
          }) +
          event("message_stop", {})
        );
      case "error":
        return event("error", { error: { type: "api_error", message: String(part.error) } });
      default:
        return "";
    }
  }

  private start(id?: string, model?: string): string {
    if (this.started) return "";
    this.started = true;
    const message = {
      id: messageId(id),
      type: "message",
      role: "assistant",
      model: model ?? this.fallbackModel,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 0, output_tokens: 0 },
    };
    return event("message_start", { message }) + event("ping", {});
  }

  private openBlock(id: string, block: Record<string, unknown>): string {
    const index = this.nextIndex++;
    this.indexes.set(id, index);
    return event("content_block_start", { index, content_block: block });
  }

  private delta(id: string, delta: Record<string, unknown>): string {
    const index = this.indexes.get(id);
    return index === undefined ? "" : event("content_block_delta", { index, delta });
  }

  private closeBlock(id: string): string {
    const index = this.indexes.get(id);
    if (index === undefined) return "";
    this.indexes.delete(id);
    return event("content_block_stop", { index });
  }
}
